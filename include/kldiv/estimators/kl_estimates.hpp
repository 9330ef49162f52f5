// Monte Carlo KL estimates from log-probabilities at samples of q: Schulman's k1, k2, k3 and the
// reverse-direction estimator, with means, variances and standard errors, in one pass.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kldiv/core/detail/chunked.hpp"
#include "kldiv/core/error.hpp"
#include "kldiv/core/execution.hpp"
#include "kldiv/core/running_stats.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/estimators/kl_estimator.hpp"
#include "kldiv/simd/log_ratio_kernel.hpp"

namespace kldiv {

/// Estimates of KL from samples x ~ q, with ℓ = log p(x) − log q(x) (r = eˡ = p/q):
///
/// | field     | per sample        | estimates  | property                                 |
/// |-----------|-------------------|------------|------------------------------------------|
/// | `k1`      | −ℓ                | KL[q‖p]    | unbiased, high variance, often negative   |
/// | `k2`      | ½ℓ²               | KL[q‖p]    | biased (≈ KL when q ≈ p), low variance    |
/// | `k3`      | eˡ − 1 − ℓ        | KL[q‖p]    | unbiased, ≥ 0 (expm1mx)                   |
/// | `reverse` | r·ℓ − (r − 1)     | KL[p‖q]    | unbiased for the *other* direction, ≥ 0   |
///
/// Each field is a running_stats: mean(), variance(), standard_error(), count(). With importance
/// weights w = q/μ (samples from μ), each per-sample value is multiplied by w, so the means
/// stay unbiased for the same targets.
struct kl_estimate_set {
    running_stats k1;       ///< −ℓ: unbiased for KL[q‖p]
    running_stats k2;       ///< ½ℓ²: biased estimate of KL[q‖p]
    running_stats k3;       ///< eˡ − 1 − ℓ: unbiased for KL[q‖p], never negative
    running_stats reverse;  ///< r·ℓ − (r − 1): unbiased for KL[p‖q] (samples still from q)
    std::uint64_t clamped = 0;  ///< how many (unmasked) samples had ℓ clamped (0 unless a clamp was asked)

