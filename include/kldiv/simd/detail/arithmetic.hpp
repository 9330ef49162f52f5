// The arithmetic the vector kernels are written in: core's error-free primitives and branch-free
// helpers (core/detail/error_free.hpp, the one implementation both layers use), the bit layout of
// float and double (bit_traits) and the bitwise operations built on it, an integer rounding that
// vectorises, and a double-word quotient. No φ, ρ or log here: those are exp_residuals.hpp and
// log_elements.hpp.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "kldiv/core/detail/error_free.hpp"

namespace kldiv::simd::detail {

// product, sum, multiply_add, polynomial, polynomial_estrin, power_of_two, clamp_to, double_word.
using namespace kldiv::detail::branch_free;

/// Bit layout of T: what blend, zero_or_normal, exponent_of and significand_of read.
template <class T>
struct bit_traits;

template <>
struct bit_traits<double> {
    using bits = std::uint64_t;
    static constexpr int mantissa_bits = 52;
    static constexpr bits exponent_max = 0x7ff;  // inf and NaN
    static constexpr bits mantissa_mask = 0xfffffffffffffULL;
    static constexpr bits one = 0x3ff0000000000000ULL;            // 1.0
    static constexpr bits integer_magic = 0x4330000000000000ULL;  // 2⁵²: its low bits hold an integer
    static constexpr double integer_magic_value = 0x1p52;
};

template <>
struct bit_traits<float> {
    using bits = std::uint32_t;
    static constexpr int mantissa_bits = 23;
    static constexpr bits exponent_max = 0xff;
    static constexpr bits mantissa_mask = 0x7fffff;
    static constexpr bits one = 0x3f800000;
    static constexpr bits integer_magic = 0x4b000000;  // 2²³
    static constexpr float integer_magic_value = 0x1p23f;
};

/// c ? a : b as a bitwise blend, both sides already computed. A plain ?: lets GCC move the
/// computation of a side into a branch, which it then will not turn back into a vector select
/// when that side holds a floating-point operation that "could trap" (-ftrapping-math).
template <class T>
KLDIV_VECTOR_INLINE T blend(bool c, T a, T b) noexcept {
    using U = typename bit_traits<T>::bits;
    const U mask = U(0) - static_cast<U>(c);
    return std::bit_cast<T>((std::bit_cast<U>(a) & mask) | (std::bit_cast<U>(b) & ~mask));
}

/// True when x is +0 or a positive normal number (not subnormal, negative, inf or NaN): the
/// inputs the vector ratio path takes; anything else sends its block to the scalar path.
template <class T>
KLDIV_VECTOR_INLINE bool zero_or_normal(T x) noexcept {
    using R = bit_traits<T>;
    const auto b = std::bit_cast<typename R::bits>(x);
    const typename R::bits exponent = b >> R::mantissa_bits;  // the sign bit lands above exponent_max
    return (b == 0) | (exponent - 1 < R::exponent_max - 1);   // | not ||: no branch in a vector loop
}

/// The exponent field of x as a T holding an integer (exact, no int → float conversion needed).
template <class T>
KLDIV_VECTOR_INLINE T exponent_of(T x) noexcept {
    using R = bit_traits<T>;
    const auto b = std::bit_cast<typename R::bits>(x);
    return std::bit_cast<T>((b >> R::mantissa_bits) | R::integer_magic) - R::integer_magic_value;
}

/// The significand of x in [1, 2).
template <class T>
KLDIV_VECTOR_INLINE T significand_of(T x) noexcept {
    using R = bit_traits<T>;
    return std::bit_cast<T>((std::bit_cast<typename R::bits>(x) & R::mantissa_mask) | R::one);
}

/// x rounded to an integer (ties to even) by the add-and-subtract trick: exact for |x| < 2^(digits−2),
/// plain arithmetic, so it vectorises on every instruction set (std::nearbyint is a library call
/// without SSE4.1).
template <class T>
KLDIV_VECTOR_INLINE T nearbyint_of(T x) noexcept {
    constexpr T shifter = std::is_same_v<T, float> ? T(0x1.8p23) : T(0x1.8p52);
    return (x + shifter) - shifter;
}

/// d/(s.hi + s.lo) as hi + lo for an exact d: one division, then the exact residual.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE double_word<T> quotient(T d, const double_word<T>& s) noexcept {
    const T u = d / s.hi;
    const auto u_s = product<UseFma>(u, s.hi);
    return {u, (((d - u_s.hi) - u_s.lo) - u * s.lo) / s.hi};
}

}  // namespace kldiv::simd::detail
