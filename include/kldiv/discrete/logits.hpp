// KL divergence, entropy and cross-entropy of distributions given by logits (softmax taken
// stably inside), for one vector and row-wise over two row-major matrices. No temporaries.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "kldiv/core/detail/chunked.hpp"
#include "kldiv/core/execution.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/discrete/row_options.hpp"
#include "kldiv/discrete/units.hpp"
#include "kldiv/discrete/vector_input.hpp"
#include "kldiv/simd/detail/kl_term.hpp"
#include "kldiv/simd/logits_kernel.hpp"

namespace kldiv {

/// Marks a vector as logits (unnormalised log-probabilities) rather than probabilities:
/// kl_divergence(kldiv::logits(a), kldiv::logits(b)). Entries may be −inf (probability 0).
template <real T>
struct logits_view {
    std::span<const T> values;
};

/// Views any real_vector as logits.
template <real_vector R>
[[nodiscard]] logits_view<vector_value_t<R>> logits(const R& r) noexcept {
    return {as_span(r)};
}

namespace detail {

/// log Σ exp(aᵢ/τ) of one row in A, plus its maximum (−inf for a row of −inf); τ is the
/// temperature (1: the logits as given; aᵢ/τ is one correctly rounded division in A).
/// For τ ≠ 1 the logits are first shifted by the row's largest finite logit s, value(aᵢ) =
/// (aᵢ − s)/τ (softmax does not see the shift; every function here uses value differences
/// within a row or log-probabilities), so that a tiny τ cannot turn finite logits into ±inf:
/// the largest becomes 0 and the rest −inf at worst (probability 0, the limit).
template <class A, class T>
struct row_normalizer {
    A max;
    A log_sum;  // log Σ exp(aᵢ/τ − max) ≥ 0
    A temperature;
    A shift = 0;  // the row's largest finite logit when τ ≠ 1, else 0

    explicit row_normalizer(std::span<const T> a, A tau = A(1)) noexcept
        : max(-std::numeric_limits<A>::infinity()), log_sum(0), temperature(tau) {
        if (temperature != A(1)) {
            A largest = -std::numeric_limits<A>::infinity();
            for (const T v : a) largest = std::fmax(largest, static_cast<A>(v));
            if (std::isfinite(largest)) shift = largest;
        }
        for (const T v : a) max = std::fmax(max, value(v));
        if (std::isinf(max)) return;
        compensated_sum<A> sum;
        for (const T v : a) sum.add(std::exp(value(v) - max));
        log_sum = std::log(sum.value());
    }
    /// The logit at the row's temperature, (aᵢ − s)/τ (aᵢ itself at τ = 1).
    [[nodiscard]] A value(T v) const noexcept {
        return temperature == A(1) ? static_cast<A>(v) : (static_cast<A>(v) - shift) / temperature;
    }
    /// log pᵢ = aᵢ/τ − max − log_sum.
    [[nodiscard]] A log_probability(T v) const noexcept { return (value(v) - max) - log_sum; }
};

/// value(bᵢ) − value(aᵢ) = ((bᵢ − s_q) − (aᵢ − s_p))/τ for logits aᵢ of p's row and bᵢ of q's
/// row at the same temperature (s: each row's shift). The difference is taken before the
/// division, so nearly equal rows keep the digits of dᵢ (bᵢ/τ − aᵢ/τ would carry both
/// quotients' roundings, ~ε·|aᵢ/τ|, into a difference that may be far smaller), and of the two
/// ways to group the four terms, (bᵢ − aᵢ) − (s_q − s_p) or (bᵢ − s_q) − (aᵢ − s_p), the one whose
/// rounding error bound ε·(|x| + |y|) is smaller: the first for nearly equal rows, the second
/// for rows whose logits are far apart but each near its own maximum. ±inf or NaN when a
/// difference overflows (logits near ±DBL_MAX); callers then use the rows' log-probabilities.
template <class A, class T>
[[nodiscard]] A logit_difference(const row_normalizer<A, T>& np, const row_normalizer<A, T>& nq, T a, T b) noexcept {
    const A across = static_cast<A>(b) - static_cast<A>(a);
    if (np.temperature == A(1)) return across;
    const A shifts = nq.shift - np.shift;
    const A q_shifted = static_cast<A>(b) - nq.shift, p_shifted = static_cast<A>(a) - np.shift;
    const A d = std::fabs(across) + std::fabs(shifts) <= std::fabs(q_shifted) + std::fabs(p_shifted)
                    ? across - shifts
                    : q_shifted - p_shifted;
    return d / np.temperature;
}

/// c = log Σ exp(bᵢ/τ) − log Σ exp(aᵢ/τ), the shift with log qᵢ − log pᵢ = (bᵢ − aᵢ)/τ − c. When
/// p and q have the same support and every |bᵢ − aᵢ|/τ ≤ 1 (nearly equal rows),
/// c = log1p(Σ pᵢ·expm1(dᵢ)) with dᵢ = (bᵢ − aᵢ)/τ, so that dᵢ − c keeps its digits however close
/// the rows are; otherwise the difference of the two log-sum-exps (one cheap pass decides: no
/// exponential unless the rows are close). Adds Σ_{pᵢ=0} qᵢ to q_where_p_is_zero when given; sets
/// *from_log_sums when it took the log-sum-exp difference. With a reference r (a finite dᵢ of the
/// caller's choice) it returns c − r, for the differences dᵢ − r (see logits_kl_nats).
template <class A, class T>
A logits_shift(std::span<const T> a, std::span<const T> b, const row_normalizer<A, T>& na,
               const row_normalizer<A, T>& nb, compensated_sum<A>* q_where_p_is_zero = nullptr,
               A reference = A(0), bool* from_log_sums = nullptr) noexcept {
    constexpr A minus_inf = -std::numeric_limits<A>::infinity();
    A largest_difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (static_cast<A>(a[i]) == minus_inf) {
            if (static_cast<A>(b[i]) != minus_inf) {
                largest_difference = std::numeric_limits<A>::infinity();
                if (q_where_p_is_zero) q_where_p_is_zero->add(std::exp(nb.log_probability(b[i])));
            }
            continue;
        }
        largest_difference =
            std::fmax(largest_difference, std::fabs(logit_difference(na, nb, a[i], b[i]) - reference));
    }
    if (from_log_sums) *from_log_sums = !(largest_difference <= A(1));
    if (largest_difference <= A(1)) {
        compensated_sum<A> shift;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const A pi = std::exp(na.log_probability(a[i]));
            if (pi > A(0)) shift.add(pi * std::expm1(logit_difference(na, nb, a[i], b[i]) - reference));
        }
        return std::log1p(shift.value());
    }
    return ((nb.max + nb.log_sum) - (na.max + na.log_sum)) - reference;
}

