// Top-k KL with its tail: KL between the two distributions coarsened to (the k support outcomes +
// one tail bucket), row-wise. A true KL (≥ 0, ≤ the full KL by data processing), unlike the
// truncated sum over the top-k outcomes, which can be negative.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "kldiv/core/execution.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/discrete/js_divergence.hpp"
#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/row_gradients.hpp"
#include "kldiv/discrete/row_options.hpp"
#include "kldiv/discrete/units.hpp"
#include "kldiv/simd/logits_kernel.hpp"

namespace kldiv {

/// Which outcomes keep their own bucket when both sides are dense logits (the rest share the tail).
enum class topk_support {
    teacher,        ///< the k largest logits of p (the first matrix)
    student,        ///< the k largest logits of q (the second matrix)
    union_of_both,  ///< the union of both (between k and 2k outcomes)
};

namespace detail {

template <class A>
constexpr A minus_infinity() noexcept {
    return -std::numeric_limits<A>::infinity();
}

/// One outcome of the support: log pᵢ and dᵢ = log qᵢ − log pᵢ (log qᵢ where pᵢ = 0).
template <class A>
struct support_entry {
    std::size_t index;
    A log_p, log_q, d;
};

/// The indices of the k largest values of row (ties: the lower index), appended to indices.
/// Long rows: a threshold from an evenly spaced sample of 512 values, set so that about 2k values
/// exceed it, then one scan collects those (a vector compare per block where the float lanes
/// are) and nth_element keeps the k best; if fewer than k exceed it, the sample misled and the
/// general way runs. General way: candidates collect in a buffer of up to 4k; when it is full,
/// nth_element keeps the k best and their worst value becomes the threshold a later value must
/// exceed to enter. Either way a later value equal to the threshold loses its tie.
template <class T>
void append_topk(std::span<const T> row, std::size_t k, std::vector<std::pair<T, std::size_t>>& buffer,
                 std::vector<std::size_t>& indices) {
    const auto better = [](const std::pair<T, std::size_t>& x, const std::pair<T, std::size_t>& y) {
        return x.first > y.first || (x.first == y.first && x.second < y.second);
    };
    const std::size_t n = row.size();
    if (k == 0) return;  // (the checked calls refuse k = 0)
    const auto keep_best = [&] {
        std::nth_element(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(k - 1), buffer.end(), better);
        buffer.resize(k);
    };
    // Collects the values above threshold (all of them until a threshold exists), compacting to
    // the k best whenever capacity candidates have gathered.
    const auto collect = [&](bool have_threshold, T threshold, std::size_t capacity) {
        buffer.clear();
        for (std::size_t i = 0; i < n; ++i) {
            if (have_threshold) {
#if defined(KLDIV_HAVE_FLOAT_LANES)
                if constexpr (std::is_same_v<T, float>) {  // the skip in vector compares
                    i = simd::first_above(row.data(), i, n, threshold);
                    if (i >= n) break;
                } else
#endif
                    if (!(row[i] > threshold)) continue;
            }
            buffer.emplace_back(row[i], i);
            if (buffer.size() == capacity) {
                keep_best();
                threshold = buffer[k - 1].first;
                have_threshold = true;
            }
        }
    };
    constexpr std::size_t samples = 512;
    bool done = false;
    if (n >= 64 * k && n >= 4 * samples) {
        std::array<T, samples> sample;
        const std::size_t stride = n / samples;
        for (std::size_t j = 0; j < samples; ++j) sample[j] = row[j * stride];
        const std::size_t rank = std::max<std::size_t>(1, 2 * k * samples / n);  // ~2k values above
        std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(rank - 1), sample.end(),
                         [](T x, T y) { return x > y; });
        collect(true, sample[rank - 1], std::numeric_limits<std::size_t>::max());
        done = buffer.size() >= k;  // then the k best all exceed the threshold
    }
    if (!done) collect(false, T(0), 4 * k);
    if (buffer.size() > k) keep_best();
    for (const auto& entry : buffer) indices.push_back(entry.second);
}

/// Coarsened KL(P̃‖Q̃) from the support entries and the tail masses (q_tail() is asked for only
/// where it is needed: P_T = 0, or Q_T < P_T/2):
///   value = Σ_S pᵢφ(dᵢ) + P_T·φ(u_T),   u_T = log(Q_T/P_T) = log1p(−Σ_S pᵢ·expm1(dᵢ)/P_T),
/// every term ≥ 0 (a bucket with pᵢ = 0 contributes qᵢ); u_T is left in tail_log_ratio.
template <class A, class QTail>
A coarsened_kl_value(std::span<const support_entry<A>> support, A p_tail, QTail&& q_tail, A& tail_log_ratio) noexcept {
    constexpr A minus_inf = -std::numeric_limits<A>::infinity();
    compensated_sum<A> kl, shift;  // shift = Σ_S (qᵢ − pᵢ) = P_T − Q_T
    for (const auto& e : support) {
        if (e.log_p == minus_inf) {
            const A q = std::exp(e.log_q);
            kl.add(q);
            shift.add(q);
        } else {
            kl.add(weighted_bregman(e.log_p, e.d));
            shift.add(std::exp(e.log_p) * std::expm1(e.d));
        }
    }
    tail_log_ratio = 0;
    if (p_tail > A(0)) {
        const A x = -shift.value() / p_tail;  // Q_T/P_T − 1 without subtracting two tails
        tail_log_ratio = x >= A(-0.5) ? std::log1p(x) : std::log(q_tail()) - std::log(p_tail);
        kl.add(weighted_bregman(std::log(p_tail), tail_log_ratio));
    } else {
        kl.add(q_tail());  // P puts no mass in the tail: the bucket's term is Q_T
    }
    return kl.value();
}

/// A sparse side's tail mass from its kept log-probabilities: −expm1(log-sum-exp of them), the
/// tail as one bucket (never 1 − Σ, never clamped).
template <class A>
A sparse_tail_mass(std::span<const support_entry<A>> support) noexcept {
    constexpr A minus_inf = -std::numeric_limits<A>::infinity();
    A high = minus_inf;
    for (const auto& e : support) high = std::max(high, e.log_p);
    compensated_sum<A> kept;
    if (high != minus_inf)
        for (const auto& e : support) kept.add(std::exp(e.log_p - high));
    const A log_kept = high == minus_inf ? minus_inf : high + std::log(kept.value());
    return -std::expm1(log_kept);
}

/// Coarsened KL(P̃‖Q̃) of one row over the support (sorted by index) and the tail, plus the
/// gradients. p_row is the dense p row (empty for a sparse p, whose tail mass is then
/// −expm1(log-sum-exp of the kept log-probs)); q_row the dense q row with its normalizer.
///   value = Σ_S pᵢφ(dᵢ) + P_T·φ(u_T),   u_T = log(Q_T/P_T) = log1p(−Σ_S pᵢ·expm1(dᵢ)/P_T),
/// every term ≥ 0 (a bucket with pᵢ = 0 contributes qᵢ). Gradients (times scale/τ): ∂/∂q_logitᵢ =
/// qᵢ − pᵢ on the support, qᵢ(1 − P_T/Q_T) in the tail; ∂/∂p_logitᵢ = pᵢ(log(p̃/q̃) − KL) of its bucket.
template <class A, class T>
A coarsened_kl_row(std::span<support_entry<A>> support, std::span<const T> p_row, const row_normalizer<A, T>* np,
                   std::span<const T> q_row, const row_normalizer<A, T>& nq, A tau, A scale, T* grad_p,
                   T* grad_q) noexcept {
    constexpr A minus_inf = -std::numeric_limits<A>::infinity();
    // The tail masses: Q_T (and P_T for a dense p) summed directly over the complement of S.
    compensated_sum<A> q_tail_sum, p_tail_sum;
    {
        std::size_t next = 0;
        for (std::size_t i = 0; i < q_row.size(); ++i) {
            if (next < support.size() && support[next].index == i) {
                ++next;
                continue;
            }
            q_tail_sum.add(std::exp(nq.log_probability(q_row[i])));
            if (np != nullptr) p_tail_sum.add(std::exp(np->log_probability(p_row[i])));
        }
    }
    const A q_tail = q_tail_sum.value();
    A p_tail;
    if (np != nullptr) {
        p_tail = p_tail_sum.value();
    } else {
        p_tail = sparse_tail_mass<A>(support);
    }
    A tail_log_ratio = 0;  // u_T = log(Q_T/P_T)
    const A value = coarsened_kl_value<A>(support, p_tail, [&] { return q_tail; }, tail_log_ratio);
    if (grad_p == nullptr && grad_q == nullptr) return value;
    const gradient_factor<A> factor{scale, tau};
    // 1 − P_T/Q_T = −expm1(−u_T); where P_T = 0 it is 1.
    const A tail_q_factor = p_tail > A(0) ? -std::expm1(-tail_log_ratio) : A(1);
    std::size_t next = 0;
    for (std::size_t i = 0; i < q_row.size(); ++i) {
        const bool kept = next < support.size() && support[next].index == i;
        if (kept) {
            const auto& e = support[next++];
            const A p = std::exp(e.log_p);
            if (grad_q != nullptr)
                grad_q[i] = static_cast<T>(factor(e.log_p == minus_inf ? std::exp(e.log_q) : p * std::expm1(e.d)));
            if (grad_p != nullptr) grad_p[i] = static_cast<T>(p > A(0) ? factor(p * (-e.d - value)) : A(0));
        } else {
            if (grad_q != nullptr)
                grad_q[i] = static_cast<T>(factor(std::exp(nq.log_probability(q_row[i])) * tail_q_factor));
            if (grad_p != nullptr) {
                const A p = std::exp(np->log_probability(p_row[i]));
                grad_p[i] = static_cast<T>(p > A(0) ? factor(p * (-tail_log_ratio - value)) : A(0));
            }
        }
    }
    return value;
}

#if defined(KLDIV_HAVE_FLOAT_LANES)
/// The sparse top-k row for float q logits through the lanes (simd/logits_kernel.hpp): the range
/// pass, Q's tail weight Σ_T e^((qᵢ − max q)/τ) over the outcomes outside the support in one pass
/// (weights to 2e-15), the support's weights in double, then log qᵢ and Q_T = Σ_T w/Z summed
/// directly; ∂/∂q in one more pass (qᵢ·(1 − P_T/Q_T) in the tail), the support's entries then
/// rewritten in double. support comes sorted by index with log_p set; false (the scalar path)
/// for the rows the lanes decline.
inline bool sparse_coarsened_kl_row_in_lanes(std::span<const float> q_row, std::vector<support_entry<double>>& support,
                                             std::vector<std::size_t>& indices, double tau, double scale,
                                             float* grad_q, double& value) {
    const std::size_t n = q_row.size();
    simd::logits_row_frame f;  // the q row against itself: y ≡ 0, only the weights matter
    if (!simd::logits_frame(q_row.data(), q_row.data(), n, 1.0 / tau, f)) return false;
    if (f.may_underflow || !(f.y_high - f.y_low <= 600.0)) return false;
    const double factor_value = scale / tau;
    if (grad_q != nullptr && !std::isfinite(factor_value)) return false;
    indices.clear();
    for (const auto& e : support) indices.push_back(e.index);
    simd::logits_row_sums tail;
    const bool stored = simd::logits_tail_sums(q_row.data(), q_row.data(), n, f, indices.data(), indices.size(),
                                               grad_q, tail, true);
    double z = tail.z;
    for (auto& e : support) {
        e.log_q = (double(q_row[e.index]) - f.max_a) * f.inverse_tau;  // the gap, for now
        z += std::exp(e.log_q);
    }
    const double log_z = std::log(z);
    for (auto& e : support) {
        e.log_q -= log_z;
        e.d = e.log_q - e.log_p;
    }
    const double q_tail = tail.z / z;
    const double p_tail = sparse_tail_mass<double>(support);
    double tail_log_ratio = 0;
    value = coarsened_kl_value<double>(support, p_tail, [&] { return q_tail; }, tail_log_ratio);
    if (grad_q == nullptr) return true;
    // Tail: ∂/∂qᵢ = qᵢ·(1 − P_T/Q_T) = qᵢ·t; t = 1 where P_T = 0.
    const double t = p_tail > 0 ? -std::expm1(-tail_log_ratio) : 1.0;
    simd::logits_gradient_row(q_row.data(), q_row.data(), n, f, {0.0, factor_value / z, 0.0, t, 0.0, 0.0},
                              stored ? grad_q : nullptr, nullptr, grad_q);
    const gradient_factor<double> factor{scale, tau};
    for (const auto& e : support)
        grad_q[e.index] = static_cast<float>(
            factor(e.log_p == -std::numeric_limits<double>::infinity() ? std::exp(e.log_q)
                                                                       : std::exp(e.log_p) * std::expm1(e.d)));
    return true;
}
#endif

template <class T, class I>
void topk_sparse_rows(std::span<const I> p_indices, std::span<const T> p_log_probs, std::size_t k,
                      std::span<const T> q_logits, std::size_t vocabulary, std::span<T> out,
                      const row_options& options, const row_gradients<T>& gradients, information_unit unit) {
    using A = accumulator_t<T>;
    const std::size_t rows = vocabulary == 0 ? 0 : q_logits.size() / vocabulary;
    const A tau = static_cast<A>(options.temperature);
    const A scale = gradient_scale<A>(options, rows, unit);
    std::vector<support_entry<A>> support;
    std::vector<std::size_t> indices;
    support.reserve(k);
    indices.reserve(k);
    zero_masked_gradient_rows(options, rows, vocabulary, gradients);
    reduce_rows<T, A>(
        options, rows, out,
        [&](std::size_t row) -> A {
            const auto q_row = q_logits.subspan(row * vocabulary, vocabulary);
            T* grad_q = gradients.q_logits.empty() ? nullptr : gradients.q_logits.data() + row * vocabulary;
#if defined(KLDIV_HAVE_FLOAT_LANES)
            if constexpr (std::is_same_v<T, float>) {
                support.clear();
                for (std::size_t j = 0; j < k; ++j)
                    support.push_back({static_cast<std::size_t>(p_indices[row * k + j]),
                                       static_cast<double>(p_log_probs[row * k + j]), 0.0, 0.0});
                std::sort(support.begin(), support.end(),
                          [](const auto& x, const auto& y) { return x.index < y.index; });
                double value = 0;
                if (sparse_coarsened_kl_row_in_lanes(q_row, support, indices, tau, scale, grad_q, value)) return value;
            }
#endif
            const row_normalizer<A, T> nq(q_row, tau);
            support.clear();
            for (std::size_t j = 0; j < k; ++j) {
                const auto index = static_cast<std::size_t>(p_indices[row * k + j]);
                const A log_p = static_cast<A>(p_log_probs[row * k + j]);
                const A log_q = nq.log_probability(q_row[index]);
                support.push_back({index, log_p, log_q, log_q - log_p});
            }
            std::sort(support.begin(), support.end(), [](const auto& x, const auto& y) { return x.index < y.index; });
            return coarsened_kl_row<A, T>(support, {}, nullptr, q_row, nq, tau, scale, nullptr, grad_q);
        },
        [&](A nats_value) { return unit.from_nats(nats_value); });
}

#if defined(KLDIV_HAVE_FLOAT_LANES)
/// The dense top-k row for float logits through the lanes (simd/logits_kernel.hpp): the range
/// pass, the tail's sums Σw, Σw·y, Σw·φ(y) over the outcomes outside the support in one pass
/// (with wᵢ = e^((aᵢ − max a)/τ) to 2e-15 and yᵢ = (bᵢ − aᵢ)/τ − c₀), the support's own in double,
/// then the shift c − c₀ = log1p(x), x = (S₁ + S₂)/Z, so that dᵢ = yᵢ − log1p(x) keeps its digits
/// at P ≈ Q; P_T = Σ_T w/Z summed directly. The gradients in one more pass, the support's entries
/// then rewritten in double. False (the scalar path) for the rows the lanes decline.
inline bool coarsened_kl_row_in_lanes(std::span<const float> p_row, std::span<const float> q_row,
                                      const simd::logits_row_frame& f, const std::vector<std::size_t>& indices,
                                      std::vector<support_entry<double>>& support, double tau, double scale,
                                      float* grad_p, float* grad_q, double& value) {
    if (f.may_underflow || !(f.y_high - f.y_low <= 600.0)) return false;
    const double factor_value = scale / tau;
    const bool want_gradients = grad_p != nullptr || grad_q != nullptr;
    if (want_gradients && !std::isfinite(factor_value)) return false;
    const std::size_t n = p_row.size();
    float* weights = grad_q != nullptr ? grad_q : grad_p;
    simd::logits_row_sums tail;
    const bool stored =
        simd::logits_tail_sums(p_row.data(), q_row.data(), n, f, indices.data(), indices.size(), weights, tail);
    double z = tail.z, s1 = tail.s1, s2 = tail.s2;
    support.clear();
    for (const std::size_t i : indices) {  // gap and y first; log pᵢ and dᵢ once the shift is known
        const double gap = (double(p_row[i]) - f.max_a) * f.inverse_tau;
        const double y = (double(q_row[i]) - double(p_row[i])) * f.inverse_tau - f.c0;
        const double w = std::exp(gap);
        z += w;
        s1 += w * y;
        s2 += w * kldiv::expm1mx(y);
        support.push_back({i, gap, 0.0, y});
    }
    const double x = (s1 + s2) / z;
    const double shift = std::log1p(x), log_z = std::log(z);
    for (auto& e : support) {
        e.log_p = e.log_p - log_z;
        e.d = e.d - shift;
        e.log_q = e.log_p + e.d;
    }
    const double p_tail = tail.z / z;
    const auto q_tail = [&] {  // Σ_T qᵢ directly (only where Q_T < P_T/2 or P_T = 0)
        compensated_sum<double> sum;
        std::size_t next = 0;
        const double log_zq = log_z + std::log1p(x);
        for (std::size_t i = 0; i < n; ++i) {
            if (next < indices.size() && indices[next] == i) {
                ++next;
                continue;
            }
            sum.add(std::exp((double(q_row[i]) - f.max_a) * f.inverse_tau - f.c0 - log_zq));
        }
        return sum.value();
    };
    double tail_log_ratio = 0;
    value = coarsened_kl_value<double>(support, p_tail, q_tail, tail_log_ratio);
    if (!want_gradients) return true;
    // Tail: ∂/∂bᵢ = qᵢ·(1 − P_T/Q_T) = pᵢ·e^dᵢ·t, ∂/∂aᵢ = pᵢ·(−u_T − KL); t = 1 where P_T = 0.
    const double t = p_tail > 0 ? -std::expm1(-tail_log_ratio) : 1.0;
    simd::logits_gradient_row(p_row.data(), q_row.data(), n, f,
                              {shift, factor_value / z, t, t, 0.0, -tail_log_ratio - value}, stored ? weights : nullptr,
                              grad_p, grad_q);
    const gradient_factor<double> factor{scale, tau};
    for (const auto& e : support) {
        const double p = std::exp(e.log_p);
        if (grad_q != nullptr) grad_q[e.index] = static_cast<float>(factor(p * std::expm1(e.d)));
        if (grad_p != nullptr) grad_p[e.index] = static_cast<float>(factor(p * (-e.d - value)));
    }
    return true;
}
#endif

template <class T>
void topk_dense_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary, std::size_t k,
                     topk_support which, std::span<T> out, const row_options& options,
                     const row_gradients<T>& gradients, information_unit unit) {
    using A = accumulator_t<T>;
    const std::size_t rows = vocabulary == 0 ? 0 : p_logits.size() / vocabulary;
    const A tau = static_cast<A>(options.temperature);
    const A scale = gradient_scale<A>(options, rows, unit);
    const std::size_t kept = std::min(k, vocabulary);
    std::vector<std::pair<T, std::size_t>> candidates;
    std::vector<std::size_t> indices;
    std::vector<support_entry<A>> support;
    candidates.reserve(4 * kept);
    indices.reserve(2 * kept);
    support.reserve(2 * kept);
    zero_masked_gradient_rows(options, rows, vocabulary, gradients);
    reduce_rows<T, A>(
        options, rows, out,
        [&](std::size_t row) -> A {
            const auto p_row = p_logits.subspan(row * vocabulary, vocabulary);
            const auto q_row = q_logits.subspan(row * vocabulary, vocabulary);
            T* grad_p = gradients.p_logits.empty() ? nullptr : gradients.p_logits.data() + row * vocabulary;
            T* grad_q = gradients.q_logits.empty() ? nullptr : gradients.q_logits.data() + row * vocabulary;
            const auto choose_support = [&] {
                indices.clear();
                if (which != topk_support::student) append_topk(p_row, kept, candidates, indices);
                if (which != topk_support::teacher) append_topk(q_row, kept, candidates, indices);
                std::sort(indices.begin(), indices.end());
                indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
            };
#if defined(KLDIV_HAVE_FLOAT_LANES)
            if constexpr (std::is_same_v<T, float>) {
                simd::logits_row_frame frame;
                if (simd::logits_frame(p_row.data(), q_row.data(), vocabulary, 1.0 / tau, frame)) {
                    choose_support();
                    double value = 0;
                    if (coarsened_kl_row_in_lanes(p_row, q_row, frame, indices, support, tau, scale, grad_p, grad_q,
                                                  value))
                        return value;
                }
            }
#endif
            const row_normalizer<A, T> np(p_row, tau), nq(q_row, tau);
            if (std::isnan(np.max) || std::isnan(nq.max)) return std::numeric_limits<A>::quiet_NaN();
            const A c = logits_shift(p_row, q_row, np, nq);
            choose_support();
            support.clear();
            for (const std::size_t i : indices) {
                const A log_p = np.log_probability(p_row[i]), log_q = nq.log_probability(q_row[i]);
                // dᵢ from the logits' difference and the exact shift: keeps its digits when p ≈ q.
                const A d = log_p == minus_infinity<A>() || log_q == minus_infinity<A>()
                                ? log_q - log_p
                                : logit_difference(np, nq, p_row[i], q_row[i]) - c;
                support.push_back({i, log_p, log_q, d});
            }
            return coarsened_kl_row<A, T>(support, p_row, &np, q_row, nq, tau, scale, grad_p, grad_q);
        },
        [&](A nats_value) { return unit.from_nats(nats_value); });
}