    /// Combines with estimates over disjoint samples (chunks, threads, machines).
    void merge(const kl_estimate_set& other) noexcept {
        k1.merge(other.k1);
        k2.merge(other.k2);
        k3.merge(other.k3);
        reverse.merge(other.reverse);
        clamped += other.clamped;
    }
};

/// Options for kl_estimates, all off by default (the plain path pays nothing for them).
template <real T>
struct kl_estimate_options {
    /// Which statistics to compute: `kl_estimator::k3`, `kl_estimator::k1 | kl_estimator::k3`, …
    /// (default: all four). The others stay empty (count 0). Pay for what you ask: without the
    /// other options, k3 alone, k1 + k3, k3 + reverse and all four each run a kernel that
    /// computes nothing else; other sets (and any set with a mask, weights or a clamp) compute
    /// all four and keep those asked for.
    kl_estimator_set estimators = kl_estimator_set::all();
    /// Clamp ℓ to [−c, c] before anything is computed from it (as RL code does before exp);
    /// the number of clamped samples is reported. A clamp changes the estimate: off by default.
    std::optional<double> clamp_log_ratio;
    /// Importance weights w = q(x)/μ(x) when the samples come from a behaviour policy μ; empty
    /// for on-policy samples. Each per-sample value is multiplied by its weight. Weights must be
    /// finite and ≥ 0 (the checked kl_estimates throws otherwise); a zero weight contributes
    /// exactly 0 to every statistic, whatever ℓ is (±inf included), while still being counted.
    std::span<const T> weights;
    /// Which samples count (non-zero) and which are padding (0); empty to use all. Padding may
    /// hold anything (NaN, ±inf) in log_q, log_p and weights: none of it is used or counted.
    std::span<const std::uint8_t> mask;
};

/// The fixed chunk of the policy overloads of kl_estimates (2¹⁶ samples): chunk c covers
/// samples [c·2¹⁶, (c + 1)·2¹⁶). Results are bit-identical for a given chunk size only.
inline constexpr std::size_t kl_estimates_chunk_size = std::size_t{1} << 16;

namespace detail {

/// The blocks' (count, mean, M2) of one statistic, merged without error growing with their
/// number: Σ count·mean, Σ count·(mean − s) and Σ (M2 + count·(mean − s)²) in compensated sums,
/// s the first block's mean (Chan's update, merged block after block, adds about one rounding
/// of the mean per block: 2²⁶ double samples would lose 2¹⁷ ulp). M2 is then within a few ε of
/// Σ(x − s)² beyond the blocks' own errors. Non-finite means or M2 take Chan's update (its rules
/// for ±inf and NaN).
class block_moments {
public:
    void add(std::uint64_t count, double mean, double m2) noexcept {
        if (count == 0) return;
        chan_.merge(running_stats::from_moments(count, mean, m2));
        if (count_ == 0) shift_ = std::isfinite(mean) ? mean : 0.0;
        count_ += count;
        const double n = static_cast<double>(count), d = mean - shift_;
        sum_.add(n * mean);
        shifted_.add(n * d);
        squares_.add(m2);
        squares_.add(n * d * d);
    }
    [[nodiscard]] running_stats value() const noexcept {
        const double n = static_cast<double>(count_), sum = sum_.value(), a = shifted_.value(), q = squares_.value();
        if (count_ == 0 || !std::isfinite(sum) || !std::isfinite(a) || !std::isfinite(q)) return chan_;
        const double m2 = q - a * (a / n);
        return running_stats::from_moments(count_, sum / n, m2 > 0 ? m2 : 0.0);
    }

private:
    running_stats chan_;
    std::uint64_t count_ = 0;
    double shift_ = 0;
    compensated_sum<double> sum_, shifted_, squares_;
};

/// kl_estimates' four statistics, absorbing the kernel's blocks in order.
struct estimate_blocks {
    block_moments statistic[4];
    std::uint64_t clamped = 0;
    void absorb(const simd::log_ratio_moments& block, kl_estimator_set wanted) noexcept {
        if (block.count > 0)
            for (unsigned s = 0; s < 4; ++s)
                if (wanted.contains(static_cast<kl_estimator>(s)))
                    statistic[s].add(static_cast<std::uint64_t>(block.count), block.mean[s], block.m2[s]);
        clamped += block.clamped;
    }
    [[nodiscard]] kl_estimate_set value() const noexcept {
        kl_estimate_set set;
        set.k1 = statistic[0].value(), set.k2 = statistic[1].value();
        set.k3 = statistic[2].value(), set.reverse = statistic[3].value();
        set.clamped = clamped;
        return set;
    }
};

/// Throws unless every weight of an unmasked sample is finite and ≥ 0. The scan is branch-free
/// (vectorised); only on failure does a second loop find the index for the message.
template <real T>
void check_weights(const char* function, std::span<const T> weights, std::span<const std::uint8_t> mask) {
    constexpr T largest = std::numeric_limits<T>::max();
    bool ok = true;
    if (mask.empty()) {
        for (const T w : weights) ok &= (w >= T(0)) & (w <= largest);
    } else {
        for (std::size_t i = 0; i < weights.size(); ++i)
            ok &= (mask[i] == 0) | ((weights[i] >= T(0)) & (weights[i] <= largest));
    }
    if (ok) return;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const T w = weights[i];
        if ((mask.empty() || mask[i] != 0) && !(w >= T(0) && w <= largest))
            fail(function, "weights[" + std::to_string(i) + "] must be finite and >= 0", w);
    }
}

/// The checks shared by every kl_estimates entry point; `allow_empty` for kl_estimates_by_chunk
/// (no samples: no chunks), the others refuse empty input (no estimate exists).
template <real T>
void check_kl_estimates(const char* function, std::size_t n, std::size_t n_p, const kl_estimate_options<T>& options,
                        bool allow_empty = false) {
    check_same_size(function, n, n_p);
    if (n == 0 && !allow_empty) fail(function, "log_q and log_p are empty: no samples, no estimate");
    if (!options.weights.empty() && options.weights.size() != n)
        fail(function, "weights must have one entry per sample (" + std::to_string(n) + ")", options.weights.size());
    if (!options.mask.empty() && options.mask.size() != n)
        fail(function, "mask must have one entry per sample (" + std::to_string(n) + ")", options.mask.size());
    if (!options.weights.empty()) check_weights(function, options.weights, options.mask);
    if (options.clamp_log_ratio && !(*options.clamp_log_ratio > 0))
        fail(function, "clamp_log_ratio must be positive", *options.clamp_log_ratio);
    if (options.estimators.empty()) fail(function, "options.estimators names no estimator");
}

}  // namespace detail