/// The shift of logits_shift (relative to the reference r) for rows with the same support, from
/// whichever of two exact identities has the smaller rounding bound: log1p(Σ pᵢ·(e^(dᵢ−r) − 1)),
/// whose rounding ε·Σ|pᵢ(e^(dᵢ−r) − 1)|·(3 + |log pᵢ| + |dᵢ − r|)/(1 + Σ…) vanishes as the rows
/// get close even when some dᵢ are far from r, or the log-sum-exp difference, whose rounding is
/// ε·(|log Σ e^b| + |log Σ e^a|) whatever the rows. pᵢ·(e^d − 1) is formed as e^(log pᵢ + d)·(1 − e^−d)
/// for d > 0 so that it does not underflow with pᵢ. Costs an exponential pair per entry: the KL
/// calls it only when the cheap shift's rounding could show (see logits_kl_nats).
template <class A, class T>
A logits_shift_refined(std::span<const T> a, std::span<const T> b, const row_normalizer<A, T>& na,
                       const row_normalizer<A, T>& nb, A reference) noexcept {
    constexpr A minus_inf = -std::numeric_limits<A>::infinity();
    compensated_sum<A> shift;
    A shift_bound = 0;  // in units of ε
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (static_cast<A>(a[i]) == minus_inf) {
            if (static_cast<A>(b[i]) != minus_inf) shift_bound = std::numeric_limits<A>::infinity();
            continue;
        }
        const A d = logit_difference(na, nb, a[i], b[i]) - reference;
        const A log_p = na.log_probability(a[i]);
        const A term = d > A(0) ? std::exp(log_p + d) * -std::expm1(-d) : std::exp(log_p) * std::expm1(d);
        shift.add(term);
        shift_bound += std::fabs(term) * (A(3) + std::fabs(log_p) + std::fabs(d));
    }
    const A log_sum_p = na.max + na.log_sum, log_sum_q = nb.max + nb.log_sum;
    const A sum = shift.value();
    if (std::isfinite(shift_bound) && sum > A(-1) &&
        shift_bound / (A(1) + sum) <= std::fabs(log_sum_p) + std::fabs(log_sum_q))
        return std::log1p(sum);
    return (log_sum_q - log_sum_p) - reference;
}