template <class T>
void check_topk_dense(std::string_view function, std::span<const T> p_logits, std::span<const T> q_logits,
                      std::size_t vocabulary, std::size_t k, std::size_t out_size, const row_options& options,
                      const row_gradients<T>& gradients) {
    check_row_shapes(function, p_logits.size(), q_logits.size(), vocabulary, out_size, options, false);
    if (k == 0) fail(function, "k must be at least 1", k);
    if (k > vocabulary) fail(function, "k exceeds the vocabulary " + std::to_string(vocabulary), k);
    check_row_gradients(function, gradients, p_logits.size(), q_logits.size());
    check_logit_rows(function, p_logits, q_logits, vocabulary, options);
}

template <class T, class I>
void check_topk_sparse(std::string_view function, std::span<const I> p_indices, std::span<const T> p_log_probs,
                       std::size_t k, std::span<const T> q_logits, std::size_t vocabulary, std::size_t out_size,
                       const row_options& options, const row_gradients<T>& gradients) {
    if (vocabulary == 0) fail(function, "the vocabulary (row length) must be positive", vocabulary);
    if (k == 0) fail(function, "k must be at least 1", k);
    if (k > vocabulary) fail(function, "k exceeds the vocabulary " + std::to_string(vocabulary), k);
    if (q_logits.size() % vocabulary != 0)
        fail(function, "the q matrix size is not a multiple of the vocabulary " + std::to_string(vocabulary),
             q_logits.size());
    const std::size_t rows = q_logits.size() / vocabulary;
    if (p_indices.size() != rows * k || p_log_probs.size() != rows * k)
        fail(function, "p indices and log-probs must hold k = " + std::to_string(k) + " entries for each of the " +
                           std::to_string(rows) + " rows",
             p_indices.size() != rows * k ? p_indices.size() : p_log_probs.size());
    if (out_size != row_output_size(options, rows))
        fail(function, "the output holds " + std::to_string(out_size) + " values but " +
                           std::to_string(row_output_size(options, rows)) + " are written");
    check_row_options(function, options, rows, false);
    if (!gradients.p_logits.empty())
        fail(function, "a sparse p has no logits to differentiate: leave the p gradient empty",
             gradients.p_logits.size());
    check_row_gradients(function, gradients, q_logits.size(), q_logits.size());
    std::vector<std::size_t> sorted(k);
    for (std::size_t row = 0; row < rows; ++row) {
        if (!row_selected(options, row)) continue;
        const std::string name = "row " + std::to_string(row);
        compensated_sum<double> kept;
        for (std::size_t j = 0; j < k; ++j) {
            const I index = p_indices[row * k + j];
            if (std::cmp_less(index, 0) || std::cmp_greater_equal(index, vocabulary))
                fail(function, "p index " + name + "[" + std::to_string(j) + "] is outside the vocabulary",
                     static_cast<long long>(index));
            sorted[j] = static_cast<std::size_t>(index);
            const T log_p = p_log_probs[row * k + j];
            if (std::isnan(log_p) || log_p > T(0))
                fail(function, "p log-prob " + name + "[" + std::to_string(j) + "] is not a log-probability (NaN or > 0)",
                     log_p);
            kept.add(std::exp(static_cast<double>(log_p)));
        }
        std::sort(sorted.begin(), sorted.end());
        const auto repeated = std::adjacent_find(sorted.begin(), sorted.end());
        if (repeated != sorted.end())
            fail(function, "p indices " + name + " repeat an index", static_cast<unsigned long long>(*repeated));
        const double tolerance = 4.0 * static_cast<double>(k) * std::numeric_limits<T>::epsilon();
        if (!(kept.value() <= 1.0 + tolerance))
            fail(function, "p probabilities " + name + " sum to more than 1", kept.value());
        check_logits(function, "q logits " + name, q_logits.subspan(row * vocabulary, vocabulary));
    }
}

}  // namespace detail

