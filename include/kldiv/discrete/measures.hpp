// Entropy, cross-entropy and KL divergence of probability vectors, in nats, bits or any base.
// Guarantees: a few ulps (KL summed as non-negative residuals); 0·log 0 = 0; p > 0 = q gives +inf.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <type_traits>
#include <utility>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/detail/chunked.hpp"
#include "kldiv/core/detail/error_free.hpp"
#include "kldiv/core/execution.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/core/xlogy.hpp"
#include "kldiv/discrete/units.hpp"
#include "kldiv/discrete/vector_input.hpp"
#include "kldiv/simd/detail/kl_term.hpp"
#include "kldiv/simd/probability_kernel.hpp"

namespace kldiv {

namespace detail {

/// The scalar reference for KL of the normalised distributions (long double, and the fallback
/// of unchecked::kl_divergence_nats when the sums differ too much for the kernel's shift).
/// With c = log(Σq/Σp) and ℓᵢ = log_ratio(qᵢ, pᵢ) − c, the Bregman identity gives
///   KL = (1/Σp)·Σ_{pᵢ>0} pᵢ·φ(ℓᵢ) + (Σ_{pᵢ=0} qᵢ)/Σq,   φ = expm1mx,
/// a sum of non-negative terms: no cancellation at any size of KL. Where ℓᵢ > 40, pᵢ·φ(ℓᵢ) is
/// formed as qᵢ·Σp/Σq − pᵢ − pᵢ·ℓᵢ, which stays finite when e^ℓᵢ would overflow. Where qᵢ is
/// within pᵢ/2 of pᵢ, eˡⁱ = 1 + δᵢ with δᵢ = (qᵢ·Σp − pᵢ·Σq)/(pᵢ·Σq) and pᵢ·φ(ℓᵢ) = −pᵢ·log1pmx(δᵢ):
/// the numerator (qᵢ − pᵢ)·Σp − pᵢ·(Σq − Σp) is formed from exact products and the sums to twice
/// the working precision, because ℓᵢ as a difference of two logarithms carries their roundings
/// (ε·|log(Σq/Σp)|), which swamp ℓᵢ when every qᵢ/pᵢ is nearly the same ratio (q = p·(1 + 1e-8):
/// a KL of 1e-33 that is all rounding of the entries, once lost to 3 %).
template <real T>
[[nodiscard]] accumulator_t<T> kl_divergence_shifted_nats(std::span<const T> p, std::span<const T> q) noexcept {
    using A = accumulator_t<T>;
    compensated_sum<A> p_total, q_minus_p, q_where_p_is_zero;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const A pi = p[i], qi = q[i];
        if (std::isnan(pi) || std::isnan(qi)) return std::numeric_limits<A>::quiet_NaN();
        if (pi > A(0) && qi == A(0)) return std::numeric_limits<A>::infinity();
        p_total.add(pi);
        q_minus_p.add(qi - pi);  // exact when qi and pi are within a factor 2, compensated overall
        if (!(pi > A(0))) q_where_p_is_zero.add(qi);
    }
    const A p_sum = p_total.value();
    const A q_sum = p_sum + q_minus_p.value();
    const A c = std::log1p(q_minus_p.value() / p_sum);
    const auto [p_sum_hi, p_sum_lo] = p_total.parts();
    const auto [excess_hi, excess_lo] = q_minus_p.parts();
    compensated_sum<A> residuals;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const A pi = p[i];
        if (!(pi > A(0))) continue;  // 0·log(0/q) = 0
        const A qi = q[i];
        const A u = qi - pi;  // exact here (Sterbenz)
        if (std::fabs(u) <= pi / A(2) && std::isfinite(q_sum)) {
            const auto up = two_product(u, p_sum_hi);
            const auto pe = two_product(pi, excess_hi);
            const A numerator = (up.hi - pe.hi) + ((up.lo - pe.lo) + (u * p_sum_lo - pi * excess_lo));
            residuals.add(-pi * log1pmx(numerator / (pi * q_sum)));
            continue;
        }
        const A l = log_ratio(qi, pi) - c;
        residuals.add(simd::detail::kl_term_of_log_ratio(pi, l, [&] { return qi * (p_sum / q_sum); }));
    }
    return residuals.value() / p_sum + q_where_p_is_zero.value() / q_sum;
}

