// φ(x) = eˣ − 1 − x and ρ(l) = 1 + (l − 1)eˡ (and eˣ itself) for the vector kernels: one
// evaluator per function and accuracy tier, each tier named by its bound:
//   within_2ulp   ≤ 2 ulp of double, every x: core/detail/branch_free.hpp's expm1mx_within_2ulp,
//                 rlogr_residual_within_2ulp, residuals_within_2ulp, and for |l| < 1 without a
//                 reduction residuals_within_2ulp_near_zero (the scalar core calls them too);
//   within_3ulp   ≤ 3 ulp of double, |l| < 1, no reduction: residuals_within_3ulp_near_zero
//                 (kl_estimates on double input, whose per-sample bound is 4 ulp);
//   within_float  ~1e-13 relative, so that float input rounded back is within 0.5 ulp + 1e-13:
//                 residuals_within_float (scalar double, ~1e-14), residuals_within_float_lanes
//                 and, for |l| < 1, residuals_within_float_near_zero_lanes (double lanes);
//   in_float      ≤ 4 float ulp of the exact log-ratio's values, |ℓ| < 1, in float lanes:
//                 residuals_in_float_lanes (kl_estimates on float input, where the statistics are
//                 stated in float units);
//   within_3e9    ~3e-9 relative, three orders below a float ulp: exp_within_3e9_lanes and
//                 expm1mx_within_3e9_lanes, the weights of the float-logit rows;
// and eˣ ≤ 1 ulp (exp_element), which is an element function of its own.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kldiv/core/detail/branch_free.hpp"
#include "kldiv/simd/detail/arithmetic.hpp"
#include "kldiv/simd/detail/constants.hpp"
#include "kldiv/simd/detail/lanes.hpp"

namespace kldiv::simd::detail {

/// eˣ, ≤ 1 ulp over the whole range: x = k·ln2 + t (|t| ≤ ln2/2, t + t_lo exact to ~2⁻¹⁰⁰),
/// eᵗ = (1 + t) + (t²·P(t) + t_lo·(1 + t)) with 1 + t error-free, then 2ᵏ applied in two halves so that neither
/// overflows nor underflows before the result does (one rounding into the subnormal range).
/// NaN → NaN, +inf → +inf, −inf → 0.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T exp_element(T x) noexcept {
    using C = element_constants<T>;
    const T clamped = clamp_to(x, C::underflow - T(1), C::overflow + T(1));  // NaN → low end
    const T k = nearbyint_of(clamped * C::log2e);
    const T high = clamped - k * C::ln2_hi;  // exact
    const T low = k * C::ln2_lo;
    const T t = high - low;
    const T t_lo = (high - t) - low;
    const T polynomial_part = multiply_add<UseFma>(t * t, polynomial<UseFma>(t, C::exp_tail.c), t_lo * (T(1) + t));
    const auto one_plus_t = sum(T(1), t);
    const T e_t = one_plus_t.hi + (one_plus_t.lo + polynomial_part);
    const T k_half = nearbyint_of(k * T(0.5));
    const T result = (e_t * power_of_two(k_half)) * power_of_two(k - k_half);
    const T special = blend(x > C::overflow, std::numeric_limits<T>::infinity(), T(0));
    const bool outside = (x > C::overflow) | (x < C::underflow);
    return blend(x != x, x, blend(outside, special, result));
}