/// KL(softmax(a/τ) ‖ softmax(b/τ)) in nats = Σ_{pᵢ>0} pᵢ·φ((dᵢ − r) − (c − r)) + Σ_{pᵢ=0} qᵢ, with
/// dᵢ = (bᵢ − aᵢ)/τ, c from logits_shift (every term ≥ 0) and r the d of p's most probable entry:
/// that entry's term is then exact and c − r only as large as the other entries' mass (rows that
/// differ by 1.3e-4 in a dominant entry, KL 7e-39: c's own rounding, ε·1e-4, was 5 % of it).
/// An error δc in the shift moves the KL by δc²/2 (the first order cancels: Σ qᵢ = Σ pᵢ). When
/// the cheap shift came from the log-sum-exps and δc² ≈ (4ε·(|log Σ e^a| + |log Σ e^b|))² is not
/// below 1e-14 of the KL, the KL is summed again with logits_shift_refined: rows of 4 882 logits up
/// to 83 that differ by 22 in one unlikely entry and by 1e-13 elsewhere have a KL of 4.6e-26, once
/// 3e-4 off.
template <class A, class T>
A logits_kl_nats(std::span<const T> a, std::span<const T> b, A tau = A(1)) noexcept {
    constexpr A minus_inf = -std::numeric_limits<A>::infinity();
    const row_normalizer<A, T> na(a, tau);
    const row_normalizer<A, T> nb(b, tau);
    if (std::isnan(na.max) || std::isnan(nb.max)) return std::numeric_limits<A>::quiet_NaN();
    for (std::size_t i = 0; i < a.size(); ++i)  // qᵢ = 0 < pᵢ: +inf, even where pᵢ underflows to 0
        if (static_cast<A>(b[i]) == minus_inf && static_cast<A>(a[i]) != minus_inf)
            return std::numeric_limits<A>::infinity();
    std::size_t most_probable = 0;
    for (std::size_t i = 1; i < a.size(); ++i)
        if (static_cast<A>(a[i]) > static_cast<A>(a[most_probable])) most_probable = i;
    A reference = a.empty() ? A(0) : logit_difference(na, nb, a[most_probable], b[most_probable]);
    if (!std::isfinite(reference)) reference = 0;
    compensated_sum<A> q_where_p_is_zero;
    bool from_log_sums = false;
    const A c = logits_shift(a, b, na, nb, &q_where_p_is_zero, reference, &from_log_sums);
    const auto residuals = [&](A shift) {
        compensated_sum<A> kl;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (static_cast<A>(a[i]) == minus_inf) continue;  // counted in q_where_p_is_zero
            const A log_p = na.log_probability(a[i]);
            const A pi = std::exp(log_p);
            A l = (logit_difference(na, nb, a[i], b[i]) - reference) - shift;
            // Logits near ±1.8e308: bᵢ − aᵢ or c overflowed (l = ±inf or NaN). Then l is taken as
            // log qᵢ − log pᵢ from each row's own normalisation, which is −inf only where qᵢ truly
            // underflows against pᵢ and +inf only where pᵢ does (that term is then qᵢ).
            if (!std::isfinite(l)) l = nb.log_probability(b[i]) - log_p;
            // qᵢ = pᵢ·eˡ, from the logs (pᵢ may underflow to 0 where qᵢ does not).
            const auto q_of = [&] {
                const A log_q = log_p + l;
                return std::exp(std::isfinite(log_q) ? log_q : nb.log_probability(b[i]));
            };
            if (pi > A(0))
                kl.add(simd::detail::kl_term_of_log_ratio(pi, l, q_of));
            else if (l > A(40))
                kl.add(q_of());  // pᵢ underflowed to 0: the term is qᵢ
        }
        return kl.value();
    };
    A kl = residuals(c);
    if (from_log_sums && q_where_p_is_zero.value() == A(0)) {
        const A shift_error = 4 * std::numeric_limits<A>::epsilon() *
                              (std::fabs(na.max + na.log_sum) + std::fabs(nb.max + nb.log_sum));
        if (shift_error * shift_error > A(1e-14) * kl) {
            const A refined = logits_shift_refined(a, b, na, nb, reference);
            if (refined != c) kl = residuals(refined);
        }
    }
    return kl + q_where_p_is_zero.value();
}

/// −Σ pᵢ log qᵢ (at temperature τ) with log pᵢ, log qᵢ from the row's log-sum-exp: every term ≥ 0.
template <class A, class T>
A logits_cross_entropy_nats(std::span<const T> a, std::span<const T> b, A tau = A(1)) noexcept {
    const row_normalizer<A, T> na(a, tau);
    const row_normalizer<A, T> nb(b, tau);
    compensated_sum<A> total;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const A pi = std::exp(na.log_probability(a[i]));
        if (pi > A(0)) total.add(-pi * nb.log_probability(b[i]));
    }
    return total.value();
}