/// KL of the normalised distributions from the vector kernel's sums (see
/// unchecked::kl_divergence_nats); p and q are read again only on the rare fallback.
template <class T>
[[nodiscard]] double kl_from_sums(const simd::discrete_kl_sums& sums, std::span<const T> p,
                                  std::span<const T> q) noexcept {
    const double x = sums.q_minus_p / sums.p_total;
    const double shift = -log1pmx(x);
    const double mean_residual = sums.terms / sums.p_total;
    if (shift == 0 || !(mean_residual == mean_residual) || mean_residual == std::numeric_limits<double>::infinity())
        return mean_residual;
    constexpr double largest_share = std::is_same_v<T, float> ? 0x1p-20 : 0.25;
    if (shift <= largest_share * mean_residual) return mean_residual - shift;
    return kl_divergence_shifted_nats(p, q);
}

/// H(p̂, q̂) of p̂ = p/Σp, q̂ = q/Σq from H_raw = −Σ pᵢ log qᵢ and the sums' excesses
/// Σp − 1, Σq − 1 (as check_distribution returns them, accurate to a few ulp of themselves):
/// H_raw/Σp + log Σq, an exact identity. The excesses are within the tolerance, so the
/// correction is small, and it is accurate because Σ − 1 was never rounded through Σ. Clamped
/// at 0: a (cross-)entropy is never negative, and for a one-point p the two terms cancel.
/// Entropy is the case q = p.
template <class A>
[[nodiscard]] A normalised_cross_entropy(A raw, double p_excess, double q_excess) noexcept {
    if (p_excess == 0 && q_excess == 0) return raw;
    const A h = raw / (A(1) + static_cast<A>(p_excess)) + static_cast<A>(std::log1p(q_excess));
    return h > A(0) ? h : (h == h ? A(0) : h);
}

}  // namespace detail

/// Functions that skip validation, for loops whose inputs were validated once already.
/// Preconditions (unchecked): equal sizes; entries finite and ≥ 0; sums 1 within
/// normalization_tolerance. Violations give meaningless numbers, never a crash.
namespace unchecked {

/// H(p) = −Σ pᵢ log pᵢ in accumulator_t<T> (double for float), 0·log 0 = 0; float and double
/// run simd::cross_entropy_kernel, long double a compensated scalar loop.
template <real T>
[[nodiscard]] accumulator_t<T> entropy_nats(std::span<const T> p) noexcept {
    if constexpr (simd_real<T>)
        return simd::cross_entropy_kernel(p.data(), p.data(), p.size());
    using A = accumulator_t<T>;
    compensated_sum<A> total;
    for (const T pi : p) total.add(-xlogx(static_cast<A>(pi)));
    return total.value();
}

/// H(p, q) = −Σ pᵢ log qᵢ; +inf where pᵢ > 0 = qᵢ.
template <real T>
[[nodiscard]] accumulator_t<T> cross_entropy_nats(std::span<const T> p, std::span<const T> q) noexcept {
    if constexpr (simd_real<T>)
        return simd::cross_entropy_kernel(p.data(), q.data(), p.size());
    using A = accumulator_t<T>;
    compensated_sum<A> total;
    for (std::size_t i = 0; i < p.size(); ++i) total.add(-xlogy(static_cast<A>(p[i]), static_cast<A>(q[i])));
    return total.value();
}

/// KL(p̂‖q̂) of the distributions p̂ = p/Σp, q̂ = q/Σq that the inputs represent (they sum to 1
/// within rounding; interpreting them exactly normalised removes a bias of order |Σp − Σq|
/// that would otherwise swamp a KL of 1e-18 and could make it negative).
/// float and double run the vector kernel (simd::discrete_kl_kernel): with S = Σ_{p>0} pᵢ·φ(ℓᵢ)
/// + Σ_{p=0} qᵢ, ℓᵢ = log(qᵢ/pᵢ), and x = Σq/Σp − 1, the identity
///   KL(p̂‖q̂) = S/Σp − ψ(x),   ψ(x) = x − log1p(x) = φ(log(1 + x)) ≥ 0,
/// holds exactly. ψ(x) is of order (Σq − Σp)²: when it is more than a quarter of S/Σp
/// (double; 2⁻²⁰ of it for float, whose result has fewer digits to lose) the subtraction would
/// cost digits, and the shift is applied term by term instead (kl_divergence_shifted_nats).
template <real T>
[[nodiscard]] accumulator_t<T> kl_divergence_nats(std::span<const T> p, std::span<const T> q) noexcept {
    if constexpr (simd_real<T>)
        return detail::kl_from_sums(simd::discrete_kl_kernel(p.data(), q.data(), p.size()), p, q);
    else
        return detail::kl_divergence_shifted_nats(p, q);
}

/// entropy, cross_entropy and kl_divergence below without validation; same accuracy. The
/// unchecked entropy and cross_entropy are the raw sums −Σ pᵢ log qᵢ of the vectors as given (no
/// division by Σp: for sums off 1 they can differ from the checked functions' H(p/Σp, q/Σq) by
/// |Σ − 1|·H, and entropy({1 + 1e-9}) is −1e-9 here); NaN in gives NaN out.
template <real_vector P>
[[nodiscard]] vector_value_t<P> entropy(const P& p, information_unit unit = nats) noexcept {
    return static_cast<vector_value_t<P>>(unit.from_nats(entropy_nats(as_span(p))));
}
template <real_vector P, real_vector Q>
[[nodiscard]] vector_value_t<P> cross_entropy(const P& p, const Q& q, information_unit unit = nats) noexcept {
    return static_cast<vector_value_t<P>>(unit.from_nats(cross_entropy_nats(as_span(p), as_span(q))));
}
template <real_vector P, real_vector Q>
[[nodiscard]] vector_value_t<P> kl_divergence(const P& p, const Q& q, information_unit unit = nats) noexcept {
    return static_cast<vector_value_t<P>>(unit.from_nats(kl_divergence_nats(as_span(p), as_span(q))));
}

}  // namespace unchecked

