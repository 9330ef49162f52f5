// The exp residuals: expm1mx(x) = eˣ − 1 − x and rlogr_residual(l) = r·l − (r − 1), r = eˡ.
// Guarantees: ≤ 2 ulp over the whole domain for float and double (measured: docs/accuracy.md).
#pragma once

#include <cmath>
#include <limits>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/detail/branch_free.hpp"
#include "kldiv/core/detail/error_free.hpp"
#include "kldiv/core/detail/exp_table.hpp"
#include "kldiv/core/detail/fma_dispatch.hpp"

namespace kldiv {
namespace detail {

/// Taylor coefficients of the series t²·(1/2 + t·(c₃ + t·Σ cₙ tⁿ)) shared by φ and ρ:
/// φ(t) = eᵗ − 1 − t has c₃ = 1/6, cₙ = 1/(n+4)!; ρ(t) = t·eᵗ − (eᵗ − 1) has c₃ = 1/3,
/// cₙ = (n+3)/(n+4)!.
template <class T, std::size_t N, bool Reverse>
struct residual_series {
    T c[N];
    T third_hi;  // c₃ split into hi + lo so that it carries no rounding error
    T third_lo;
    constexpr residual_series() : c{}, third_hi{}, third_lo{} {
        const T denominator = Reverse ? T(3) : T(6);
        third_hi = T(1) / denominator;
        // denominator·third_hi exactly, as a sum of exact multiples (3 = 2 + 1, 6 = 4 + 2)
        const auto product = Reverse ? two_sum(T(2) * third_hi, third_hi) : two_sum(T(4) * third_hi, T(2) * third_hi);
        third_lo = ((T(1) - product.hi) - product.lo) / denominator;
        T factorial = 24;  // 4!
        for (std::size_t n = 0; n < N; ++n) {
            c[n] = (Reverse ? T(n + 3) : T(1)) / factorial;
            factorial *= T(n + 5);
        }
    }
};

// Enough terms that the truncation is below a tenth of an ulp of the result for |t| ≤ 1.
template <class T>
inline constexpr std::size_t residual_series_terms = std::numeric_limits<T>::digits > 53 ? 20 : 17;

/// t²·(1/2 + t·(c₃ + t·H(t))) for |t| ≤ 1, as hi + lo. For t < 0 the bracket cancels by up to a
/// factor 2, so it is formed in double-word arithmetic (c₃ included); only H's rounding, worth
/// a fraction of an ulp, remains.
template <class T, bool Reverse>
inline double_word<T> residual_series_sum(T t) noexcept {
    static constexpr residual_series<T, residual_series_terms<T>, Reverse> series{};
    const T third_rest = series.third_lo + t * horner(t, series.c);
    const auto t_third = two_product(t, series.third_hi);
    const auto head = two_sum(T(0.5), t_third.hi);
    const auto bracket = two_sum(head.hi, t * third_rest);  // renormalised: bracket.lo is tiny
    const T bracket_lo = bracket.lo + (head.lo + t_third.lo);
    const auto square = two_product(t, t);
    const T hi = square.hi * bracket.hi;
    const T lo = multiply_add(square.hi, bracket.hi, -hi) + (square.hi * bracket_lo + square.lo * bracket.hi);
    return {hi, lo};
}

/// eˣ = 2ᵏ·(hi + lo) for finite x with |k| within the exponent range: x = k·ln2 + t with
/// |t| ≤ ln2/2 (Cody–Waite, t kept to double-word precision), eᵗ = 1 + t + φ(t).
template <class T>
inline double_word<T> exp_reduced(T x, int& exponent) noexcept {
    using split = ln2_split<T>;
    const T k = std::nearbyint(x * split::inverse);
    const T r1 = x - k * split::hi;  // exact: k·ln2_hi has ≤ 43 bits and r1 is near x
    const T r2 = k * split::lo;
    const T t = r1 - r2;
    const T t_lo = (r1 - t) - r2;
    const auto phi_t = residual_series_sum<T, false>(t);
    const auto s1 = two_sum(T(1), t);
    const auto s2 = two_sum(s1.hi, phi_t.hi);
    exponent = static_cast<int>(k);
    // e^(t + t_lo) = 1 + t + φ(t) + t_lo·eᵗ to first order (|t_lo| ≤ 2⁻⁵³|t|).
    return {s2.hi, (s1.lo + s2.lo) + (phi_t.lo + t_lo * (T(1) + (t + phi_t.hi)))};
}

/// φ(x) = eˣ − 1 − x, the generic evaluator (long double; float and double take the branch-free
/// one below, which the SIMD kernels share).
/// |x| < 1: the series. Otherwise φ = 2ᵏ·[eᵗ − 2⁻ᵏ(1 + x)] with eᵗ from exp_reduced and the
/// bracket summed error-free, so cancellation between its terms costs nothing.
template <class T>
inline T expm1mx_impl(T x) noexcept {
    if (std::isnan(x)) return x;
    if (std::fabs(x) < quadratic_regime<T>) return (x * T(0.5)) * x;
    if (std::fabs(x) < T(1)) {
        const auto phi = residual_series_sum<T, false>(x);
        return phi.hi + phi.lo;
    }
    // Past max_exponent·ln2 + 1, eˣ overflows for sure; below it ldexp rounds to inf or not.
    if (x > T(std::numeric_limits<T>::max_exponent) * ln2_split<T>::hi + T(1)) return std::numeric_limits<T>::infinity();
    if (x < T(-64)) return -x - T(1);  // eˣ < 2⁻⁹² is below half an ulp of −1 − x
    int exponent = 0;
    const auto e_t = exp_reduced(x, exponent);
    const auto one_plus_x = two_sum(T(1), x);
    const auto difference = two_sum(e_t.hi, -std::ldexp(one_plus_x.hi, -exponent));
    const T tail = difference.lo + (e_t.lo - std::ldexp(one_plus_x.lo, -exponent));
    return std::ldexp(difference.hi + tail, exponent);
}

/// ρ(l) = r·l − (r − 1) = 1 + (l − 1)·eˡ. |l| < 1: the series. Otherwise (l − 1) and eˡ are
/// both carried in double-word form, so the one cancellation (1 against (1 − l)·eˡ ≤ 0.74 for
/// l ≤ −1) costs nothing.
template <class T>
inline T rlogr_residual_impl(T l) noexcept {
    if (std::isnan(l)) return l;
    if (std::fabs(l) < quadratic_regime<T>) return (l * T(0.5)) * l;
    if (std::fabs(l) < T(1)) {
        const auto rho = residual_series_sum<T, true>(l);
        return rho.hi + rho.lo;
    }
    if (l > T(std::numeric_limits<T>::max_exponent) * ln2_split<T>::hi + T(1)) return std::numeric_limits<T>::infinity();
    if (l < T(-64)) return T(1);  // (1 − l)·eˡ < 2⁻⁸⁵
    int exponent = 0;
    const auto e_t = exp_reduced(l, exponent);
    const auto l_minus_one = two_sum(l, T(-1));
    const auto product = two_product(l_minus_one.hi, e_t.hi);
    const T product_lo = product.lo + (l_minus_one.hi * e_t.lo + l_minus_one.lo * e_t.hi);
    const T scaled = std::ldexp(product.hi, exponent);
    if (std::isinf(scaled)) return scaled;  // (l − 1)·eˡ overflows from l ≈ 703.2 (double)
    const auto sum = two_sum(T(1), scaled);
    return sum.hi + (sum.lo + std::ldexp(product_lo, exponent));
}

/// φ(x) for 1 ≤ |x| and −64 ≤ x ≤ exp_overflow, one double, by the table exponential:
/// φ·2⁻ᵏ = (hi + lo) − (1 + x)·2⁻ᵏ with the difference error-free (it cancels by up to a factor
/// 3.8 at x = 1; eˣ's 2⁻⁵⁸ becomes ≤ 2⁻⁵⁶ of φ), then scaled back as 2ᵏ⁻¹·2 (k reaches 1024).
template <bool UseFma>
[[gnu::always_inline]] inline double expm1mx_beyond_one(double x) noexcept {
    const table_exp e = exp_by_table<UseFma>(x);
    const double inverse_scale = branch_free::power_of_two(2.0 - e.k) * 0.25;
    const double one_plus_x = 1.0 + x, one_plus_x_lo = 1.0 - (one_plus_x - x);  // Fast2Sum: |x| ≥ 1
    const auto difference = two_sum(e.hi, -one_plus_x * inverse_scale);
    const double tail = difference.lo + (e.lo - one_plus_x_lo * inverse_scale);
    return ((difference.hi + tail) * branch_free::power_of_two(e.k - 1.0)) * 2.0;
}

/// ρ(l) for 1 ≤ |l| and −64 ≤ l ≤ exp_overflow, one double: ρ = 1 + (l − 1)·eˡ with the product
/// carried double-word and its sum with 1 error-free (it cancels by up to a factor 3.8 at l = −1).
template <bool UseFma>
[[gnu::always_inline]] inline double rlogr_residual_beyond_one(double l) noexcept {
    const table_exp e = exp_by_table<UseFma>(l);
    const double m = l - 1.0, m_lo = (l - m) - 1.0;  // Fast2Sum: |l| ≥ 1
    const auto p = branch_free::product<UseFma>(m, e.hi);
    const double p_lo = p.lo + (m * e.lo + m_lo * e.hi);
    const double half_scale = branch_free::power_of_two(e.k - 1.0);
    // Past l = 40 the 1 is below half an ulp of (l − 1)·eˡ: the product, rounded once, then
    // scaled (+inf exactly where it overflows: p.hi alone can overflow a little earlier, lo < 0).
    if (l > 40.0) return ((p.hi + p_lo) * half_scale) * 2.0;
    const auto total = two_sum(1.0, (p.hi * half_scale) * 2.0);
    return total.hi + (total.lo + (p_lo * half_scale) * 2.0);
}

/// φ and ρ of one double: for |x| < 1 (a KL penalty's log-ratios, nearly always) the residuals
/// the SIMD kernels use without an argument reduction, else the table exponential; both ≤ 2 ulp.
/// UseFma: compiled where FMA is an instruction.
template <bool UseFma>
[[gnu::always_inline]] inline double expm1mx_double(double x) noexcept {
    if (std::fabs(x) < branch_free::near_zero_limit) {
        if (std::fabs(x) < 0x1p-60) return (x * 0.5) * x;  // correctly rounded; no underflowing products
        double phi, rho;
        branch_free::residuals_within_2ulp_near_zero<UseFma>(x, phi, rho);  // ρ is dead code here
        return phi;
    }
    if (x >= -64.0 && x <= exp_overflow) return expm1mx_beyond_one<UseFma>(x);
    // eˣ overflows (+inf), or is below half an ulp of −1 − x (x < −64: −1 − x), or x is NaN.
    return x > 0.0 ? std::numeric_limits<double>::infinity() : (x < 0.0 ? -x - 1.0 : x);
}

template <bool UseFma>
[[gnu::always_inline]] inline double rlogr_residual_double(double l) noexcept {
    if (std::fabs(l) < branch_free::near_zero_limit) {
        if (std::fabs(l) < 0x1p-60) return (l * 0.5) * l;
        double phi, rho;
        branch_free::residuals_within_2ulp_near_zero<UseFma>(l, phi, rho);
        return rho;
    }
    if (l >= -64.0 && l <= exp_overflow) return rlogr_residual_beyond_one<UseFma>(l);
    // (l − 1)·eˡ overflows (+inf) or is below 2⁻⁸⁵ (l < −64: 1), or l is NaN.
    return l > 0.0 ? std::numeric_limits<double>::infinity() : (l < 0.0 ? 1.0 : l);
}

/// φ and ρ of a float: in double, without double-word steps (29 spare bits cover the
/// cancellation of eˣ − 1 − x and 1 + (x − 1)eˣ down to |x| = 1/32, where it is at most 2¹¹),
/// and below 1/32 as x² times their Taylor series (truncated at 2⁻³³ relative). Within
/// 0.5 ulp + 2⁻⁶ ulp of float.
template <bool UseFma>
[[gnu::always_inline]] inline float expm1mx_float(float x) noexcept {
    const double d = x;
    if (std::fabs(d) < 0x1p-5) {
        static constexpr taylor_table<double, 5, 2> series{};  // 1/2, 1/6, 1/24, 1/120, 1/720
        return static_cast<float>((d * d) * branch_free::polynomial_estrin<UseFma>(d, series.c));
    }
    // Past 89 eˣ − 1 − x exceeds the float range; below −64 eˣ is under 2⁻⁹² of −1 − x.
    if (!(d >= -64.0 && d <= 89.0))
        return d > 0.0 ? std::numeric_limits<float>::infinity() : static_cast<float>(d < 0.0 ? -d - 1.0 : d);
    const table_exp e = exp_by_table<UseFma>(d);
    const double scale = branch_free::power_of_two(e.k);
    return static_cast<float>(((e.hi * scale - 1.0) + e.lo * scale) - d);
}

template <bool UseFma>
[[gnu::always_inline]] inline float rlogr_residual_float(float l) noexcept {
    const double d = l;
    if (std::fabs(d) < 0x1p-5) {
        static constexpr taylor_table<double, 5, 2, true> series{};  // 1/2, 1/3, 1/8, 1/30, 1/144
        return static_cast<float>((d * d) * branch_free::polynomial_estrin<UseFma>(d, series.c));
    }
    if (!(d >= -64.0 && d <= 89.0))
        return d > 0.0 ? std::numeric_limits<float>::infinity() : static_cast<float>(d < 0.0 ? 1.0 : d);
    const table_exp e = exp_by_table<UseFma>(d);
    return static_cast<float>(1.0 + (d - 1.0) * ((e.hi + e.lo) * branch_free::power_of_two(e.k)));
}

/// The evaluators of one float or double, for fma_dispatched.
struct expm1mx_evaluator {
    template <bool UseFma>
    [[gnu::always_inline]] static double of(double x) noexcept {
        return expm1mx_double<UseFma>(x);
    }
    template <bool UseFma>
    [[gnu::always_inline]] static float of(float x) noexcept {
        return expm1mx_float<UseFma>(x);
    }
};
struct rlogr_residual_evaluator {
    template <bool UseFma>
    [[gnu::always_inline]] static double of(double l) noexcept {
        return rlogr_residual_double<UseFma>(l);
    }
    template <bool UseFma>
    [[gnu::always_inline]] static float of(float l) noexcept {
        return rlogr_residual_float<UseFma>(l);
    }
};

}  // namespace detail

/// φ(x) = eˣ − 1 − x ≥ 0, the "exp residual": k3 for one sample, and the term every discrete KL
/// and many closed forms are summed from. Domain: all x.
/// Accuracy: ≤ 2 ulp for float and double (float is evaluated in double and rounded, so it is
/// within 0.5 ulp + 2⁻⁶ ulp); ≤ 2 ulp for long double. Measured in docs/accuracy.md, with and
/// without the FMA build that a default x86-64 build chooses at run time.
/// Special values: φ(+inf) = +inf, φ(x) = +inf once eˣ − 1 − x exceeds the format's maximum
/// (x > 709.78 in double, 88.72 in float), φ(−inf) = +inf, φ(NaN) = NaN. Never negative.
template <real T>
inline T expm1mx(T x) noexcept {
    if constexpr (simd_real<T>)
        return detail::fma_dispatched<detail::expm1mx_evaluator>(x);
    else
        return detail::expm1mx_impl<T>(x);
}

/// ρ(l) = r·l − (r − 1) with r = eˡ: the per-sample residual of the reverse-direction estimator
/// (for KL[p‖q] from samples of q, l = log p − log q) and the Bregman divergence of r·log r at 1.
/// Domain: all l. Always ≥ 0.
/// Accuracy: ≤ 2 ulp for float and double (float evaluated in double and rounded: within 0.5 ulp
/// + 2⁻⁶ ulp); ≤ 2 ulp for long double.
/// Special values: ρ(−inf) = 1, ρ(+inf) = +inf, +inf once the value exceeds the format's maximum
/// (l > 703.2 in double), ρ(NaN) = NaN.
template <real T>
inline T rlogr_residual(T l) noexcept {
    if constexpr (simd_real<T>)
        return detail::fma_dispatched<detail::rlogr_residual_evaluator>(l);
    else
        return detail::rlogr_residual_impl<T>(l);
}

}  // namespace kldiv