template <class T>
void check_logits(std::string_view function, std::string_view name, std::span<const T> v) {
    if (v.empty()) fail(function, std::string(name) + " is empty: a distribution needs at least one outcome");
    // One vectorised pass; the loop that names the bad entry runs only on failure.
    const simd::logits_scan scan = simd::scan_logits(v.data(), v.size());
    if (scan.has_nan_or_plus_inf) {
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (std::isnan(v[i])) fail(function, std::string(name) + "[" + std::to_string(i) + "] is NaN", v[i]);
            if (v[i] == std::numeric_limits<T>::infinity())
                fail(function, std::string(name) + "[" + std::to_string(i) + "] is +inf (not a logit)", v[i]);
        }
    }
    if (!scan.has_finite) fail(function, std::string(name) + " is all −inf: every outcome has probability 0");
}

template <class T>
void check_rows(std::string_view function, std::size_t p_size, std::size_t q_size, std::size_t vocabulary,
                std::size_t out_size) {
    check_same_size(function, p_size, q_size);
    if (vocabulary == 0) fail(function, "the vocabulary (row length) must be positive", vocabulary);
    if (p_size % vocabulary != 0)
        fail(function, "the matrix size is not a multiple of the vocabulary " + std::to_string(vocabulary), p_size);
    if (out_size != p_size / vocabulary)
        fail(function, "the output holds " + std::to_string(out_size) + " values but there are " +
                           std::to_string(p_size / vocabulary) + " rows");
}

/// Validates every unmasked row of two logit matrices (the message names the row and index).
template <class T>
void check_logit_rows(std::string_view function, std::span<const T> p_logits, std::span<const T> q_logits,
                      std::size_t vocabulary, const row_options& options) {
    const std::size_t rows = p_logits.size() / vocabulary;
    for (std::size_t row = 0; row < rows; ++row) {
        if (!row_selected(options, row)) continue;
        check_logits(function, "p logits row " + std::to_string(row), p_logits.subspan(row * vocabulary, vocabulary));
        check_logits(function, "q logits row " + std::to_string(row), q_logits.subspan(row * vocabulary, vocabulary));
    }
}

}  // namespace detail

namespace unchecked {

/// KL(softmax(p)‖softmax(q)) without validation (NaN or +inf logits give NaN).
template <real T>
[[nodiscard]] T kl_divergence(logits_view<T> p, logits_view<T> q, information_unit unit = nats) noexcept;
template <real T>
[[nodiscard]] T entropy(logits_view<T> p, information_unit unit = nats) noexcept;
template <real T>
[[nodiscard]] T cross_entropy(logits_view<T> p, logits_view<T> q, information_unit unit = nats) noexcept {
    return static_cast<T>(unit.from_nats(detail::logits_cross_entropy_nats<accumulator_t<T>>(p.values, q.values)));
}
/// Row-wise KL without validation; see kldiv::kl_divergence_rows.
template <real T>
void kl_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, information_unit unit = nats) noexcept {
    const auto row_of = [vocabulary](std::span<const T> matrix, std::size_t row) {
        return logits_view<T>{matrix.subspan(row * vocabulary, vocabulary)};
    };
#if defined(KLDIV_HAVE_FLOAT_LANES)
    if constexpr (std::is_same_v<T, float>) {
        auto finish = [&](std::size_t row, bool ok, double kl_nats) {
            if (!ok)
                kl_nats = detail::logits_kl_nats<double>(row_of(p_logits, row).values, row_of(q_logits, row).values);
            out[row] = static_cast<float>(unit.from_nats(kl_nats));
        };
        simd::logits_kl_rows(p_logits.data(), q_logits.data(), vocabulary, out.size(), finish);
        return;
    }
#endif
    for (std::size_t row = 0; row < out.size(); ++row)
        out[row] = static_cast<T>(unit.from_nats(
            detail::logits_kl_nats<accumulator_t<T>>(row_of(p_logits, row).values, row_of(q_logits, row).values)));
}
/// Row-wise entropy without validation; see kldiv::entropy_rows.
template <real T>
void entropy_rows(std::span<const T> logits, std::size_t vocabulary, std::span<T> out,
                  information_unit unit = nats) noexcept {
    const auto row_of = [&](std::size_t row) { return logits_view<T>{logits.subspan(row * vocabulary, vocabulary)}; };
#if defined(KLDIV_HAVE_FLOAT_LANES)
    if constexpr (std::is_same_v<T, float>) {
        auto finish = [&](std::size_t row, bool ok, double entropy_nats) {
            if (!ok) entropy_nats = detail::logits_cross_entropy_nats<double>(row_of(row).values, row_of(row).values);
            out[row] = static_cast<float>(unit.from_nats(entropy_nats));
        };
        simd::logits_entropy_rows(logits.data(), vocabulary, out.size(), finish);
        return;
    }
#endif
    for (std::size_t row = 0; row < out.size(); ++row)
        out[row] = static_cast<T>(unit.from_nats(
            detail::logits_cross_entropy_nats<accumulator_t<T>>(row_of(row).values, row_of(row).values)));
}