/// Shannon entropy H(p) = −Σ pᵢ log pᵢ of a probability vector (0·log 0 = 0), in nats unless
/// another unit is given (kldiv::bits, kldiv::base(b)).
/// Input: any real_vector of float, double or long double.
/// Accuracy: ≤ 4 ulp relative for double (measured ≤ 2: vector log ≤ 1 ulp per term, compensated
/// sum), ≤ 1 ulp for float (evaluated in double). Runs simd::cross_entropy_kernel.
/// Like kl_divergence, it returns the entropy of the distribution p/Σp that the input stands
/// for (Σp is 1 within normalization_tolerance, no more): H = H_raw/Σp + log Σp with Σp − 1
/// to a few ulps of itself (the validation's compensated sum, 1 taken off before rounding), so entropy({1 + 1e-9}) is 0 (up to rounding, ~1e-25), not
/// −1e-9, and the result is never negative. The result is finite
/// for every valid input (0 ≤ H ≤ log n); zeros contribute 0, denormal entries their exact term.
/// Throws kldiv::domain_error for an empty vector or one with negative, NaN or infinite entries
/// or a sum off 1 by more than normalization_tolerance (nothing is normalised silently).
template <real_vector P>
[[nodiscard]] vector_value_t<P> entropy(const P& p, information_unit unit = nats) {
    const auto ps = as_span(p);
    const double excess = detail::check_distribution("entropy", "p", ps);
    return static_cast<vector_value_t<P>>(
        unit.from_nats(detail::normalised_cross_entropy(unchecked::entropy_nats(ps), excess, excess)));
}