namespace unchecked {

/// kldiv::kl_divergence_topk_rows (sparse p) without validation.
template <real T, std::integral I>
void kl_divergence_topk_rows(std::span<const I> p_indices, std::span<const T> p_log_probs, std::size_t k,
                             std::span<const T> q_logits, std::size_t vocabulary, std::span<T> out,
                             const row_options& options = {}, const row_gradients<T>& gradients = {},
                             information_unit unit = nats) {
    detail::topk_sparse_rows(p_indices, p_log_probs, k, q_logits, vocabulary, out, options, gradients, unit);
}

/// kldiv::kl_divergence_topk_rows (dense p and q) without validation.
template <real T>
void kl_divergence_topk_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                             std::size_t k, topk_support support, std::span<T> out, const row_options& options = {},
                             const row_gradients<T>& gradients = {}, information_unit unit = nats) {
    detail::topk_dense_rows(p_logits, q_logits, vocabulary, k, support, out, options, gradients, unit);
}

}  // namespace unchecked

/// Top-k KL with its tail, from a sparse p: each row of p given as k indices (p_indices, rows × k,
/// any integer type) and their log-probabilities (p_log_probs, rows × k, already normalised over
/// the whole vocabulary, as distillation pipelines store a teacher's top-k), against dense q
/// logits (rows × vocabulary). The value is KL(P̃‖Q̃) between the distributions coarsened to the k
/// stored outcomes plus one tail bucket: P's tail mass is −expm1(log-sum-exp of the k log-probs)
/// (never 1 − Σ, never clamped), Q's tail the sum of softmax(q_row/τ) outside the k outcomes.
/// Direction: P (the sparse side) first. It is a true KL: ≥ 0 always and ≤ KL(P‖Q) of the full
/// rows (data processing), unlike the truncated Σ pᵢ log(pᵢ/qᵢ) over the k outcomes. The
/// temperature divides q's logits only (stored log-probs are taken as they are).
/// Gradients: gradients.q_logits receives ∂/∂q_logits (gradients.p_logits must be empty).
/// Accuracy: relative ≤ 1e-12 double, ≤ 1e-6 float (values and each gradient entry, plus 1e-12 of
/// the row's largest), every term ≥ 0. Float q rows run the lane kernel (q's tail weight in one
/// pass; rows it declines, and double rows, run the scalar path in double).
/// A stored log-prob of −inf is an outcome of p-probability 0 (its bucket contributes qᵢ); a kept
/// mass that rounds to ≥ 1 leaves the tail empty (its term is then Q̃'s tail mass).
/// Throws kldiv::domain_error (naming the row) for k = 0 or k > vocabulary, sizes that do not
/// match rows × k / rows × vocabulary, indices outside [0, vocabulary) or repeated within a row,
/// log-probs NaN or > 0 or summing beyond 1 + 4kε, bad q logits, or bad options.
template <real T, std::integral I>
void kl_divergence_topk_rows(std::span<const I> p_indices, std::span<const T> p_log_probs, std::size_t k,
                             std::span<const T> q_logits, std::size_t vocabulary, std::span<T> out,
                             const row_options& options = {}, const row_gradients<T>& gradients = {},
                             information_unit unit = nats) {
    detail::check_topk_sparse("kl_divergence_topk_rows", p_indices, p_log_probs, k, q_logits, vocabulary, out.size(),
                              options, gradients);
    unchecked::kl_divergence_topk_rows(p_indices, p_log_probs, k, q_logits, vocabulary, out, options, gradients, unit);
}