/// Row-wise KL with options (temperature, mask, reduction) without validation; see
/// kldiv::kl_divergence_rows.
template <real T>
void kl_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, const row_options& options, information_unit unit = nats) noexcept {
    using A = accumulator_t<T>;
    const std::size_t rows = vocabulary == 0 ? 0 : p_logits.size() / vocabulary;
    const bool plain = options.temperature == 1.0;
    if (plain && options.mask.empty() && options.reduction == row_reduction::none)
        return unchecked::kl_divergence_rows(p_logits, q_logits, vocabulary, out, unit);
    detail::reduce_rows<T, A>(
        options, rows, out,
        [&](std::size_t row) -> A {
            const auto p_row = p_logits.subspan(row * vocabulary, vocabulary);
            const auto q_row = q_logits.subspan(row * vocabulary, vocabulary);
#if defined(KLDIV_HAVE_FLOAT_LANES)
            if constexpr (std::is_same_v<T, float>) {  // the lane kernel, at any temperature
                double lane_nats = 0;
                bool ok = false;
                auto finish = [&](std::size_t, bool lane_ok, double value) {
                    ok = lane_ok;
                    lane_nats = value;
                };
                simd::logits_kl_rows(p_row.data(), q_row.data(), vocabulary, 1, finish, 1.0 / options.temperature);
                if (ok) return static_cast<A>(lane_nats);
            }
#endif
            return detail::logits_kl_nats<A, T>(p_row, q_row, static_cast<A>(options.temperature));
        },
        [&](A nats_value) { return unit.from_nats(nats_value); });
}
/// Row-wise entropy with options without validation; see kldiv::entropy_rows.
template <real T>
void entropy_rows(std::span<const T> logits, std::size_t vocabulary, std::span<T> out, const row_options& options,
                  information_unit unit = nats) noexcept {
    using A = accumulator_t<T>;
    const std::size_t rows = vocabulary == 0 ? 0 : logits.size() / vocabulary;
    const bool plain = options.temperature == 1.0;
    if (plain && options.mask.empty() && options.reduction == row_reduction::none)
        return unchecked::entropy_rows(logits, vocabulary, out, unit);
    detail::reduce_rows<T, A>(
        options, rows, out,
        [&](std::size_t row) -> A {
            const auto row_logits = logits.subspan(row * vocabulary, vocabulary);
            if (plain) {
                T value = 0;
                unchecked::entropy_rows(row_logits, vocabulary, std::span<T>(&value, 1), nats);
                return static_cast<A>(value);
            }
            return detail::logits_cross_entropy_nats<A, T>(row_logits, row_logits,
                                                           static_cast<A>(options.temperature));
        },
        [&](A nats_value) { return unit.from_nats(nats_value); });
}

template <real T>
[[nodiscard]] T kl_divergence(logits_view<T> p, logits_view<T> q, information_unit unit) noexcept {
    if constexpr (std::is_same_v<T, float>) {  // one row of the row kernel
        T result = 0;
        unchecked::kl_divergence_rows<T>(p.values, q.values, p.values.size(), std::span<T>(&result, 1), unit);
        return result;
    } else {
        return static_cast<T>(unit.from_nats(detail::logits_kl_nats<accumulator_t<T>>(p.values, q.values)));
    }
}
template <real T>
[[nodiscard]] T entropy(logits_view<T> p, information_unit unit) noexcept {
    if constexpr (std::is_same_v<T, float>) {
        T result = 0;
        unchecked::entropy_rows<T>(p.values, p.values.size(), std::span<T>(&result, 1), unit);
        return result;
    } else {
        return static_cast<T>(unit.from_nats(detail::logits_cross_entropy_nats<accumulator_t<T>>(p.values, p.values)));
    }
}

}  // namespace unchecked

/// KL(softmax(p)‖softmax(q)) from two logit vectors, log-softmax taken stably inside (no
/// overflow for logits of any size; −inf logits are outcomes of probability 0, and KL = +inf
/// wherever q's logit is −inf but p's is finite, even when that pᵢ underflows to 0 in double).
/// Special values: NaN or +inf logits throw (checked) or give NaN (unchecked); −inf in both at
/// the same index is an outcome of neither. Logits up to ±DBL_MAX: where a log-ratio
/// log qᵢ − log pᵢ itself exceeds the double range (|bᵢ − aᵢ| beyond ~1.8e308) its term is
/// +inf, never NaN. The result is ≥ 0 or +inf for every valid input.
/// Accuracy: ≤ 64 ulp relative in double over |logits| ≤ 100, including nearly equal rows
/// (KL ~ 1e-18) where logsumexp(q) − logsumexp(p) would cancel; float is evaluated in double.
/// Throws kldiv::domain_error for empty or differently sized vectors, NaN or +inf logits, or a
/// row of only −inf.
template <real T>
[[nodiscard]] T kl_divergence(logits_view<T> p, logits_view<T> q, information_unit unit = nats) {
    detail::check_same_size("kl_divergence", p.values.size(), q.values.size());
    detail::check_logits("kl_divergence", "p logits", p.values);
    detail::check_logits("kl_divergence", "q logits", q.values);
    return unchecked::kl_divergence(p, q, unit);
}