/// φ(l) and ρ(l) to about 1e-14 relative — far beyond float precision — for float inputs, at a
/// third of the cost of the double-word path: e^l from a plain reduced polynomial, then
/// φ = (e^l − 1) − l and ρ = 1 + (l − 1)e^l where those cancel by less than a factor 10
/// (|l| ≥ ¼), and Taylor series below. Special values as expm1mx and rlogr_residual.
template <bool UseFma>
KLDIV_VECTOR_INLINE void residuals_within_float(double l, double& phi, double& rho) noexcept {
    const double lc = clamp_to(l, -64.0, exp_overflow);
    double k, t, t_lo;
    reduce(lc, k, t, t_lo);
    // Σ xⁿ/(n+2)!: both eᵗ = 1 + t + t²·P(t) (|t| ≤ ln2/2) and the φ series below use it;
    // 11 terms reach 1e-17 on either range.
    static constexpr taylor_table<double, 11, 2> taylor{};
    const double p = polynomial<UseFma>(t, taylor.c);
    const double e_t = multiply_add<UseFma>(t * t, p, t + t_lo) + 1.0;
    const double half_scale = power_of_two(k - 1.0);
    const double e = (e_t * half_scale) * 2.0;
    // Series for |l| < ¼: φ = l²·Σ lⁿ/(n+2)!, ρ = l²·Σ (n+1)·lⁿ/(n+2)!; 11 terms reach 1e-17.
    static constexpr taylor_table<double, 11, 2, true> rho_c{};
    const double sp = polynomial<UseFma>(lc, taylor.c), sr = polynomial<UseFma>(lc, rho_c.c);
    const double l2 = lc * lc;
    const bool small = std::fabs(lc) < 0.25;
    double phi_value = small ? l2 * sp : (e - 1.0) - lc;
    double rho_value = small ? l2 * sr : multiply_add<UseFma>(lc - 1.0, e, 1.0);
    rho_value = (e == std::numeric_limits<double>::infinity()) ? e : rho_value;
    phi_value = (l < -64.0) ? -l - 1.0 : phi_value;
    rho_value = (l < -64.0) ? 1.0 : rho_value;
    phi_value = (l > exp_overflow) ? std::numeric_limits<double>::infinity() : phi_value;
    rho_value = (l > exp_overflow) ? std::numeric_limits<double>::infinity() : rho_value;
    phi = (l != l) ? l : phi_value;
    rho = (l != l) ? l : rho_value;
}

/// φ(l) = eˡ − 1 − l and ρ(l) = 1 + (l − 1)eˡ for |l| < 1 without a reduction, ≤ 3 ulp: the
/// near-zero path of kl_estimates on double input, whose per-sample bound is 4 ulp of the input
/// type (half the operations of residuals_within_2ulp_near_zero, which the scalar core keeps).
/// With s + s' = l² (exact), c = fl(s·l) and C(±l) = E(s) ± l·O(s) (c(l) = (eˡ − 1 − l − l²/2)/l³):
///   φ(l)  = s/2 + (s'/2 + c·C(l)),  φ(−l) = s/2 + (s'/2 − c·C(−l))  (the plain part is at most
///           0.36 of φ, so its few roundings weigh a third);
///   ρ(l)  = eˡ·φ(−l) — an identity: both factors positive, nothing cancels — with eˡ = 1 + l + φ(l)
///           carried in two parts (two Fast2Sums), so ρ's error is φ(−l)'s and one rounding.
/// Measured 2.16 / 2.43 ulp at 10⁷ points (tests/simd). NaN and |l| ≥ 1 give unspecified values.
template <bool UseFma>
KLDIV_VECTOR_INLINE void residuals_within_3ulp_near_zero(double l, double& phi, double& rho) noexcept {
    if constexpr (!UseFma) {
        // Without FMA the last steps round twice (measured 3.45 ulp on ρ): the 2-ulp evaluator,
        // whose products are Dekker's either way. Such machines are not the hot path.
        residuals_within_2ulp_near_zero<false>(l, phi, rho);
        return;
    }
    const auto square = product<UseFma>(l, l);
    const double half_s = 0.5 * square.hi, half_s_lo = 0.5 * square.lo;
    const double cube = square.hi * l;
    const double even = polynomial_estrin<UseFma>(square.hi, cubic_residual_unit_even);
    const double odd = polynomial_estrin<UseFma>(square.hi, cubic_residual_unit_odd);
    phi = half_s + multiply_add<UseFma>(cube, multiply_add<UseFma>(l, odd, even), half_s_lo);
    const double rest_minus = multiply_add<UseFma>(-cube, multiply_add<UseFma>(-l, odd, even), half_s_lo);
    // eˡ = 1 + (l + φ): |φ| < |l| and |l + φ| < 2 make both sums Fast2Sums.
    const double t = l + phi, t_lo = (l - t) + phi;
    const double e = 1.0 + t, e_lo = ((1.0 - e) + t) + t_lo;
    // ρ = (s/2)·eˡ + rest·eˡ: φ(−l) itself is never rounded (one rounding less on ρ).
    rho = multiply_add<UseFma>(half_s, e, multiply_add<UseFma>(rest_minus, e, (half_s + rest_minus) * e_lo));
}

}  // namespace kldiv::simd::detail