/// Top-k KL with its tail between two dense logit matrices (rows × vocabulary), P =
/// softmax(p_row/τ) (the teacher, first), Q = softmax(q_row/τ): KL(P̃‖Q̃) over the support chosen
/// by `support` (the teacher's k largest logits, the student's, or their union; ties go to the
/// lower index) plus one tail bucket holding the rest, whose masses are summed directly over the
/// outcomes outside the support (no cancellation, never negative). ≥ 0 and ≤ the full KL.
/// Gradients: ∂/∂p_logits and/or ∂/∂q_logits with the support held fixed (it is piecewise
/// constant in the logits). Accuracy: relative ≤ 1e-12 double, ≤ 1e-6 float (values and every
/// gradient entry, the latter plus 1e-12 of the row's largest), including nearly equal rows
/// (dᵢ = log qᵢ − log pᵢ from the logits' difference and an exact shift). Float rows run the lane
/// kernel (simd/logits_kernel.hpp: range pass, tail sums, support in double, gradient pass);
/// rows it declines (non-finite logits, a range beyond 600τ, weights that may underflow) and
/// double rows run the scalar path in double.
/// Throws as kl_divergence_rows, also for k = 0 or k > vocabulary or a gradient span of the
/// wrong size.
template <real T>
void kl_divergence_topk_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                             std::size_t k, topk_support support, std::span<T> out, const row_options& options = {},
                             const row_gradients<T>& gradients = {}, information_unit unit = nats) {
    detail::check_topk_dense("kl_divergence_topk_rows", p_logits, q_logits, vocabulary, k, out.size(), options,
                             gradients);
    unchecked::kl_divergence_topk_rows(p_logits, q_logits, vocabulary, k, support, out, options, gradients, unit);
}