/// Entropy of softmax(p) from logits, −Σ pᵢ log pᵢ summed as non-negative terms.
/// Accuracy: ≤ 32 ulp relative in double over |logits| ≤ 100. Throws as kl_divergence.
template <real T>
[[nodiscard]] T entropy(logits_view<T> p, information_unit unit = nats) {
    detail::check_logits("entropy", "logits", p.values);
    return unchecked::entropy(p, unit);
}

/// Cross-entropy H(softmax(p), softmax(q)) from logits. Accuracy and errors as entropy.
template <real T>
[[nodiscard]] T cross_entropy(logits_view<T> p, logits_view<T> q, information_unit unit = nats) {
    detail::check_same_size("cross_entropy", p.values.size(), q.values.size());
    detail::check_logits("cross_entropy", "p logits", p.values);
    detail::check_logits("cross_entropy", "q logits", q.values);
    return unchecked::cross_entropy(p, q, unit);
}

/// The exact per-row KL(softmax(p_row)‖softmax(q_row)) of two row-major logit matrices of
/// shape rows × vocabulary (e.g. tokens × 151 936), one value per row written to out
/// (out.size() must equal the number of rows). No temporaries of the vocabulary's size.
/// Accuracy as kl_divergence of logits; float rows run the lane kernel (simd/logits_kernel.hpp:
/// ≤ 1 ulp, measured 0.6). Throws kldiv::domain_error for mismatched sizes, a vocabulary of 0
/// or one that does not divide the matrix size, or bad logits in any row (the message names
/// the row and the index within it); rows are validated and computed in turn, so when it
/// throws, the rows before the bad one have been written.
template <real T>
void kl_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, information_unit unit = nats) {
    detail::check_rows<T>("kl_divergence_rows", p_logits.size(), q_logits.size(), vocabulary, out.size());
    // Row by row: each row is validated and then computed while it is still in cache.
    for (std::size_t row = 0; row < out.size(); ++row) {
        const auto p_row = p_logits.subspan(row * vocabulary, vocabulary);
        const auto q_row = q_logits.subspan(row * vocabulary, vocabulary);
        detail::check_logits("kl_divergence_rows", "p logits row " + std::to_string(row), p_row);
        detail::check_logits("kl_divergence_rows", "q logits row " + std::to_string(row), q_row);
        unchecked::kl_divergence_rows(p_row, q_row, vocabulary, out.subspan(row, 1), unit);
    }
}

/// Per-row entropy of softmax(row) of a row-major logit matrix, one value per row into out.
/// Accuracy as entropy of logits (float rows: the lane kernel, ≤ 1 ulp, measured 0.5); throws
/// as kl_divergence_rows.
template <real T>
void entropy_rows(std::span<const T> logits, std::size_t vocabulary, std::span<T> out, information_unit unit = nats) {
    detail::check_rows<T>("entropy_rows", logits.size(), logits.size(), vocabulary, out.size());
    for (std::size_t row = 0; row < out.size(); ++row) {
        const auto row_logits = logits.subspan(row * vocabulary, vocabulary);
        detail::check_logits("entropy_rows", "logits row " + std::to_string(row), row_logits);
        unchecked::entropy_rows(row_logits, vocabulary, out.subspan(row, 1), unit);
    }
}

/// kl_divergence_rows with row_options: both sides' logits divided by options.temperature τ
/// before the softmax, options.mask skipping rows (not read; NaN per row), and the per-row values
/// or their compensated sum or mean over the unmasked rows (options.reduction; out.size() is 1
/// then). The direction is as above: KL(softmax(p_row/τ)‖softmax(q_row/τ)); for the reverse KL
/// swap the two matrices. Accuracy as kl_divergence of logits (float rows run the lane kernel at
/// any τ, with 1/τ rounded once). Throws as above, also for τ not positive and finite or a mask of the
/// wrong length; every unmasked row is validated before anything is written.
template <real T>
void kl_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, const row_options& options, information_unit unit = nats) {
    detail::check_row_shapes("kl_divergence_rows", p_logits.size(), q_logits.size(), vocabulary, out.size(), options,
                             false);
    detail::check_logit_rows("kl_divergence_rows", p_logits, q_logits, vocabulary, options);
    unchecked::kl_divergence_rows(p_logits, q_logits, vocabulary, out, options, unit);
}

