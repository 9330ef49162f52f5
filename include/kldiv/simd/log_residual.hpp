// The log residual log1pmx(x) = log(1 + x) − x as straight-line float or double code that
// compilers vectorise (bitwise selects only). Same ≤ 2 ulp contract as kldiv::log1pmx.
#pragma once

#include <limits>

#include "kldiv/simd/exp_log.hpp"
#include "kldiv/simd/ratio_residual.hpp"

namespace kldiv::simd::detail {

/// log(1 + x) − x for every x: both of kldiv::log1pmx's forms, selected per lane.
///  - Near 0 (−0.29 ≤ x ≤ 0.41): with u = x/(2 + x) (to hi + lo), log(1 + x) = 2u + 2u³·Σu²ⁿ/(2n+3)
///    and x − 2u = x·u, so log1pmx(x) = 2u³·Σ… − x·u, the product carried exactly.
///  - Elsewhere: 1 + x = y + δ (TwoSum), y = 2ᵉ·m with m ∈ [√½, √2), u = (m − 1)/(m + 1), and
///    log1pmx(x) = (e·ln2_hi − x + 2u) + (e·ln2_lo + 2u_lo + tail + δ/y), the three leading terms
///    summed error-free (they cancel by up to 6× where the ranges meet).
/// Special values as kldiv::log1pmx: −1 → −inf, +inf → −inf, x < −1 or NaN → NaN.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T log1pmx_element(T x) noexcept {
    using R = ratio_traits<T>;
    // Near 0: u = x/(2 + x), x exact.
    const auto u0 = quotient<UseFma>(x, sum(T(2), x));
    const auto xu = product<UseFma>(x, u0.hi);
    const T near = -xu.hi + (atanh_tail<UseFma>(u0.hi) - (xu.lo + x * u0.lo));
    // Elsewhere (x > −1 finite; other lanes compute garbage that the selects below discard).
    const auto y = sum(T(1), x);
    const auto pieces = log_reduce<UseFma>(y.hi);
    const auto s1 = sum(pieces.e * R::ln2_hi, -x);  // e·ln2_hi is exact
    const auto s2 = sum(s1.hi, T(2) * pieces.u.hi);
    const T far =
        s2.hi + ((s1.lo + s2.lo) + (((pieces.e * R::ln2_lo + T(2) * pieces.u.lo) + pieces.tail) + y.lo / y.hi));
    // Tiny |x|: −x²/2 is correctly rounded there and keeps the products above away from underflow.
    constexpr T tiny = std::is_same_v<T, float> ? T(0x1p-30) : T(0x1p-60);
    const T value = blend((x >= T(-0.29)) & (x <= T(0.41)), near, far);
    const T small_or_value = blend((x < tiny) & (x > -tiny), -(x * T(0.5)) * x, value);
    const bool minus_inf = (x == T(-1)) | (x == std::numeric_limits<T>::infinity());
    const T special = blend(minus_inf, -std::numeric_limits<T>::infinity(), std::numeric_limits<T>::quiet_NaN());
    return blend((x > T(-1)) & (x < std::numeric_limits<T>::infinity()), small_or_value, special);
}

}  // namespace kldiv::simd::detail
