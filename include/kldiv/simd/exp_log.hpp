// Vector exp and log for float and double arrays on the widest instruction set: straight-line
// code with bitwise selects (simd/ratio_residual.hpp's blend), ≤ 1 ulp, libm's special values.
#pragma once

#include <bit>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

#include "kldiv/core/error.hpp"
#include "kldiv/simd/dispatch.hpp"
#include "kldiv/simd/ratio_residual.hpp"

namespace kldiv::simd {
namespace detail {

template <class T>
struct exp_log_constants;

template <>
struct exp_log_constants<double> {
    static constexpr double log2e = 0x1.71547652b82fep0;
    static constexpr double overflow = 0x1.62e42fefa39efp9;    // largest x with eˣ finite
    static constexpr double underflow = -0x1.74910d52d3052p9;  // below: eˣ rounds to 0 (−745.13)
    static constexpr double subnormal_scale = 0x1p54;
    static constexpr double subnormal_scale_inverse = 0x1p-54;
    static constexpr int subnormal_shift = 54;
    // eᵗ = 1 + t + t²·Σ tⁿ/(n+2)!, n = 0…11 on |t| ≤ ln2/2: truncation < 4e-18 relative.
    static constexpr double exp_tail[12] = {1.0 / 2,       1.0 / 6,        1.0 / 24,        1.0 / 120,
                                            1.0 / 720,     1.0 / 5040,     1.0 / 40320,     1.0 / 362880,
                                            1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800};
};

template <>
struct exp_log_constants<float> {
    static constexpr float log2e = 0x1.715476p0f;
    static constexpr float overflow = 0x1.62e42ep6f;    // 88.72: largest x with eˣ finite
    static constexpr float underflow = -0x1.9fe368p6f;  // −103.97: below, eˣ rounds to 0
    static constexpr float subnormal_scale = 0x1p25f;
    static constexpr float subnormal_scale_inverse = 0x1p-25f;
    static constexpr int subnormal_shift = 25;
    // n = 0…5: truncation < 6e-9 relative (a tenth of a float ulp).
    static constexpr float exp_tail[6] = {1.0f / 2, 1.0f / 6, 1.0f / 24, 1.0f / 120, 1.0f / 720, 1.0f / 5040};
};

/// x rounded to an integer (ties to even) by the add-and-subtract trick: exact for |x| < 2^(digits−2),
/// plain arithmetic, so it vectorises on every instruction set (std::nearbyint is a library call
/// without SSE4.1).
template <class T>
KLDIV_VECTOR_INLINE T nearbyint_of(T x) noexcept {
    constexpr T shifter = std::is_same_v<T, float> ? T(0x1.8p23) : T(0x1.8p52);
    return (x + shifter) - shifter;
}

/// eˣ, ≤ 1 ulp over the whole range: x = k·ln2 + t (|t| ≤ ln2/2, t + t_lo exact to ~2⁻¹⁰⁰),
/// eᵗ = (1 + t) + (t²·P(t) + t_lo·(1 + t)) with 1 + t error-free, then 2ᵏ applied in two halves so that neither
/// overflows nor underflows before the result does (one rounding into the subnormal range).
/// NaN → NaN, +inf → +inf, −inf → 0.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T exp_element(T x) noexcept {
    using C = exp_log_constants<T>;
    using R = ratio_traits<T>;
    const T clamped = clamp_to(x, C::underflow - T(1), C::overflow + T(1));  // NaN → low end
    const T k = nearbyint_of(clamped * C::log2e);
    const T high = clamped - k * R::ln2_hi;  // exact
    const T low = k * R::ln2_lo;
    const T t = high - low;
    const T t_lo = (high - t) - low;
    const T polynomial_part = multiply_add<UseFma>(t * t, polynomial<UseFma>(t, C::exp_tail), t_lo * (T(1) + t));
    const auto one_plus_t = sum(T(1), t);
    const T e_t = one_plus_t.hi + (one_plus_t.lo + polynomial_part);
    const T k_half = nearbyint_of(k * T(0.5));
    const T result = (e_t * power_of_two(k_half)) * power_of_two(k - k_half);
    const T special = blend(x > C::overflow, std::numeric_limits<T>::infinity(), T(0));
    const bool outside = (x > C::overflow) | (x < C::underflow);
    return blend(x != x, x, blend(outside, special, result));
}

/// d/(s.hi + s.lo) as hi + lo for an exact d: one division, then the exact residual.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE double_word<T> quotient(T d, const double_word<T>& s) noexcept {
    const T u = d / s.hi;
    const auto u_s = product<UseFma>(u, s.hi);
    return {u, (((d - u_s.hi) - u_s.lo) - u * s.lo) / s.hi};
}