/// entropy_rows with row_options (temperature, mask, reduction) as kl_divergence_rows with
/// options; the entropy of softmax(row/τ).
template <real T>
void entropy_rows(std::span<const T> logits, std::size_t vocabulary, std::span<T> out, const row_options& options,
                  information_unit unit = nats) {
    detail::check_row_shapes("entropy_rows", logits.size(), logits.size(), vocabulary, out.size(), options, false);
    const std::size_t rows = logits.size() / vocabulary;
    for (std::size_t row = 0; row < rows; ++row) {
        if (!detail::row_selected(options, row)) continue;
        detail::check_logits("entropy_rows", "logits row " + std::to_string(row),
                             logits.subspan(row * vocabulary, vocabulary));
    }
    unchecked::entropy_rows(logits, vocabulary, out, options, unit);
}

/// kl_divergence_rows with options for any real_vector inputs and contiguous output.
template <real_vector P, real_vector Q, class Out>
requires(!std::is_same_v<P, std::span<const vector_value_t<P>>>) void kl_divergence_rows(
    const P& p_logits, const Q& q_logits, std::size_t vocabulary, Out& out, const row_options& options,
    information_unit unit = nats) {
    using T = vector_value_t<P>;
    static_assert(std::is_same_v<T, vector_value_t<Q>>, "kldiv::kl_divergence_rows: p and q element types differ");
    kl_divergence_rows(as_span(p_logits), as_span(q_logits), vocabulary,
                       std::span<T>(out.data(), static_cast<std::size_t>(out.size())), options, unit);
}

/// entropy_rows with options for any real_vector input and contiguous output.
template <real_vector P, class Out>
requires(!std::is_same_v<P, std::span<const vector_value_t<P>>>) void entropy_rows(const P& logits,
                                                                                   std::size_t vocabulary, Out& out,
                                                                                   const row_options& options,
                                                                                   information_unit unit = nats) {
    using T = vector_value_t<P>;
    entropy_rows(as_span(logits), vocabulary, std::span<T>(out.data(), static_cast<std::size_t>(out.size())), options,
                 unit);
}

/// kl_divergence_rows for any real_vector inputs (std::vector, Eigen row-major storage, ...) and
/// any contiguous output with data() and size().
template <real_vector P, real_vector Q, class Out>
requires(!std::is_same_v<P, std::span<const vector_value_t<P>>>) void kl_divergence_rows(
    const P& p_logits, const Q& q_logits, std::size_t vocabulary, Out& out, information_unit unit = nats) {
    using T = vector_value_t<P>;
    static_assert(std::is_same_v<T, vector_value_t<Q>>, "kldiv::kl_divergence_rows: p and q element types differ");
    kl_divergence_rows(as_span(p_logits), as_span(q_logits), vocabulary,
                       std::span<T>(out.data(), static_cast<std::size_t>(out.size())), unit);
}

/// entropy_rows for any real_vector input and contiguous output.
template <real_vector P, class Out>
requires(!std::is_same_v<P, std::span<const vector_value_t<P>>>) void entropy_rows(const P& logits,
                                                                                   std::size_t vocabulary, Out& out,
                                                                                   information_unit unit = nats) {
    using T = vector_value_t<P>;
    entropy_rows(as_span(logits), vocabulary, std::span<T>(out.data(), static_cast<std::size_t>(out.size())), unit);
}

