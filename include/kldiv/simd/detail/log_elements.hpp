// The logarithms of the vector kernels, straight-line code with bitwise selects (float or double):
// log x ≤ 1 ulp (log_element), log1pmx(x) = log(1 + x) − x ≤ 2 ulp (log1pmx_element, the same
// contract as kldiv::log1pmx), and the reduction and atanh series they share.
#pragma once

#include <limits>

#include "kldiv/simd/detail/arithmetic.hpp"
#include "kldiv/simd/detail/constants.hpp"

namespace kldiv::simd::detail {

/// 2u³·Σu²ⁿ/(2n+3) = log((1 + u)/(1 − u)) − 2u for |u| ≤ 0.1716 (its share of the log ≤ 3 %).
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T atanh_tail(T u) noexcept {
    const T v = u * u;
    return (T(2) * u) * v * polynomial<UseFma>(v, element_constants<T>::atanh_tail);
}

/// log y for positive normal y, in pieces: y = 2ᵉ·m with m ∈ [√½, √2), u = (m − 1)/(m + 1) to
/// hi + lo, and log y = e·ln2 + 2u + 2u_lo + tail. e is a T holding an integer.
template <class T>
struct log_pieces {
    T e;
    double_word<T> u;
    T tail;
};

template <bool UseFma, class T>
KLDIV_VECTOR_INLINE log_pieces<T> log_reduce(T y) noexcept {
    using C = element_constants<T>;
    T m = significand_of(y);
    T e = exponent_of(y) - T(std::numeric_limits<T>::max_exponent - 1);
    const bool above = m > C::sqrt2;
    m = blend(above, m * T(0.5), m);
    e = blend(above, e + T(1), e);
    const auto u = quotient<UseFma>(m - T(1), sum(m, T(1)));  // m − 1 is exact
    return {e, u, atanh_tail<UseFma>(u.hi)};
}

/// log x, ≤ 1 ulp: subnormals scaled up first, then log_reduce, with e·ln2_hi + 2u summed
/// error-free. 0 → −inf, +inf → +inf, x < 0 or NaN → NaN.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T log_element(T x) noexcept {
    using C = element_constants<T>;
    const bool subnormal = x < std::numeric_limits<T>::min();
    auto pieces = log_reduce<UseFma>(blend(subnormal, x * C::subnormal_scale, x));
    const T e = blend(subnormal, pieces.e - T(C::subnormal_shift), pieces.e);
    const auto head = sum(e * C::ln2_hi, T(2) * pieces.u.hi);  // e·ln2_hi is exact
    const T result = head.hi + (head.lo + ((e * C::ln2_lo + T(2) * pieces.u.lo) + pieces.tail));
    const T special = blend(x == T(0), -std::numeric_limits<T>::infinity(), std::numeric_limits<T>::quiet_NaN());
    const T finite_or_inf = blend(x == std::numeric_limits<T>::infinity(), x, result);
    return blend((x > T(0)), finite_or_inf, blend(x != x, x, special));
}

/// log(1 + x) − x for every x: both of kldiv::log1pmx's forms, selected per lane.
///  - Near 0 (−0.29 ≤ x ≤ 0.41): with u = x/(2 + x) (to hi + lo), log(1 + x) = 2u + 2u³·Σu²ⁿ/(2n+3)
///    and x − 2u = x·u, so log1pmx(x) = 2u³·Σ… − x·u, the product carried exactly.
///  - Elsewhere: 1 + x = y + δ (TwoSum), y = 2ᵉ·m with m ∈ [√½, √2), u = (m − 1)/(m + 1), and
///    log1pmx(x) = (e·ln2_hi − x + 2u) + (e·ln2_lo + 2u_lo + tail + δ/y), the three leading terms
///    summed error-free (they cancel by up to 6× where the ranges meet).
/// Special values as kldiv::log1pmx: −1 → −inf, +inf → −inf, x < −1 or NaN → NaN.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T log1pmx_element(T x) noexcept {
    using C = element_constants<T>;
    // Near 0: u = x/(2 + x), x exact.
    const auto u0 = quotient<UseFma>(x, sum(T(2), x));
    const auto xu = product<UseFma>(x, u0.hi);
    const T near = -xu.hi + (atanh_tail<UseFma>(u0.hi) - (xu.lo + x * u0.lo));
    // Elsewhere (x > −1 finite; other lanes compute garbage that the selects below discard).
    const auto y = sum(T(1), x);
    const auto pieces = log_reduce<UseFma>(y.hi);
    const auto s1 = sum(pieces.e * C::ln2_hi, -x);  // e·ln2_hi is exact
    const auto s2 = sum(s1.hi, T(2) * pieces.u.hi);
    const T far =
        s2.hi + ((s1.lo + s2.lo) + (((pieces.e * C::ln2_lo + T(2) * pieces.u.lo) + pieces.tail) + y.lo / y.hi));
    // Tiny |x|: −x²/2 is correctly rounded there and keeps the products above away from underflow.
    constexpr T tiny = std::is_same_v<T, float> ? T(0x1p-30) : T(0x1p-60);
    const T value = blend((x >= T(-0.29)) & (x <= T(0.41)), near, far);
    const T small_or_value = blend((x < tiny) & (x > -tiny), -(x * T(0.5)) * x, value);
    const bool minus_inf = (x == T(-1)) | (x == std::numeric_limits<T>::infinity());
    const T special = blend(minus_inf, -std::numeric_limits<T>::infinity(), std::numeric_limits<T>::quiet_NaN());
    return blend((x > T(-1)) & (x < std::numeric_limits<T>::infinity()), small_or_value, special);
}

}  // namespace kldiv::simd::detail