namespace unchecked {

/// kl_estimates without input validation (sizes are still required to match: it reads
/// log_q.size() elements of each array). Empty input gives count 0 and NaN means; a negative or
/// non-finite weight is used as given (a zero weight still contributes exactly 0).
template <real T>
[[nodiscard]] kl_estimate_set kl_estimates(std::span<const T> log_q, std::span<const T> log_p,
                                           const kl_estimate_options<T>& options = {}) noexcept {
    simd::log_ratio_options kernel_options;
    if (options.clamp_log_ratio) {
        kernel_options.clamp = true;
        kernel_options.clamp_limit = *options.clamp_log_ratio;
    }
    kernel_options.weights = options.weights.empty() ? nullptr : options.weights.data();
    kernel_options.mask = options.mask.empty() ? nullptr : options.mask.data();
    kernel_options.statistics = options.estimators.bits();
    detail::estimate_blocks blocks;
    const kl_estimator_set wanted = options.estimators;
    simd::log_ratio_kernel(log_q.data(), log_p.data(), log_q.size(), kernel_options,
                           [&blocks, wanted](const simd::log_ratio_moments& block) { blocks.absorb(block, wanted); });
    return blocks.value();
}

}  // namespace unchecked

namespace detail {

/// Chunk c of the samples (weights and mask sliced alike), computed by the serial path.
template <real T>
[[nodiscard]] kl_estimate_set kl_estimates_chunk(std::span<const T> log_q, std::span<const T> log_p,
                                                 const kl_estimate_options<T>& options, std::size_t c) noexcept {
    const std::size_t begin = c * kl_estimates_chunk_size;
    const std::size_t size = std::min(kl_estimates_chunk_size, log_q.size() - begin);
    kl_estimate_options<T> chunk = options;
    if (!options.weights.empty()) chunk.weights = options.weights.subspan(begin, size);
    if (!options.mask.empty()) chunk.mask = options.mask.subspan(begin, size);
    return unchecked::kl_estimates(log_q.subspan(begin, size), log_p.subspan(begin, size), chunk);
}

}  // namespace detail

/// Turns log-densities at samples x ~ q into every estimate of the seed, in one pass:
/// `auto e = kldiv::kl_estimates(log_q, log_p); e.k3.mean(); e.k3.standard_error();`
/// Direction: log_q[i] = log q(xᵢ) for the sampling distribution q, log_p[i] = log p(xᵢ);
/// k1, k2, k3 estimate KL[q‖p], `reverse` estimates KL[p‖q] (see kl_estimate_set).
/// Inputs: equal-length contiguous float or double arrays (float is accumulated in double).
/// Accuracy is stated in units of the input type (u = its unit roundoff) and, for the statistics,
/// on the statistic (docs/accuracy.md): the mean within 16·u·mean|x| and M2 within
/// 16·u·Σ(x − s)² + 2e·√(Σx²·M2) + e²·Σx² (e = 8u, the per-sample bound; s the first block's
/// mean) of the exact terms x, whatever n: blocks are summed pairwise in lanes and merged in
/// compensated sums (kl_estimates(policy, …) merges its 2¹⁶-sample chunks by Chan's formula).
/// - double input: per-sample values ≤ 3 ulp of those of ℓ = fl(log p − log q) (|ℓ| < 1: a
///   direct series, ρ as eˡ·φ(−ℓ), measured ≤ 2.43 ulp; elsewhere the 2-ulp expm1mx and
///   rlogr_residual); the terms are those of that ℓ.
/// - float input, plain (no clamp, weights or mask), on AVX2+FMA and AVX-512: float lanes where
///   |ℓ| < 1, the terms those of the exact log p − log q: φ and ρ ≤ 4 ulp of them (with ρ, ℓ's
///   rounding is put back; k3 without ρ evaluates φ to ≤ 1.55 ulp at the float ℓ; measured ≤ 3.34
///   ulp at 10⁷ points), the other samples in double lanes; equal samples give M2 = 0 exactly.
/// - float input with options, or on the scalar set: double lanes, ≤ 1e-12 relative per sample.
/// Results agree across chunking and instruction sets within these bounds. k3 and reverse are never
/// negative; ℓ = −inf (p = 0 at a sample) gives k1 = k2 = k3 = +inf and reverse 1; ℓ = +inf
/// gives +inf for k3 and reverse and −inf for k1; NaN propagates (statistics become NaN).
/// Runs on the widest instruction set the CPU has (simd::active_isa()).
/// options.estimators chooses which statistics are computed (the rest stay empty, count 0).
/// Weights must be finite and ≥ 0; a zero weight contributes exactly 0 whatever ℓ is.
/// Throws kldiv::domain_error if the inputs are empty (no samples: no estimate exists), sizes
/// differ (weights and mask too, when given), a weight of an unmasked sample is negative, NaN
/// or infinite (the message names its index and value), a clamp is not positive, or
/// options.estimators is empty. Inputs whose every sample is masked give count() == 0 and NaN
/// means (nothing to estimate from; merging such a set changes nothing).
template <real_vector Q, real_vector P>
[[nodiscard]] kl_estimate_set kl_estimates(const Q& log_q, const P& log_p,
                                           const kl_estimate_options<vector_value_t<Q>>& options = {}) {
    using T = vector_value_t<Q>;
    static_assert(std::is_same_v<T, vector_value_t<P>>, "kldiv::kl_estimates: log_q and log_p element types differ");
    const auto q = as_span(log_q);
    const auto p = as_span(log_p);
    detail::check_kl_estimates("kl_estimates", q.size(), p.size(), options);
    return unchecked::kl_estimates(q, p, options);
}