/// Cross-entropy H(p, q) = −Σ pᵢ log qᵢ: the expected code length per symbol (in the chosen
/// unit) of a code built for q when symbols come from p. +inf where pᵢ > 0 = qᵢ.
/// Accuracy: ≤ 4 ulp relative for double, ≤ 1 ulp for float (as entropy; same kernel).
/// Like entropy it is the value for the distributions p/Σp and q/Σq the inputs stand for:
/// H_raw/Σp + log Σq, never negative.
/// Throws kldiv::domain_error as entropy, for either argument, and when sizes differ.
template <real_vector P, real_vector Q>
[[nodiscard]] vector_value_t<P> cross_entropy(const P& p, const Q& q, information_unit unit = nats) {
    static_assert(std::is_same_v<vector_value_t<P>, vector_value_t<Q>>,
                  "kldiv::cross_entropy: p and q must have the same element type");
    const auto ps = as_span(p);
    const auto qs = as_span(q);
    detail::check_same_size("cross_entropy", ps.size(), qs.size());
    const double p_excess = detail::check_distribution("cross_entropy", "p", ps);
    const double q_excess = detail::check_distribution("cross_entropy", "q", qs);
    return static_cast<vector_value_t<P>>(
        unit.from_nats(detail::normalised_cross_entropy(unchecked::cross_entropy_nats(ps, qs), p_excess, q_excess)));
}

/// KL(p‖q) = Σ pᵢ log(pᵢ/qᵢ) ≥ 0: the extra code length per symbol of a code built for q when
/// symbols come from p. 0·log(0/q) = 0; +inf where pᵢ > 0 = qᵢ.
/// Inputs sum to 1 only within rounding; kldiv returns the KL of the distributions they stand
/// for, p/Σp and q/Σq (identical to Σ pᵢ log(pᵢ/qᵢ) when the sums are exactly 1). So the result
/// is never negative, KL(p, p) = 0 exactly, and tiny KLs keep their digits.
/// Accuracy: ≤ 8 ulp relative for double at every size of KL, including q a 1e-9 perturbation
/// of p (KL ~ 1e-18), where Σ p log(p/q) returns noise; ≤ 2 ulp for float (terms ≤ 3 ulp
/// each — within 2⁻²⁶ in the double lanes of AVX2 and AVX-512 — summed in double). Runs the
/// vector kernel (simd::discrete_kl_kernel) on the widest instruction set; validation rides on
/// the same pass (the full checks run only when an entry is not a positive normal number or 0,
/// or a sum is off).
/// Throws kldiv::domain_error as cross_entropy.
template <real_vector P, real_vector Q>
[[nodiscard]] vector_value_t<P> kl_divergence(const P& p, const Q& q, information_unit unit = nats) {
    static_assert(std::is_same_v<vector_value_t<P>, vector_value_t<Q>>,
                  "kldiv::kl_divergence: p and q must have the same element type");
    const auto ps = as_span(p);
    const auto qs = as_span(q);
    detail::check_same_size("kl_divergence", ps.size(), qs.size());
    using T = vector_value_t<P>;
    if constexpr (simd_real<T>) {
        // Validation rides on the kernel's pass: it flags any entry that is not +0 or a positive
        // normal number and returns Σp and Σq. Only when something is off (or merely subnormal)
        // do the full checks run, which throw with the offending index and value.
        if (ps.empty()) detail::check_distribution("kl_divergence", "p", ps);  // throws: empty
        const simd::discrete_kl_sums sums = simd::discrete_kl_kernel(ps.data(), qs.data(), ps.size());
        const double p_tolerance = normalization_tolerance<T>(ps.size());
        const double q_total = sums.p_total + sums.q_minus_p;
        if (!sums.all_zero_or_normal || !(std::fabs(sums.p_total - 1.0) <= p_tolerance) ||
            !(std::fabs(q_total - 1.0) <= p_tolerance)) {
            detail::check_distribution("kl_divergence", "p", ps);
            detail::check_distribution("kl_divergence", "q", qs);
        }
        return static_cast<T>(unit.from_nats(detail::kl_from_sums(sums, ps, qs)));
    } else {
        detail::check_distribution("kl_divergence", "p", ps);
        detail::check_distribution("kl_divergence", "q", qs);
        return static_cast<T>(unit.from_nats(unchecked::kl_divergence_nats(ps, qs)));
    }
}

/// The fixed chunk of the policy overloads of entropy, cross_entropy and kl_divergence of
/// probability vectors (2¹⁶ entries): each chunk runs the vector kernel, chunk sums are added
/// in chunk order (compensated), so every policy and thread count gives the same bits.
inline constexpr std::size_t probability_chunk_size = std::size_t{1} << 16;

