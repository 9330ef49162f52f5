// The log residual log1pmx(x) = log(1 + x) − x ≤ 0, sibling of expm1mx (ψ(t) = −log1pmx(t)).
// Guarantees: ≤ 2 ulp over x > −1 for float and double (measured: docs/accuracy.md).
#pragma once

#include <cmath>
#include <limits>
#include <numbers>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/detail/branch_free.hpp"
#include "kldiv/core/detail/error_free.hpp"
#include "kldiv/core/detail/fma_dispatch.hpp"
#include "kldiv/core/detail/log_table.hpp"

namespace kldiv {
namespace detail {

/// Coefficients 1/(2n+3): log((1+u)/(1−u)) − 2u = 2u³·Σ cₙ u²ⁿ.
template <class T, std::size_t N>
struct atanh_tail_coefficients {
    T c[N];
    constexpr atanh_tail_coefficients() : c{} {
        for (std::size_t n = 0; n < N; ++n) c[n] = T(1) / T(2 * n + 3);
    }
};

template <class T>
inline constexpr std::size_t atanh_tail_terms = std::numeric_limits<T>::digits > 53 ? 17 : 15;

/// log(1 + f) − f for −0.4 ≤ f ≤ 0.6 (|u| ≤ 0.25). With u = f/(2 + f): log(1 + f) = 2·atanh(u) and
/// 2u − f = −f·u, so log(1 + f) − f = −f·u + 2u³·Σ u²ⁿ/(2n+3). The product f·u is carried
/// with its rounding error (u to double-word precision); the series is ≤ 10% of the result.
template <class T, bool UseFma = has_fast_fma<T>>
[[gnu::always_inline]] inline T log1pmx_kernel(T f) noexcept {
    static constexpr atanh_tail_coefficients<T, atanh_tail_terms<T>> tail{};
    const auto denominator = two_sum(T(2), f);
    const T u = f / denominator.hi;
    // u_lo needs only a few correct bits, so its division is a product with a reciprocal that
    // is computed beside u (two divisions in flight instead of one after the other).
    const T reciprocal = T(1) / denominator.hi;
    const auto u_times_den = two_product<T, UseFma>(u, denominator.hi);
    const T u_lo = (((f - u_times_den.hi) - u_times_den.lo) - u * denominator.lo) * reciprocal;
    const auto fu = two_product<T, UseFma>(f, u);
    const T u2 = u * u;
    const T series = T(2) * u * u2 * branch_free::polynomial_estrin<UseFma>(u2, tail.c);
    return -fu.hi + (series - (fu.lo + f * u_lo));
}

/// log(1 + x) − x for one double outside the kernel's range (−1 < x < −0.4 or x > 0.6), by the
/// table logarithm: with 1 + x = y + δ (δ its rounding error), y = 2ᵉ·m,
/// log1pmx(x) = e·ln2 − log c⁻¹ − x + r + (log1p(r) − r) + δ/y, the three leading terms summed
/// error-free (they cancel by up to a factor 4.6, at x = −0.4 and 0.6); δ/y as δ·2⁻ᵉ·c⁻¹ (within
/// 2⁻⁷ of itself, no division).
template <bool UseFma>
[[gnu::always_inline]] inline double log1pmx_beyond_kernel(double x) noexcept {
    using split = ln2_split<double>;
    const auto y = two_sum(1.0, x);
    const table_log l = log_by_table<UseFma>(y.hi);
    const auto head = two_sum(l.e * split::hi, l.hi);  // e·ln2_hi is exact: |e| ≤ 1023
    const auto with_x = two_sum(head.hi, -x);
    // power_of_two(−1023) (y ≥ 2¹⁰²³) gives 0: δ/y < 2⁻⁵³ is then nothing beside |x| ≥ 2¹⁰²³.
    const double correction = (y.lo * branch_free::power_of_two(-l.e)) * l.inverse;
    const double tail = (head.lo + with_x.lo) +
                        ((l.e * split::lo + l.lo) + (log1p_minus_identity<UseFma>(l.r) + correction));
    return with_x.hi + (l.r + tail);
}

/// log(1 + x) − x for x > −1 (double outside the kernel: the table path above). Outside the
/// kernel's range, 1 + x = 2ᵏ·(m + δ) with m ∈ [√½, √2), f = m − 1 exact, δ the rounding error
/// of 1 + x scaled by 2⁻ᵏ, and
/// log1pmx(x) = k·ln2 + f − x + log1pmx(f) + δ/m, the leading terms summed error-free.
template <class T, bool UseFma = has_fast_fma<T>>
[[gnu::always_inline]] inline T log1pmx_impl(T x) noexcept {
    using split = ln2_split<T>;
    constexpr T sqrt_half = T(0.707106781186547524400844362104849039L);
    if (std::isnan(x)) return x;
    if (x < T(-1)) return std::numeric_limits<T>::quiet_NaN();
    if (x == T(-1) || x == std::numeric_limits<T>::infinity()) return -std::numeric_limits<T>::infinity();
    // The kernel's range reaches past the reduction's [√½ − 1, √2 − 1], so that near the seams
    // log1pmx(f) is small beside the result.
    if (std::fabs(x) < quadratic_regime<T>) return -(x * T(0.5)) * x;
    if (x >= T(-0.4) && x <= T(0.6)) return log1pmx_kernel<T, UseFma>(x);
    if constexpr (std::is_same_v<T, double>) {
        return log1pmx_beyond_kernel<UseFma>(x);
    } else {
        const auto y = two_sum(T(1), x);
        int k = 0;
        T m = std::frexp(y.hi, &k);
        const bool low = m < sqrt_half;
        m = low ? m * T(2) : m;
        k = low ? k - 1 : k;
        const T f = m - T(1);
        const T kf = static_cast<T>(k);
        const T correction = y.lo / y.hi;  // δ/m with δ = y.lo·2⁻ᵏ and m = y.hi·2⁻ᵏ
        const auto s1 = two_sum(kf * split::hi, -x);
        const auto s2 = two_sum(s1.hi, f);
        const T tail = (s1.lo + s2.lo) + ((kf * split::lo + correction) + log1pmx_kernel<T, UseFma>(f));
        return s2.hi + tail;
    }
}

/// log1pmx of a float, in double without double-word steps: below |x| = 1/16 x² times the
/// series −1/2 + x/3 − … (truncated at 2⁻³⁶ relative), above it log(1 + x) − x with 1 + x exact
/// and the table logarithm in plain double (its terms cancel there by at most 2⁹ of the 29 spare
/// bits). Within 0.5 ulp + 2⁻⁸ ulp of float.
template <bool UseFma>
[[gnu::always_inline]] inline float log1pmx_float(float x) noexcept {
    const double d = x;
    if (std::fabs(d) < 0x1p-4) {
        static constexpr double series[9] = {-1.0 / 2, 1.0 / 3,  -1.0 / 4, 1.0 / 5,  -1.0 / 6,
                                             1.0 / 7,  -1.0 / 8, 1.0 / 9,  -1.0 / 10};
        return static_cast<float>((d * d) * branch_free::polynomial_estrin<UseFma>(d, series));
    }
    if (!(d > -1.0 && d < std::numeric_limits<double>::infinity())) {
        if (d != d) return x;
        return (d == -1.0 || d > 0.0) ? -std::numeric_limits<float>::infinity()  // −1 and +inf
                                      : std::numeric_limits<float>::quiet_NaN();  // x < −1
    }
    const table_log l = log_by_table<UseFma>(1.0 + d);  // 1 + x is exact below 2²⁹, nearly so above
    const double log1p_r = l.r + log1p_minus_identity<UseFma>(l.r);
    return static_cast<float>(((l.e * std::numbers::ln2 + l.hi) - d) + log1p_r);
}

/// The evaluators of one float or double, for fma_dispatched.
struct log1pmx_evaluator {
    template <bool UseFma>
    [[gnu::always_inline]] static double of(double x) noexcept {
        return log1pmx_impl<double, UseFma>(x);
    }
    template <bool UseFma>
    [[gnu::always_inline]] static float of(float x) noexcept {
        return log1pmx_float<UseFma>(x);
    }
};

}  // namespace detail

/// log(1 + x) − x ≤ 0, the "log residual"; −log1pmx(t) = t − log1p(t) is the Bregman residual
/// behind Bernoulli KL and the Gaussian covariance term. Domain: x ≥ −1.
/// Accuracy: ≤ 2 ulp for float and double over x > −1 (float is evaluated in double and
/// rounded: within 0.5 ulp + 2⁻⁸ ulp); ≤ 2 ulp for long double. Measured in docs/accuracy.md.
/// Special values: log1pmx(−1) = −inf, log1pmx(+inf) = −inf, x < −1 or NaN gives NaN.
template <real T>
inline T log1pmx(T x) noexcept {
    if constexpr (simd_real<T>)
        return detail::fma_dispatched<detail::log1pmx_evaluator>(x);
    else
        return detail::log1pmx_impl<T>(x);
}

}  // namespace kldiv