namespace unchecked {

/// The estimates of each kl_estimates_chunk_size chunk, computed as the serial path does, in
/// chunk order (no validation; see kldiv::kl_estimates_by_chunk).
template <real T, execution_policy E>
[[nodiscard]] std::vector<kl_estimate_set> kl_estimates_by_chunk(const E& policy, std::span<const T> log_q,
                                                                 std::span<const T> log_p,
                                                                 const kl_estimate_options<T>& options = {}) {
    const std::size_t n = log_q.size();
    const std::size_t chunks = detail::chunk_count(n, kl_estimates_chunk_size);
    std::vector<kl_estimate_set> sets(chunks);
    detail::parallel_tasks(policy, chunks, n, [&](std::size_t c) noexcept {
        sets[c] = detail::kl_estimates_chunk(log_q, log_p, options, c);
    });
    return sets;
}

}  // namespace unchecked

/// kl_estimates on several threads with a result that does not depend on their number:
/// `auto e = kldiv::kl_estimates(kldiv::par, log_q, log_p, options);`
/// The samples are cut into chunks of kl_estimates_chunk_size (2¹⁶) by global index; each
/// chunk is computed exactly as the serial kl_estimates computes it, and the chunk results are
/// merged (running_stats::merge, Chan's formula) left to right in chunk order. Every statistic
/// is therefore bit-identical for kldiv::seq, kldiv::par and any kldiv::parallel{n}, on any
/// machine with the same instruction set (tested: 1, 2, 3 and 64 threads, float and double,
/// with weights, mask and clamp). It agrees with the policy-free kl_estimates (one running
/// merge over 256- or 2048-sample blocks) within the stated accuracy, not bit for bit.
/// Accuracy, special values and errors: as kl_estimates. Calls on ≤ 2¹⁴ samples start no threads.
template <execution_policy E, real_vector Q, real_vector P>
[[nodiscard]] kl_estimate_set kl_estimates(const E& policy, const Q& log_q, const P& log_p,
                                           const kl_estimate_options<vector_value_t<Q>>& options = {}) {
    using T = vector_value_t<Q>;
    static_assert(std::is_same_v<T, vector_value_t<P>>, "kldiv::kl_estimates: log_q and log_p element types differ");
    const auto q = as_span(log_q);
    const auto p = as_span(log_p);
    detail::check_kl_estimates("kl_estimates", q.size(), p.size(), options);
    const std::size_t n = q.size();
    kl_estimate_set result;
    detail::ordered_chunks(
        policy, detail::chunk_count(n, kl_estimates_chunk_size), n,
        [&](std::size_t c) noexcept { return detail::kl_estimates_chunk(q, p, options, c); },
        [&](const kl_estimate_set& chunk) noexcept { result.merge(chunk); });
    return result;
}

/// The per-chunk estimates that kl_estimates(policy, ...) merges, for merging elsewhere (other
/// processes, MPI ranks, a Spark reduce): chunk c covers samples [c·2¹⁶, (c + 1)·2¹⁶).
/// Merging the sets of consecutive shards of whole chunks left to right, starting from an
/// empty kl_estimate_set, gives the bits of kl_estimates(policy, all samples) — the property
/// behind bit-identical multi-process runs (examples/mpi_kl_estimates.cpp). Accuracy and
/// errors: as kl_estimates, except that empty input is allowed and gives no chunks (an MPI rank
/// may hold an empty shard).
template <execution_policy E, real_vector Q, real_vector P>
[[nodiscard]] std::vector<kl_estimate_set> kl_estimates_by_chunk(
    const E& policy, const Q& log_q, const P& log_p, const kl_estimate_options<vector_value_t<Q>>& options = {}) {
    using T = vector_value_t<Q>;
    static_assert(std::is_same_v<T, vector_value_t<P>>,
                  "kldiv::kl_estimates_by_chunk: log_q and log_p element types differ");
    const auto q = as_span(log_q);
    const auto p = as_span(log_p);
    detail::check_kl_estimates("kl_estimates_by_chunk", q.size(), p.size(), options, /*allow_empty=*/true);
    return unchecked::kl_estimates_by_chunk(policy, q, p, options);
}

}  // namespace kldiv