#if defined(KLDIV_HAVE_FLOAT_LANES)

namespace kldiv::simd::detail {

/// The reduction x = k·ln2 + t, |t| ≤ ln2/2, of eˣ for |x| ≤ 700 in double lanes, with 2ᵏ from
/// the exponent bits (lanes outside that range get garbage; callers select them away).
template <int W>
struct exp_reduction {
    typename lanes<W>::hd k, t, scale;  // k as a double holding an integer; scale = 2ᵏ
};

template <int W>
KLDIV_VECTOR_INLINE exp_reduction<W> reduce_exp(const typename lanes<W>::hd& x) noexcept {
    using D = typename lanes<W>::hd;
    using I = typename lanes<W>::hi;
    constexpr double shifter = 0x1.8p52;
    const D shifted = x * kldiv::detail::log2e + shifter;
    const D shifter_vector = D{} + shifter;
    I shifted_bits, shifter_bits;
    std::memcpy(&shifted_bits, &shifted, sizeof shifted_bits);
    std::memcpy(&shifter_bits, &shifter_vector, sizeof shifter_bits);
    exp_reduction<W> r;
    r.k = shifted - shifter;
    r.t = (x - r.k * ln2_split_for_lanes::hi) - r.k * ln2_split_for_lanes::lo;
    const I scale_bits = ((shifted_bits - shifter_bits) + 1023) << 52;
    std::memcpy(&r.scale, &scale_bits, sizeof r.scale);
    return r;
}

/// φ(ℓ) = eˡ − 1 − ℓ and ρ(ℓ) = 1 + (ℓ − 1)eˡ in double lanes to about 1e-13 relative — far
/// below a float ulp, so rounded to float they are within 0.5 ulp + 1e-13 — for |ℓ| ≤ 640 (ℓ
/// from float inputs is exact in double). With ℓ = k·ln2 + t and φ(t) = t²·g(t):
///   k = 0: φ = φ(t), ρ = t² − φ(t) + t·φ(t) (no cancellation beyond a factor 2);
///   k ≠ 0: eˡ = 2ᵏ(1 + t + φ(t)), φ = (eˡ − 1) − ℓ and ρ = (ℓ − 1)eˡ + 1, which cancel by less
///          than 7× and 20× there (|ℓ| > ln2/2).
template <class HD>
struct residual_lanes {
    HD phi, rho;
    HD square;  // ℓ² (2·k2), which both evaluations have at hand
};

template <int W>
KLDIV_VECTOR_INLINE residual_lanes<typename lanes<W>::hd> residuals_within_float_lanes(const typename lanes<W>::hd& l) noexcept {
    using D = typename lanes<W>::hd;
    const exp_reduction<W> r = reduce_exp<W>(l);
    const D t2 = r.t * r.t;
    const D phi_t = t2 * horner_lanes<W>(r.t, phi_over_t2_degree8);
    const D e = ((phi_t + r.t) + 1.0) * r.scale;
    const D rho_t = (t2 - phi_t) + r.t * phi_t;
    residual_lanes<D> out;
    out.phi = (r.k == 0.0) ? phi_t : (e - 1.0) - l;
    out.rho = (r.k == 0.0) ? rho_t : (l - 1.0) * e + 1.0;
    out.square = l * l;
    return out;
}

/// φ(ℓ) and ρ(ℓ) as residuals_within_float_lanes, for |ℓ| < near_zero_limit = 1 only and at half its cost: no reduction,
/// φ = ℓ²·g(ℓ) and ρ = ℓ² + (ℓ − 1)·φ (an identity; it cancels by at most 3.8× at ℓ = −1), to
/// about 1e-13 relative. Other lanes get unspecified values.
template <int W>
KLDIV_VECTOR_INLINE residual_lanes<typename lanes<W>::hd> residuals_within_float_near_zero_lanes(
    const typename lanes<W>::hd& l) noexcept {
    using D = typename lanes<W>::hd;
    const D square = l * l;
    residual_lanes<D> out;
    out.phi = square * horner_lanes<W>(l, phi_over_l2_unit_degree11);
    out.rho = (l - 1.0) * out.phi + square;
    out.square = square;
    return out;
}

/// ℓ², φ(ℓ) and ρ(ℓ) in float lanes for ℓ = fl(log p − log q) of float inputs with |ℓ| < 1:
/// φ = ℓ²·g(ℓ), ρ = ℓ²·h(ℓ), h(ℓ) = (1 + (ℓ − 1)eˡ)/ℓ², by float polynomials written ½ + ℓ·q(ℓ), q
/// by Estrin's scheme (a chain of 5 FMAs instead of Horner's 8: latency bounds the loop).
/// - φ alone (Rho false): ℓ² carried as ℓ² + e₂ (e₂ = fma(ℓ, ℓ, −ℓ²), exact), φ = ½ℓ² + (½e₂ +
///   ℓ²·ℓq): ≤ 1.55 float ulp of φ at the float ℓ; ℓ's own rounding (φ's condition number ≤ 2.4
///   on |ℓ| < 1) adds ≤ 2.4 ulp: < 4 ulp of the exact log-ratio’s φ.
/// - with ρ (Rho true): the polynomials times ℓ² (≤ 2.18 and ≤ 2.64 ulp at the float ℓ) and the
///   rounding error ε of ℓ (TwoSum, exact) put back to first order: φ += ε(ℓ + φ), ρ += εℓ(1 + ℓ + φ)
///   (the derivatives), which leaves ≤ ~0.1 ulp of it.
/// (tools/generate_exp_polynomials.py emulates both evaluations on a grid; tests/estimators/
/// test_kl_estimates.cpp measures them through kl_estimates on every ISA.) ℓ = 0 gives 0. For
/// 2⁻⁶² ≤ |ℓ| < 1 or ℓ = 0 only: below, ℓ² leaves float's normal range. W ≥ 8 (the clones where
/// a*b + c fuses; the error-free steps rely on it).
template <class F>
struct float_residual_lanes {
    F square, phi, rho;
};
template <int W, bool Phi, bool Rho>
KLDIV_VECTOR_INLINE float_residual_lanes<typename lanes<W>::ff> residuals_in_float_lanes(
    const typename lanes<W>::ff& log_p, const typename lanes<W>::ff& log_q, const typename lanes<W>::ff& l) noexcept {
    static_assert(W >= 8, "fitted for FMA evaluation");
    using F = typename lanes<W>::ff;
    float_residual_lanes<F> out;
    const F l2 = l * l, l4 = l2 * l2;
    // q(ℓ) of ½ + ℓ·q(ℓ) by Estrin; q's rounding is scaled down by |ℓq/(½ + ℓq)| ≤ ½.
    const auto q_of = [&](const auto& c) __attribute__((always_inline)) {
        constexpr std::size_t N = sizeof c / sizeof c[0];
        const F q01 = (F{} + c[2]) * l + c[1], q23 = (F{} + c[4]) * l + c[3], q45 = (F{} + c[6]) * l + c[5];
        F q6 = F{} + c[7];
        if constexpr (N == 9) q6 = q6 + l * c[8];
        return (q6 * l2 + q45) * l4 + (q23 * l2 + q01);
    };
    out.square = l2;
    if constexpr (!Rho) {
        if constexpr (Phi) {
            const F e2 = l * l - l2;  // one FMA: exact
            const F lq = l * q_of(phi_over_l2_unit_float_degree7);
            out.phi = l2 * 0.5f + (l2 * lq + e2 * 0.5f);
        }
    } else {
        // TwoSum: ε = (log p − log q) − ℓ exactly (no products: contraction cannot change it).
        // Written out: detail::two_sum takes its vector arguments by value, which draws GCC's ABI
        // note for 512-bit vectors.
        const F q_virtual = l - log_p, p_virtual = l - q_virtual;
        const F error = (log_p - p_virtual) - (log_q + q_virtual);
        const F phi = l2 * (q_of(phi_over_l2_unit_float_degree7) * l + 0.5f);
        const F rho = l2 * (q_of(rho_over_l2_unit_float_degree8) * l + 0.5f);
        const F slope = l + phi;  // φ'(ℓ) = eˡ − 1
        if constexpr (Phi) out.phi = error * slope + phi;
        out.rho = (error * l) * (slope + 1.0f) + rho;  // ρ'(ℓ) = ℓeˡ
    }
    return out;
}

/// eˣ for x ∈ [−700, 700] to ~3e-9 relative: three orders below a float ulp (6e-8), which is
/// what the float-logit kernels need of their weights.
template <int W>
KLDIV_VECTOR_INLINE typename lanes<W>::hd exp_within_3e9_lanes(const typename lanes<W>::hd& x) noexcept {
    const exp_reduction<W> r = reduce_exp<W>(x);
    return horner_lanes<W>(r.t, exp_degree6) * r.scale;
}

/// φ(y) = eʸ − 1 − y for |y| ≤ 600 to ~4e-9 relative: φ(t) = t²·g(t) itself where k = 0 (no
/// cancellation at all), (eʸ − 1) − y elsewhere (|y| > ln2/2: it cancels by less than 7×).
template <int W>
KLDIV_VECTOR_INLINE typename lanes<W>::hd expm1mx_within_3e9_lanes(const typename lanes<W>::hd& y) noexcept {
    const exp_reduction<W> r = reduce_exp<W>(y);
    const typename lanes<W>::hd phi_t = r.t * r.t * horner_lanes<W>(r.t, phi_over_t2_degree5);
    const typename lanes<W>::hd e = ((phi_t + r.t) + 1.0) * r.scale;
    return (r.k == 0.0) ? phi_t : (e - 1.0) - y;
}

/// eˣ and eˣ − 1 in double lanes for |x| ≤ 700 from one reduction, both to the relative accuracy
/// of the φ(t)/t² polynomial g given: x = k·ln2 + t, eᵗ − 1 = t + t²·g(t) (every digit as t → 0),
/// eˣ − 1 = 2ᵏeᵗ − 1 where k ≠ 0 (there |eˣ − 1| > 0.29: no cancellation).
template <int W>
struct exp_and_expm1 {
    typename lanes<W>::hd value, minus_one;
};

template <int W, std::size_t N>
KLDIV_VECTOR_INLINE exp_and_expm1<W> exp_expm1_lanes(const typename lanes<W>::hd& x,
                                                     const double (&phi_over_t2)[N]) noexcept {
    using D = typename lanes<W>::hd;
    const exp_reduction<W> r = reduce_exp<W>(x);
    const D t_minus_one = r.t * r.t * horner_lanes<W>(r.t, phi_over_t2) + r.t;  // eᵗ − 1
    exp_and_expm1<W> out;
    out.value = (t_minus_one + 1.0) * r.scale;
    out.minus_one = (r.k == 0.0) ? t_minus_one : out.value - 1.0;
    return out;
}

/// eˣ for x ∈ [−700, 700] to ~2e-15 relative: eᵗ = 1 + (t + t²·g(t)) with the degree-8 g
/// (1.5e-14 relative on t²·g, which is ≤ 0.13 of eᵗ). For sums whose terms are weighted by
/// quantities that must keep double digits (the shift of nearly equal logit rows).
template <int W>
KLDIV_VECTOR_INLINE typename lanes<W>::hd exp_within_2e15_lanes(const typename lanes<W>::hd& x) noexcept {
    const exp_reduction<W> r = reduce_exp<W>(x);
    return ((r.t * r.t * horner_lanes<W>(r.t, phi_over_t2_degree8) + r.t) + 1.0) * r.scale;
}

}  // namespace kldiv::simd::detail

#endif
