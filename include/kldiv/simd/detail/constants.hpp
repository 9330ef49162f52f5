// Every split constant and coefficient table of the vector kernels, one copy each. The ones the
// scalar core shares (ln2_split<double>, log2e, exp_overflow, the Taylor tables 1/(n+m)!) live in
// core/detail/constants.hpp, since core/ may not include simd/; they are used from here, never
// restated. Where two constants really differ (a float split, the lanes' split), the name says why.
#pragma once

#include <cstddef>

#include "kldiv/core/detail/constants.hpp"

namespace kldiv::simd::detail {

using kldiv::detail::exp_overflow;
using kldiv::detail::ln2_split;
using kldiv::detail::taylor_table;

/// The constants of the element functions (exp_element, log_element, log1pmx_element, the KL
/// term) in T.
template <class T>
struct element_constants;

template <>
struct element_constants<double> {
    static constexpr double ln2_hi = ln2_split<double>::hi;  // k·ln2_hi exact for |k| < 2²⁰
    static constexpr double ln2_lo = ln2_split<double>::lo;
    static constexpr double log2e = kldiv::detail::log2e;
    static constexpr double sqrt2 = 0x1.6a09e667f3bcdp0;
    // 1/(2n+3), n = 0…9: log((1+u)/(1−u)) = 2u + 2u³·Σ cₙu²ⁿ; the next term is < 4e-18 relative
    // to the result for |u| ≤ 0.1716.
    static constexpr double atanh_tail[10] = {1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11,
                                              1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21};
    static constexpr double overflow = exp_overflow;           // largest x with eˣ finite
    static constexpr double underflow = -0x1.74910d52d3052p9;  // below: eˣ rounds to 0 (−745.13)
    static constexpr double subnormal_scale = 0x1p54;
    static constexpr double subnormal_scale_inverse = 0x1p-54;
    static constexpr int subnormal_shift = 54;
    // eᵗ = 1 + t + t²·Σ tⁿ/(n+2)!, n = 0…11 on |t| ≤ ln2/2: truncation < 4e-18 relative.
    static constexpr taylor_table<double, 12, 2> exp_tail{};
};

template <>
struct element_constants<float> {
    // Float's own split (not ln2_split<double> rounded): 15 bits, so k·ln2_hi is exact in float
    // for |k| < 2⁹.
    static constexpr float ln2_hi = 0x1.62e4p-1f;
    static constexpr float ln2_lo = 0x1.7f7d1cp-20f;
    static constexpr float log2e = static_cast<float>(kldiv::detail::log2e);  // 0x1.715476p0f
    static constexpr float sqrt2 = 0x1.6a09e6p0f;
    // n = 0…4: the next term is < 3e-10 relative to the result.
    static constexpr float atanh_tail[5] = {1.0f / 3, 1.0f / 5, 1.0f / 7, 1.0f / 9, 1.0f / 11};
    static constexpr float overflow = 0x1.62e42ep6f;    // 88.72: largest x with eˣ finite
    static constexpr float underflow = -0x1.9fe368p6f;  // −103.97: below, eˣ rounds to 0
    static constexpr float subnormal_scale = 0x1p25f;
    static constexpr float subnormal_scale_inverse = 0x1p-25f;
    static constexpr int subnormal_shift = 25;
    // n = 0…5: truncation < 6e-9 relative (a tenth of a float ulp).
    static constexpr taylor_table<float, 6, 2> exp_tail{};
};
static_assert(element_constants<float>::log2e == 0x1.715476p0f);

/// The split of ln 2 for the reductions in double lanes (|x| ≤ 700, so |k| ≤ 1010): hi has 42
/// bits (k·hi exact for |k| < 2¹¹), lo the next 53 bits of ln 2, and the lanes take
/// t = (x − k·hi) − k·lo without a low part. A different split from ln2_split<double> (32-bit
/// hi for |k| < 2²¹, t carried double-word) on purpose: keep both.
struct ln2_split_for_lanes {
    static constexpr double hi = 0x1.62e42fefa3800p-1;
    static constexpr double lo = 0x1.ef35793c76730p-45;
};

// Near-minimax polynomials (tools/generate_exp_polynomials.py, mpmath), one per accuracy tier of
// the lane evaluators (exp_residuals.hpp):
// g(t) = (eᵗ − 1 − t)/t² on |t| ≤ ln2/2, degree 8: 1.5e-14 relative, so φ(t) = t²·g(t) and
// eᵗ = 1 + t + φ(t) to ~2e-14.
inline constexpr double phi_over_t2_degree8[9] = {0x1.0000000000000p-1,  0x1.5555555553b7dp-3,  0x1.5555555554cb8p-5,
                                                  0x1.1111111c45d5bp-7,  0x1.6c16c1738ecf7p-10, 0x1.a019adabfb6abp-13,
                                                  0x1.a019c9ab213aap-16, 0x1.72c720b2e07bfp-19, 0x1.28803926c8ea8p-22};
// g(l) = (eˡ − 1 − l)/l² on |l| ≤ 1, degree 11: 1.4e-14 relative.
inline constexpr double phi_over_l2_unit_degree11[12] = {
    0x1.fffffffffff9ap-2,  0x1.5555555555548p-3,  0x1.5555555563b32p-5,  0x1.1111111114e46p-7,
    0x1.6c16c15724e9bp-10, 0x1.a01a0194f26fcp-13, 0x1.a01a17f3de1a9p-16, 0x1.71de4639b431cp-19,
    0x1.27da3ae78ce94p-22, 0x1.ae58e200253c4p-26, 0x1.23b1d66b0b6e4p-29, 0x1.6638d02a28c3bp-33};
// c(l) = (eˡ − 1 − l − l²/2)/l³ on |l| ≤ 1, degree 12 (1.4e-16 relative), split into its even and
// odd parts in s = l²: c(l) = E(s) + l·O(s), so c(−l) = E(s) − l·O(s) costs one FMA more
// (residuals_within_3ulp_near_zero: φ(l) and φ(−l) from one evaluation).
inline constexpr double cubic_residual_unit_even[7] = {0x1.5555555555555p-3,  0x1.111111111110cp-7,
                                                       0x1.a01a01a01c473p-13, 0x1.71de3a50e1a90p-19,
                                                       0x1.ae645e47b6c91p-26, 0x1.611de666e6f62p-33,
                                                       0x1.b3abc9d5726c6p-41};
inline constexpr double cubic_residual_unit_odd[6] = {0x1.555555555553fp-5,  0x1.6c16c16c1b969p-10,
                                                      0x1.a01a0196706bcp-16, 0x1.27e503be9a488p-22,
                                                      0x1.1ee6aae315faep-29, 0x1.991796f104bc7p-37};
// The float-lane tier (exp_residuals.hpp, residuals_in_float_lanes), coefficients in float, for
// φ = (l·l)·g(l) and ρ = (l·l)·h(l) with h(l) = (1 + (l − 1)eˡ)/l², evaluated in float with FMA
// on |l| < 1 as the lanes do (c₀ + l·q(l), q by Estrin): ≤ 2.18 and ≤ 2.64 float ulp (the generator
// emulates that float evaluation).
inline constexpr float phi_over_l2_unit_float_degree7[8] = {
    0x1.000000p-1f,  0x1.555556p-3f,  0x1.55557ap-5f,  0x1.11111ep-7f,
    0x1.6bff52p-10f, 0x1.a00900p-13f, 0x1.a971fcp-16f, 0x1.78a70ep-19f};
inline constexpr float rho_over_l2_unit_float_degree8[9] = {
    0x1.000000p-1f,  0x1.555554p-2f,  0x1.000000p-3f,  0x1.111152p-5f,  0x1.c71ca0p-8f,
    0x1.37f6b4p-10f, 0x1.6c01aep-13f, 0x1.7b6f50p-16f, 0x1.53e25ep-19f};
// On |t| ≤ ln2/2: eᵗ to 2.5e-9 relative,
inline constexpr double exp_degree6[7] = {0x1.0000000000000p+0, 0x1.000000a1fd6a7p+0, 0x1.00000028794dfp-1,
                                          0x1.5554043e289bcp-3, 0x1.5554ace120b86p-5, 0x1.126fa6fd6e815p-7,
                                          0x1.6d7531eae5468p-10};
// and (eᵗ − 1 − t)/t², so that φ(t) = t²·g(t) to 2.9e-9 relative:
inline constexpr double phi_over_t2_degree5[6] = {0x1.0000000b8f62bp-1, 0x1.5555555a78232p-3,  0x1.5554e9114ecf9p-5,
                                                  0x1.1110e0f726534p-7, 0x1.6d431504c53d3p-10, 0x1.a124e3f154d32p-13};

}  // namespace kldiv::simd::detail