/// 2u³·Σu²ⁿ/(2n+3) = log((1 + u)/(1 − u)) − 2u for |u| ≤ 0.1716 (its share of the log ≤ 3 %).
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T atanh_tail(T u) noexcept {
    const T v = u * u;
    return (T(2) * u) * v * polynomial<UseFma>(v, ratio_traits<T>::atanh_tail);
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
    using R = ratio_traits<T>;
    T m = significand_of(y);
    T e = exponent_of(y) - T(std::numeric_limits<T>::max_exponent - 1);
    const bool above = m > R::sqrt2;
    m = blend(above, m * T(0.5), m);
    e = blend(above, e + T(1), e);
    const auto u = quotient<UseFma>(m - T(1), sum(m, T(1)));  // m − 1 is exact
    return {e, u, atanh_tail<UseFma>(u.hi)};
}

/// log x, ≤ 1 ulp: subnormals scaled up first, then log_reduce, with e·ln2_hi + 2u summed
/// error-free. 0 → −inf, +inf → +inf, x < 0 or NaN → NaN.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T log_element(T x) noexcept {
    using C = exp_log_constants<T>;
    using R = ratio_traits<T>;
    const bool subnormal = x < std::numeric_limits<T>::min();
    auto pieces = log_reduce<UseFma>(blend(subnormal, x * C::subnormal_scale, x));
    const T e = blend(subnormal, pieces.e - T(C::subnormal_shift), pieces.e);
    const auto head = sum(e * R::ln2_hi, T(2) * pieces.u.hi);  // e·ln2_hi is exact
    const T result = head.hi + (head.lo + ((e * R::ln2_lo + T(2) * pieces.u.lo) + pieces.tail));
    const T special = blend(x == T(0), -std::numeric_limits<T>::infinity(), std::numeric_limits<T>::quiet_NaN());
    const T finite_or_inf = blend(x == std::numeric_limits<T>::infinity(), x, result);
    return blend((x > T(0)), finite_or_inf, blend(x != x, x, special));
}

template <bool Log>
struct exp_log_body {
    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* in, T* out, std::size_t n) noexcept {
        for (std::size_t i = 0; i < n; ++i) out[i] = Log ? log_element<UseFma>(in[i]) : exp_element<UseFma>(in[i]);
    }
};

template <bool Log, class T>
void exp_log_array(const char* function, std::span<const T> in, std::span<T> out) {
    if (in.size() != out.size())
        kldiv::detail::fail(function, "input and output sizes differ (" + std::to_string(in.size()) + " and " +
                                          std::to_string(out.size()) + ")");
    dispatch<exp_log_body<Log>>(in.data(), out.data(), in.size());
}

}  // namespace detail

/// out[i] = e^in[i] for float or double arrays, on simd::active_isa(). Accuracy: ≤ 1 ulp over
/// the whole range, subnormal results included (measured in tests/simd). Special values as
/// std::exp: NaN → NaN, +inf and x > log(max) → +inf, −inf and x < log(denorm_min/2) → 0.
/// Throws kldiv::domain_error if the sizes differ.
template <class T>
requires(std::is_same_v<T, float> || std::is_same_v<T, double>) void exp(std::span<const T> in, std::span<T> out) {
    detail::exp_log_array<false>("simd::exp", in, out);
}

/// out[i] = log in[i] (natural) for float or double arrays, on simd::active_isa(). Accuracy:
/// ≤ 1 ulp for every positive input, subnormals included. Special values as std::log:
/// 0 → −inf, +inf → +inf, negative or NaN → NaN. Throws kldiv::domain_error if the sizes differ.
template <class T>
requires(std::is_same_v<T, float> || std::is_same_v<T, double>) void log(std::span<const T> in, std::span<T> out) {
    detail::exp_log_array<true>("simd::log", in, out);
}

}  // namespace kldiv::simd