namespace detail {

/// The cheap part of check_distribution on the policy's threads: true when every entry is +0
/// or finite and non-negative and the sum is within tolerance (its excess Σv − 1 is stored in
/// `excess`: chunk accumulators merged unrounded); false sends the caller to
/// check_distribution, which throws with the offending index.
template <real T, execution_policy E>
[[nodiscard]] bool distribution_looks_valid(const E& policy, std::span<const T> v, double& excess) {
    if constexpr (simd_real<T>) {
        if (v.empty()) return false;
        compensated_sum<double> total;
        bool all_valid = true;
        ordered_chunks(
            policy, chunk_count(v.size(), probability_chunk_size), v.size(),
            [&](std::size_t c) noexcept {
                const std::size_t begin = c * probability_chunk_size;
                const std::size_t size = std::min(probability_chunk_size, v.size() - begin);
                bool valid = true;
                const compensated_sum<double> sum = simd::distribution_sum(v.data() + begin, size, valid);
                return std::pair<compensated_sum<double>, bool>(sum, valid);
            },
            [&](const std::pair<compensated_sum<double>, bool>& chunk) noexcept {
                total.merge(chunk.first);
                all_valid = all_valid && chunk.second;
            });
        excess = total.value_minus(1.0);
        return all_valid && std::fabs(total.value() - 1.0) <= normalization_tolerance<T>(v.size());
    } else {
        (void)policy;
        return false;
    }
}

/// check_distribution with the scan on the policy's threads; returns Σvᵢ − 1 as it does.
template <real T, execution_policy E>
double check_distribution(const E& policy, std::string_view function, std::string_view name, std::span<const T> v) {
    double excess = 0;
    if (!distribution_looks_valid(policy, v, excess)) return check_distribution(function, name, v);
    return excess;
}

/// −Σ pᵢ log qᵢ over chunks (the cross-entropy kernel per chunk, compensated in chunk order).
template <real T, execution_policy E>
[[nodiscard]] double cross_entropy_chunked(const E& policy, std::span<const T> p, std::span<const T> q) {
    compensated_sum<double> total;
    ordered_chunks(
        policy, chunk_count(p.size(), probability_chunk_size), p.size(),
        [&](std::size_t c) noexcept {
            const std::size_t begin = c * probability_chunk_size;
            const std::size_t size = std::min(probability_chunk_size, p.size() - begin);
            return simd::cross_entropy_kernel(p.data() + begin, q.data() + begin, size);
        },
        [&](double chunk) noexcept { total.add(chunk); });
    return total.value();
}

/// The vector KL kernel's sums over chunks, added in chunk order (compensated).
template <real T, execution_policy E>
[[nodiscard]] simd::discrete_kl_sums kl_sums_chunked(const E& policy, std::span<const T> p, std::span<const T> q) {
    compensated_sum<double> terms, p_total, q_minus_p;
    bool all_zero_or_normal = true;
    ordered_chunks(
        policy, chunk_count(p.size(), probability_chunk_size), p.size(),
        [&](std::size_t c) noexcept {
            const std::size_t begin = c * probability_chunk_size;
            const std::size_t size = std::min(probability_chunk_size, p.size() - begin);
            return simd::discrete_kl_kernel(p.data() + begin, q.data() + begin, size);
        },
        [&](const simd::discrete_kl_sums& chunk) noexcept {
            terms.add(chunk.terms);
            p_total.add(chunk.p_total);
            q_minus_p.add(chunk.q_minus_p);
            all_zero_or_normal = all_zero_or_normal && chunk.all_zero_or_normal;
        });
    simd::discrete_kl_sums sums;
    sums.terms = terms.value();
    sums.p_total = p_total.value();
    sums.q_minus_p = q_minus_p.value();
    sums.all_zero_or_normal = all_zero_or_normal;
    return sums;
}

}  // namespace detail