/// kl_divergence_topk_rows (sparse p) with an execution policy: validated first on the calling
/// thread (errors as without a policy; nothing written), then the unmasked rows distributed whole
/// over the threads, each computed exactly as the policy-free call computes a single row, and
/// written or reduced on the calling thread in row order: the same bits for every policy. Values
/// only.
template <execution_policy E, real T, std::integral I>
void kl_divergence_topk_rows(const E& policy, std::span<const I> p_indices, std::span<const T> p_log_probs,
                             std::size_t k, std::span<const T> q_logits, std::size_t vocabulary, std::span<T> out,
                             const row_options& options = {}, information_unit unit = nats) {
    detail::check_topk_sparse("kl_divergence_topk_rows", p_indices, p_log_probs, k, q_logits, vocabulary, out.size(),
                              options, row_gradients<T>{});
    const row_options one = detail::one_row_options(options);
    detail::policy_rows_with_options(policy, q_logits.size() / vocabulary, q_logits.size(), options, out, unit,
                                     [&](std::size_t r, information_unit u) noexcept {
                                         T value = 0;
                                         unchecked::kl_divergence_topk_rows(
                                             p_indices.subspan(r * k, k), p_log_probs.subspan(r * k, k), k,
                                             q_logits.subspan(r * vocabulary, vocabulary), vocabulary,
                                             std::span<T>(&value, 1), one, row_gradients<T>{}, u);
                                         return value;
                                     });
}

/// kl_divergence_topk_rows (dense p and q) with an execution policy; as the sparse form.
template <execution_policy E, real T>
void kl_divergence_topk_rows(const E& policy, std::span<const T> p_logits, std::span<const T> q_logits,
                             std::size_t vocabulary, std::size_t k, topk_support support, std::span<T> out,
                             const row_options& options = {}, information_unit unit = nats) {
    detail::check_topk_dense("kl_divergence_topk_rows", p_logits, q_logits, vocabulary, k, out.size(), options,
                             row_gradients<T>{});
    const row_options one = detail::one_row_options(options);
    detail::policy_rows_with_options(policy, p_logits.size() / vocabulary, p_logits.size(), options, out, unit,
                                     [&](std::size_t r, information_unit u) noexcept {
                                         T value = 0;
                                         unchecked::kl_divergence_topk_rows(
                                             p_logits.subspan(r * vocabulary, vocabulary),
                                             q_logits.subspan(r * vocabulary, vocabulary), vocabulary, k, support,
                                             std::span<T>(&value, 1), one, row_gradients<T>{}, u);
                                         return value;
                                     });
}

}  // namespace kldiv
