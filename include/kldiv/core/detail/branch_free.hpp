// Branch-free double-precision residuals φ(x) = eˣ − 1 − x and ρ(l) = 1 + (l − 1)eˡ, the
// within_2ulp tier (≤ 2 ulp of double): straight-line arithmetic and selects only, so compilers
// vectorise them in the SIMD kernels, and the scalar core (core/expm1mx.hpp) calls the same code
// for one value. One evaluator per function and accuracy tier, shared by both: every x
// (expm1mx_within_2ulp, rlogr_residual_within_2ulp, both at once residuals_within_2ulp), and
// |l| < 1 without a reduction (residuals_within_2ulp_near_zero). Tiers are named by their bound;
// the looser ones only simd/ uses are in simd/detail/exp_residuals.hpp (the primitives they are built from are in
// error_free.hpp, the constants in constants.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

#include "kldiv/core/detail/constants.hpp"
#include "kldiv/core/detail/error_free.hpp"

namespace kldiv::detail::branch_free {

using kldiv::detail::double_word;
using kldiv::detail::exp_overflow;  // constants.hpp: one copy, shared with simd/
using kldiv::detail::ln2_split;
using kldiv::detail::taylor_table;

/// t²·(½ + t·(c₃ + t·H(t))) for |t| ≤ ln2/2 + tiny, as hi + lo (H: 11 terms of the Taylor tail);
/// c₃ = 1/6 for φ, 1/3 for ρ, both carried as hi + lo (see core/expm1mx.hpp).
template <bool UseFma, bool Reverse>
KLDIV_VECTOR_INLINE double_word<double> reduced_series(double t) noexcept {
    // Coefficients of H: 1/(n+4)! (φ) or (n+3)/(n+4)! (ρ), n = 0..10.
    static constexpr taylor_table<double, 11, 4, Reverse> table{};
    const auto& c = table.c;
    constexpr double third_hi = Reverse ? 1.0 / 3 : 1.0 / 6;
    constexpr double third_lo = Reverse ? 0x1.5555555555555p-56 : 0x1.5555555555555p-57;  // c₃ − third_hi
    const double h = polynomial_estrin<UseFma>(t, c);
    const double third_rest = third_lo + t * h;
    const auto t_third = product<UseFma>(t, third_hi);
    const auto head = sum(0.5, t_third.hi);
    const auto bracket = sum(head.hi, t * third_rest);
    const double bracket_lo = bracket.lo + (head.lo + t_third.lo);
    const auto square = product<UseFma>(t, t);
    const auto main = product<UseFma>(square.hi, bracket.hi);
    return {main.hi, main.lo + (square.hi * bracket_lo + square.lo * bracket.hi)};
}

/// The reduction x = k·ln2 + t (|t| ≤ ln2/2, t to double-word precision) for |x| ≤ 746;
/// k is returned as a double holding an integer.
KLDIV_VECTOR_INLINE void reduce(double x, double& k, double& t, double& t_lo) noexcept {
    // nearbyint by the shifter 1.5·2⁵² (exact for |x·log2 e| < 2⁵¹, round-to-nearest-even as
    // nearbyint): no library call in builds without SSE4.1, and it vectorises everywhere.
    constexpr double shifter = 0x1.8p52;
    k = (x * ln2_split<double>::inverse + shifter) - shifter;
    const double r1 = x - k * ln2_split<double>::hi;
    const double r2 = k * ln2_split<double>::lo;
    t = r1 - r2;
    t_lo = (r1 - t) - r2;
}

/// The shared first half of φ and ρ: the clamped argument, its reduction and φ(t).
struct reduced_argument {
    double clamped, k, t, t_lo;
    double_word<double> phi_t;
};

template <bool UseFma>
KLDIV_VECTOR_INLINE reduced_argument reduce_argument(double x) noexcept {
    reduced_argument r;
    r.clamped = clamp_to(x, -64.0, exp_overflow);
    reduce(r.clamped, r.k, r.t, r.t_lo);
    r.phi_t = reduced_series<UseFma, false>(r.t);
    return r;
}

/// φ from a reduced argument. k = 0: φ(x) = φ(t) directly. k ≠ 0: φ = 2ᵏ·[eᵗ − 2⁻ᵏ(1 + x)],
/// the bracket summed error-free; k reaches 1024, so the scales are applied as 2ᵏ⁻¹·2 and
/// 2²⁻ᵏ/4 to stay inside the exponent range.
KLDIV_VECTOR_INLINE double expm1mx_from(double x, const reduced_argument& r) noexcept {
    const double small = r.phi_t.hi + r.phi_t.lo;
    const auto one_plus_x = sum(1.0, r.clamped);
    const double inverse_scale = power_of_two(2.0 - r.k) * 0.25;
    const auto s1 = sum(1.0, -one_plus_x.hi * inverse_scale);
    const auto s2 = sum(s1.hi, r.t);
    const auto s3 = sum(s2.hi, r.phi_t.hi);
    // e^(t + t_lo) = 1 + t + φ(t) + t_lo·eᵗ to first order in t_lo (|t_lo| ≤ 2⁻⁵³|t|).
    const double t_lo_term = r.t_lo * (1.0 + (r.t + r.phi_t.hi));
    const double tail = ((s1.lo + s2.lo) + s3.lo) + ((r.phi_t.lo + t_lo_term) - one_plus_x.lo * inverse_scale);
    const double large = ((s3.hi + tail) * power_of_two(r.k - 1.0)) * 2.0;
    double result = (r.k == 0.0) ? small : large;
    result = (std::fabs(x) < 0x1p-60) ? (x * 0.5) * x : result;  // x²/2, correctly rounded, no underflowing products
    result = (x < -64.0) ? -x - 1.0 : result;
    result = (x > exp_overflow) ? std::numeric_limits<double>::infinity() : result;
    return (x != x) ? x : result;
}

/// ρ from a reduced argument. k ≠ 0: ρ = 1 + (l − 1)·2ᵏ·eᵗ with
/// eᵗ = 1 + t + φ(t) + t_lo·eᵗ as double-word.
template <bool UseFma>
KLDIV_VECTOR_INLINE double rlogr_residual_from(double l, const reduced_argument& r) noexcept {
    // k = 0 (t = l): ρ = 1 + (t − 1)(1 + t + φ(t)) = t² − φ(t) + t·φ(t), each piece carried
    // double-word so the factor-2 cancellation of t² against φ(t) ≈ t²/2 costs nothing.
    const auto square = product<UseFma>(r.t, r.t);
    const auto t_phi = product<UseFma>(r.t, r.phi_t.hi);
    const auto difference = sum(square.hi, -r.phi_t.hi);
    const auto with_product = sum(difference.hi, t_phi.hi);
    const double small = with_product.hi + (((difference.lo + with_product.lo) + (square.lo - r.phi_t.lo)) +
                                            (t_phi.lo + r.t * r.phi_t.lo));
    const auto a = sum(1.0, r.t);
    const auto e = sum(a.hi, r.phi_t.hi);
    const double e_lo = (a.lo + e.lo) + (r.phi_t.lo + r.t_lo * (1.0 + (r.t + r.phi_t.hi)));
    const auto l_minus_one = sum(r.clamped, -1.0);
    const auto p = product<UseFma>(l_minus_one.hi, e.hi);
    const double p_lo = p.lo + (l_minus_one.hi * e_lo + l_minus_one.lo * e.hi);
    const double half_scale = power_of_two(r.k - 1.0);
    const double scaled = (p.hi * half_scale) * 2.0;  // +inf once (l − 1)·eˡ overflows (l > 703.2)
    const auto total = sum(1.0, scaled);
    const double large = (scaled == std::numeric_limits<double>::infinity())
                             ? scaled
                             : total.hi + (total.lo + (p_lo * half_scale) * 2.0);
    double result = (r.k == 0.0) ? small : large;
    result = (std::fabs(l) < 0x1p-60) ? (l * 0.5) * l : result;  // l²/2, correctly rounded
    result = (l < -64.0) ? 1.0 : result;
    result = (l > exp_overflow) ? std::numeric_limits<double>::infinity() : result;
    return (l != l) ? l : result;
}

/// φ(x) = eˣ − 1 − x, ≤ 2 ulp, every x (NaN → NaN, +inf past overflow, −1 − x below −64).
template <bool UseFma>
KLDIV_VECTOR_INLINE double expm1mx_within_2ulp(double x) noexcept {
    return expm1mx_from(x, reduce_argument<UseFma>(x));
}

/// ρ(l) = r·l − (r − 1), r = eˡ, ≤ 2 ulp, every l (NaN → NaN, 1 below −64, +inf past overflow).
template <bool UseFma>
KLDIV_VECTOR_INLINE double rlogr_residual_within_2ulp(double l) noexcept {
    return rlogr_residual_from<UseFma>(l, reduce_argument<UseFma>(l));
}

/// φ(l) and ρ(l) together, sharing the reduction and φ(t) (the k3 + reverse hot path).
template <bool UseFma>
KLDIV_VECTOR_INLINE void residuals_within_2ulp(double l, double& phi, double& rho) noexcept {
    const reduced_argument r = reduce_argument<UseFma>(l);
    phi = expm1mx_from(l, r);
    rho = rlogr_residual_from<UseFma>(l, r);
}

// r(l) = (h(l) − 1/6)/l, h(l) = (eˡ − 1 − l − l²/2)/l³, on |l| ≤ 1, degree 12, near-minimax
// (tools/generate_exp_polynomials.py): 9.5e-17 relative.
inline constexpr double small_residual_r[13] = {
    0x1.5555555555555p-5,  0x1.111111111110cp-7,  0x1.6c16c16c16c14p-10, 0x1.a01a01a01c473p-13, 0x1.a01a01a01b03ep-16,
    0x1.71de3a50e1a90p-19, 0x1.27e4fb7585a2fp-22, 0x1.ae645e47b6c91p-26, 0x1.1eed92744aa4cp-29, 0x1.611de666e6f62p-33,
    0x1.9391892d49a28p-37, 0x1.b3abc9d5726c6p-41, 0x1.b317ed74a582dp-45};

/// The largest |l| the near-zero evaluators (residuals_within_2ulp_near_zero, and simd/'s
/// residuals_within_float_near_zero_lanes) accept.
inline constexpr double near_zero_limit = 1.0;

/// φ(l) = eˡ − 1 − l and ρ(l) = 1 + (l − 1)eˡ for |l| < 1 without an argument reduction (the
/// near-zero path of kl_estimates on double input; callers send other l to expm1mx_within_2ulp
/// and rlogr_residual_within_2ulp). With l² = s + s', l³ = c + c' and h = 1/6 + l·r(l) in double-word:
///   φ = s/2 + l³·h                      (the two terms cancel by at most a factor 1.4),
///   ρ = l²(1 + l)/2 + l³(l − 1)·h        (both terms ≥ 0 for l < 0: the factor-4 cancellation of
///                                         the alternating series ρ = l²/2 + l³/3 + l⁴/8 + … at l ≈ −1
///                                         never happens),
/// each summed with one final rounding after the low parts. ≤ 2 ulp (measured 0.87 and 0.98 at
/// 2·10⁷ points, tests/simd); NaN and |l| ≥ 1 give unspecified values.
template <bool UseFma>
KLDIV_VECTOR_INLINE void residuals_within_2ulp_near_zero(double l, double& phi, double& rho) noexcept {
    constexpr double sixth_hi = 0x1.5555555555555p-3, sixth_lo = 0x1.5555555555555p-57;
    const auto square = product<UseFma>(l, l);
    const auto cube_head = product<UseFma>(l, square.hi);
    const double cube = cube_head.hi, cube_lo = multiply_add<UseFma>(l, square.lo, cube_head.lo);
    // h = 1/6 + l·r(l): the 1/6 exact in two parts, so r's error is scaled by |l·r/h| ≤ 0.26.
    const auto lr = product<UseFma>(l, polynomial_estrin<UseFma>(l, small_residual_r));
    const double h = sixth_hi + lr.hi;
    const double h_lo = ((sixth_hi - h) + lr.hi) + (lr.lo + sixth_lo);  // Fast2Sum: |l·r| < 1/6
    // φ = s/2 + c·h, the low parts first.
    const double phi_low = multiply_add<UseFma>(cube, h_lo, multiply_add<UseFma>(cube_lo, h, 0.5 * square.lo));
    phi = multiply_add<UseFma>(0.5, square.hi, multiply_add<UseFma>(cube, h, phi_low));
    // ρ = (s + c)/2 + c(l − 1)·h. l − 1 and s + c by Fast2Sum (|l| < 1, |c| ≤ s).
    const double m = l - 1.0, m_lo = l - (m + 1.0);
    const auto cm_head = product<UseFma>(cube, m);
    const double cm_lo = cm_head.lo + multiply_add<UseFma>(cube_lo, m, cube * m_lo);
    const double t1 = square.hi + cube, t1_lo = cube - (t1 - square.hi);
    const double rho_low =
        multiply_add<UseFma>(cm_lo, h, multiply_add<UseFma>(cm_head.hi, h_lo, 0.5 * ((t1_lo + square.lo) + cube_lo)));
    rho = multiply_add<UseFma>(0.5, t1, multiply_add<UseFma>(cm_head.hi, h, rho_low));
}

}  // namespace kldiv::detail::branch_free