/// entropy with an execution policy: `kldiv::entropy(kldiv::par, p)`. The vector is cut into
/// chunks of probability_chunk_size (2¹⁶) by index; each runs the same kernel as entropy, and
/// the chunk sums are added in chunk order with compensation, so kldiv::seq, kldiv::par and
/// every kldiv::parallel{n} give the same bits (the policy-free entropy may differ in the last
/// bits: one kernel pass). Validation also runs on the threads. Accuracy, range and errors as
/// entropy; long double runs the policy-free path. Calls on ≤ 2¹⁴ entries start no threads.
template <execution_policy E, real_vector P>
[[nodiscard]] vector_value_t<P> entropy(const E& policy, const P& p, information_unit unit = nats) {
    using T = vector_value_t<P>;
    const auto ps = as_span(p);
    if constexpr (simd_real<T>) {
        const double excess = detail::check_distribution(policy, "entropy", "p", ps);
        return static_cast<T>(unit.from_nats(
            detail::normalised_cross_entropy(detail::cross_entropy_chunked(policy, ps, ps), excess, excess)));
    } else {
        return entropy(p, unit);
    }
}

/// cross_entropy with an execution policy; chunking and bit-identity as entropy(policy, p).
/// Accuracy, range and errors as cross_entropy.
template <execution_policy E, real_vector P, real_vector Q>
[[nodiscard]] vector_value_t<P> cross_entropy(const E& policy, const P& p, const Q& q, information_unit unit = nats) {
    static_assert(std::is_same_v<vector_value_t<P>, vector_value_t<Q>>,
                  "kldiv::cross_entropy: p and q must have the same element type");
    using T = vector_value_t<P>;
    const auto ps = as_span(p);
    const auto qs = as_span(q);
    if constexpr (simd_real<T>) {
        detail::check_same_size("cross_entropy", ps.size(), qs.size());
        const double p_excess = detail::check_distribution(policy, "cross_entropy", "p", ps);
        const double q_excess = detail::check_distribution(policy, "cross_entropy", "q", qs);
        return static_cast<T>(unit.from_nats(
            detail::normalised_cross_entropy(detail::cross_entropy_chunked(policy, ps, qs), p_excess, q_excess)));
    } else {
        return cross_entropy(p, q, unit);
    }
}

/// kl_divergence of probability vectors with an execution policy: `kldiv::kl_divergence(kldiv::par,
/// p, q)`. Each chunk of probability_chunk_size entries runs the vector KL kernel; its sums
/// (Σ residual terms, Σp, Σ(q − p)) are added in chunk order with compensation and finished as
/// kl_divergence does, so every policy and thread count gives the same bits (the policy-free
/// call may differ in the last bits). Accuracy, range and errors as kl_divergence; long double
/// runs the policy-free path. Calls on ≤ 2¹⁴ entries start no threads.
template <execution_policy E, real_vector P, real_vector Q>
[[nodiscard]] vector_value_t<P> kl_divergence(const E& policy, const P& p, const Q& q, information_unit unit = nats) {
    static_assert(std::is_same_v<vector_value_t<P>, vector_value_t<Q>>,
                  "kldiv::kl_divergence: p and q must have the same element type");
    using T = vector_value_t<P>;
    const auto ps = as_span(p);
    const auto qs = as_span(q);
    if constexpr (simd_real<T>) {
        detail::check_same_size("kl_divergence", ps.size(), qs.size());
        if (ps.empty()) detail::check_distribution("kl_divergence", "p", ps);  // throws: empty
        const simd::discrete_kl_sums sums = detail::kl_sums_chunked(policy, ps, qs);
        const double tolerance = normalization_tolerance<T>(ps.size());
        const double q_total = sums.p_total + sums.q_minus_p;
        if (!sums.all_zero_or_normal || !(std::fabs(sums.p_total - 1.0) <= tolerance) ||
            !(std::fabs(q_total - 1.0) <= tolerance)) {
            detail::check_distribution("kl_divergence", "p", ps);
            detail::check_distribution("kl_divergence", "q", qs);
        }
        return static_cast<T>(unit.from_nats(detail::kl_from_sums(sums, ps, qs)));
    } else {
        return kl_divergence(p, q, unit);
    }
}

}  // namespace kldiv
