// The discrete-KL term p·φ(log(q/p)) = q − p − p·log(q/p) ≥ 0 for one pair of probabilities, as
// straight-line code (selects, no branches) that compilers vectorise, in float or double.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kldiv/simd/residuals.hpp"

namespace kldiv::simd::detail {

/// Bit layout and constants of T for the ratio reduction.
template <class T>
struct ratio_traits;

template <>
struct ratio_traits<double> {
    using bits = std::uint64_t;
    static constexpr int mantissa_bits = 52;
    static constexpr bits exponent_max = 0x7ff;  // inf and NaN
    static constexpr bits mantissa_mask = 0xfffffffffffffULL;
    static constexpr bits one = 0x3ff0000000000000ULL;            // 1.0
    static constexpr bits integer_magic = 0x4330000000000000ULL;  // 2⁵²: its low bits hold an integer
    static constexpr double integer_magic_value = 0x1p52;
    static constexpr double ln2_hi = 0x1.62e42fee00000p-1;  // k·ln2_hi exact for |k| < 2²⁰
    static constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
    static constexpr double sqrt2 = 0x1.6a09e667f3bcdp0;
    // 1/(2n+3), n = 0…9: log((1+u)/(1−u)) = 2u + 2u³·Σ cₙu²ⁿ; the next term is < 4e-18 relative
    // to the result for |u| ≤ 0.1716.
    static constexpr double atanh_tail[10] = {1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11,
                                              1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21};
};

template <>
struct ratio_traits<float> {
    using bits = std::uint32_t;
    static constexpr int mantissa_bits = 23;
    static constexpr bits exponent_max = 0xff;
    static constexpr bits mantissa_mask = 0x7fffff;
    static constexpr bits one = 0x3f800000;
    static constexpr bits integer_magic = 0x4b000000;  // 2²³
    static constexpr float integer_magic_value = 0x1p23f;
    static constexpr float ln2_hi = 0x1.62e4p-1f;  // 15 bits: k·ln2_hi exact for |k| < 2⁹
    static constexpr float ln2_lo = 0x1.7f7d1cp-20f;
    static constexpr float sqrt2 = 0x1.6a09e6p0f;
    // n = 0…4: the next term is < 3e-10 relative to the result.
    static constexpr float atanh_tail[5] = {1.0f / 3, 1.0f / 5, 1.0f / 7, 1.0f / 9, 1.0f / 11};
};

/// c ? a : b as a bitwise blend, both sides already computed. A plain ?: lets GCC move the
/// computation of a side into a branch, which it then will not turn back into a vector select
/// when that side holds a floating-point operation that "could trap" (-ftrapping-math).
template <class T>
KLDIV_VECTOR_INLINE T blend(bool c, T a, T b) noexcept {
    using U = typename ratio_traits<T>::bits;
    const U mask = U(0) - static_cast<U>(c);
    return std::bit_cast<T>((std::bit_cast<U>(a) & mask) | (std::bit_cast<U>(b) & ~mask));
}

/// True when x is +0 or a positive normal number (not subnormal, negative, inf or NaN): the
/// inputs the vector ratio path takes; anything else sends its block to the scalar path.
template <class T>
KLDIV_VECTOR_INLINE bool zero_or_normal(T x) noexcept {
    using R = ratio_traits<T>;
    const auto b = std::bit_cast<typename R::bits>(x);
    const typename R::bits exponent = b >> R::mantissa_bits;  // the sign bit lands above exponent_max
    return (b == 0) | (exponent - 1 < R::exponent_max - 1);   // | not ||: no branch in a vector loop
}

/// The exponent field of x as a T holding an integer (exact, no int → float conversion needed).
template <class T>
KLDIV_VECTOR_INLINE T exponent_of(T x) noexcept {
    using R = ratio_traits<T>;
    const auto b = std::bit_cast<typename R::bits>(x);
    return std::bit_cast<T>((b >> R::mantissa_bits) | R::integer_magic) - R::integer_magic_value;
}

/// The significand of x in [1, 2).
template <class T>
KLDIV_VECTOR_INLINE T significand_of(T x) noexcept {
    using R = ratio_traits<T>;
    return std::bit_cast<T>((std::bit_cast<typename R::bits>(x) & R::mantissa_mask) | R::one);
}

/// p·φ(log(q/p)) = q − p − p·log(q/p) for p, q positive and normal. With q/p = 2ᵏ·(1 + f),
/// 1 + f ∈ [1/√2, √2] a ratio of significands whose difference d is exact, u = f/(2 + f) =
/// d/(mq + mp) and log(1 + f) = 2u + 2u³·Σu²ⁿ/(2n+3):
///   φ = φ(k·ln2) + (2ᵏ − 1)·f + ψ(f),   ψ(f) = f − log1p(f) = f·u − 2u³·Σ…,
/// every piece carried with its rounding error, since for k = ±1 the first two cancel by up to
/// a factor 9. For |k| ≥ 8 nothing cancels and the term is (q − p) − p·log(q/p) directly.
/// Accuracy: ≤ 2 ulp of T (measured in tests/simd), for every p, q in the domain.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T kl_term_positive(T p, T q) noexcept {
    using R = ratio_traits<T>;
    const T mq = significand_of(q);
    T mp = significand_of(p);
    T k = exponent_of(q) - exponent_of(p);
    const bool ratio_above = mq > R::sqrt2 * mp;  // mq/mp > √2: write q/p = 2ᵏ⁺¹·mq/(2mp)
    const bool ratio_below = mp > R::sqrt2 * mq;
    mp = blend(ratio_above, mp * T(2), blend(ratio_below, mp * T(0.5), mp));
    k = blend(ratio_above, k + T(1), blend(ratio_below, k - T(1), k));
    const T d = mq - mp;  // exact: mq/mp ∈ [½, 2]
    // f = d/mp and u = d/(mq + mp), each with its rounding error, from one division: 1/mp and
    // 1/(mq + mp) are both read off 1/(mp·(mq + mp)). The quotients are then off by a few ulp,
    // but the exact residuals d − f·mp and d − u·(mq + mp) put that error into f_lo and u_lo.
    const auto s = sum(mq, mp);
    const T inverse_both = T(1) / (mp * s.hi);
    const T inverse_mp = s.hi * inverse_both, inverse_s = mp * inverse_both;
    const T f = d * inverse_mp;
    const auto f_mp = product<UseFma>(f, mp);
    const T f_lo = ((d - f_mp.hi) - f_mp.lo) * inverse_mp;
    const T u = d * inverse_s;
    const auto u_s = product<UseFma>(u, s.hi);
    const T u_lo = (((d - u_s.hi) - u_s.lo) - u * s.lo) * inverse_s;
    const T v = u * u;
    const T tail = (T(2) * u) * v * polynomial<UseFma>(v, R::atanh_tail);  // 2u³·Σ…
    // ψ(f) = f·u − tail (f − 2u = f·u exactly), as hi + lo.
    const auto fu = product<UseFma>(f, u);
    const T psi_lo = (fu.lo + (f * u_lo + f_lo * u)) - tail;
    // φ(k·ln2) = 2ᵏ − 1 − k·ln2 and (2ᵏ − 1)·f for |k| < 8, each as hi + lo.
    const bool far_k = k * k >= T(64);  // |k| ≥ 8
    const T small_k = blend(far_k, T(0), k);
    const T two_k_minus_one = power_of_two(small_k) - T(1);  // exact
    const auto a = sum(two_k_minus_one, -small_k * R::ln2_hi);
    const T a_lo = a.lo - small_k * R::ln2_lo;
    const auto b = product<UseFma>(two_k_minus_one, f);
    const T b_lo = b.lo + two_k_minus_one * f_lo;
    const auto ab = sum(a.hi, b.hi);  // where the cancellation happens, exactly
    const T phi = (ab.hi + fu.hi) + (((ab.lo + a_lo) + b_lo) + psi_lo);
    const T near = p * phi;
    // |k| ≥ 8: log(q/p) = k·ln2 + 2u + tail, and nothing cancels much (< 2 bits) in
    // q − p − p·log(q/p). With an FMA that is one fused step (≤ 2.3 ulp measured); without, the
    // product and log(q/p) are carried as hi + lo to stay within 3 ulp.
    T far;
    if constexpr (UseFma) {
        const T log_ratio = k * (R::ln2_hi + R::ln2_lo) + (T(2) * u + (T(2) * u_lo + tail));
        far = std::fma(-p, log_ratio, q - p);
    } else {
        const auto log_ratio = sum(k * R::ln2_hi, T(2) * u);
        const T log_ratio_lo = log_ratio.lo + (k * R::ln2_lo + (T(2) * u_lo + tail));
        const auto p_log = product<UseFma>(p, log_ratio.hi);
        far = ((q - p) - p_log.hi) - (p_log.lo + p * log_ratio_lo);
    }
    return blend(far_k, far, near);
}

/// The KL term for p, q ≥ 0 (zero or normal): 0 where p = 0 (0·log 0 = 0), +inf where
/// p > 0 = q, else kl_term_positive.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T kl_term(T p, T q) noexcept {
    const T term = kl_term_positive<UseFma>(p, q);
    return blend(p == T(0), T(0), blend(q == T(0), std::numeric_limits<T>::infinity(), term));
}

}  // namespace kldiv::simd::detail