namespace detail {

/// True when a logit row passes check_logits (no NaN, no +inf, some finite entry), without
/// throwing: the test that may run on worker threads.
template <class T>
[[nodiscard]] bool logits_valid(std::span<const T> v) noexcept {
    if (v.empty()) return false;
    const simd::logits_scan scan = simd::scan_logits(v.data(), v.size());
    return !scan.has_nan_or_plus_inf && scan.has_finite;
}

/// The policy form of a row function, written once: rows are tasks (each row's value depends
/// only on that row, so any split gives the same bits); valid(r) screens row r without
/// throwing, compute(r) writes its value; afterwards the first invalid row (if any) is handed
/// to report(r), which throws the usual message. A new row function's policy overload is this
/// one call after its size checks.
template <execution_policy E, class Valid, class Compute, class Report>
void policy_rows(const E& policy, std::size_t rows, std::size_t elements, Valid&& valid, Compute&& compute,
                 Report&& report) {
    std::vector<std::uint8_t> invalid(rows, 0);
    parallel_tasks(policy, rows, elements, [&](std::size_t row) noexcept {
        if (valid(row))
            compute(row);
        else
            invalid[row] = 1;
    });
    for (std::size_t row = 0; row < rows; ++row)
        if (invalid[row]) report(row);
}

/// The policy form of a row function with row_options, values only, written once: the caller
/// has validated everything (on its thread: nothing is written if that throws); the unmasked
/// rows are tasks, row_value(r, unit) computes row r as the policy-free call with options
/// computes it for one row (in unit for per-row output, in nats for a reduction), and the values
/// are written or reduced (compensated, in row order) on the calling thread, so every policy
/// gives the same bits. Masked rows are not read (NaN per row).
template <execution_policy E, class T, class RowValue>
void policy_rows_with_options(const E& policy, std::size_t rows, std::size_t elements, const row_options& options,
                              std::span<T> out, information_unit unit, RowValue&& row_value) {
    std::vector<T> values(rows, std::numeric_limits<T>::quiet_NaN());
    const bool per_row = options.reduction == row_reduction::none;
    parallel_tasks(policy, rows, elements, [&](std::size_t row) noexcept {
        if (row_selected(options, row)) values[row] = row_value(row, per_row ? unit : nats);
    });
    if (per_row) {
        std::copy(values.begin(), values.end(), out.begin());
        return;
    }
    using A = accumulator_t<T>;
    reduce_rows<T, A>(
        options, rows, out, [&](std::size_t row) { return static_cast<A>(values[row]); },
        [&](A nats_value) { return unit.from_nats(nats_value); });
}

/// row_options for one row of a policy call: no mask, no reduction (the rest as given).
[[nodiscard]] inline row_options one_row_options(const row_options& options) noexcept {
    row_options one = options;
    one.mask = {};
    one.reduction = row_reduction::none;
    return one;
}

}  // namespace detail

/// kl_divergence_rows with an execution policy: `kldiv::kl_divergence_rows(kldiv::par, p, q, V, out)`.
/// Rows are distributed whole over the threads and each is computed exactly as the policy-free
/// kl_divergence_rows computes it, so out holds the same bits for every policy. Accuracy as
/// kl_divergence_rows; errors as well, except that all valid rows are written before the first
/// bad row is reported (rows are validated on the threads). Calls on ≤ 2¹⁴ logits start no threads.
template <execution_policy E, real_vector P, real_vector Q, class Out>
void kl_divergence_rows(const E& policy, const P& p_logits, const Q& q_logits, std::size_t vocabulary, Out&& out,
                        information_unit unit = nats) {
    using T = vector_value_t<P>;
    static_assert(std::is_same_v<T, vector_value_t<Q>>, "kldiv::kl_divergence_rows: p and q element types differ");
    const auto p = as_span(p_logits);
    const auto q = as_span(q_logits);
    const std::span<T> o(out.data(), static_cast<std::size_t>(out.size()));
    detail::check_rows<T>("kl_divergence_rows", p.size(), q.size(), vocabulary, o.size());
    const auto row_of = [vocabulary](std::span<const T> m, std::size_t r) { return m.subspan(r * vocabulary, vocabulary); };
    detail::policy_rows(
        policy, o.size(), p.size(),
        [&](std::size_t r) noexcept { return detail::logits_valid(row_of(p, r)) && detail::logits_valid(row_of(q, r)); },
        [&](std::size_t r) noexcept {
            unchecked::kl_divergence_rows(row_of(p, r), row_of(q, r), vocabulary, o.subspan(r, 1), unit);
        },
        [&](std::size_t r) {
            detail::check_logits("kl_divergence_rows", "p logits row " + std::to_string(r), row_of(p, r));
            detail::check_logits("kl_divergence_rows", "q logits row " + std::to_string(r), row_of(q, r));
        });
}

/// entropy_rows with an execution policy; rows distributed whole, the same bits for every
/// policy. Accuracy and errors as entropy_rows (all valid rows written before an error).
template <execution_policy E, real_vector P, class Out>
void entropy_rows(const E& policy, const P& logits, std::size_t vocabulary, Out&& out, information_unit unit = nats) {
    using T = vector_value_t<P>;
    const auto l = as_span(logits);
    const std::span<T> o(out.data(), static_cast<std::size_t>(out.size()));
    detail::check_rows<T>("entropy_rows", l.size(), l.size(), vocabulary, o.size());
    const auto row_of = [&](std::size_t r) { return l.subspan(r * vocabulary, vocabulary); };
    detail::policy_rows(
        policy, o.size(), l.size(), [&](std::size_t r) noexcept { return detail::logits_valid(row_of(r)); },
        [&](std::size_t r) noexcept { unchecked::entropy_rows(row_of(r), vocabulary, o.subspan(r, 1), unit); },
        [&](std::size_t r) { detail::check_logits("entropy_rows", "logits row " + std::to_string(r), row_of(r)); });
}

}  // namespace kldiv
