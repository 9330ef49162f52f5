// Error-free transformations (TwoSum, exact products) and the arithmetic primitives of the
// residuals, scalar and vector: the one implementation that core/ and simd/ both use.
// Guarantees: a + b == sum.hi + sum.lo exactly in round-to-nearest (no -ffast-math).
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "kldiv/core/detail/constants.hpp"

namespace kldiv::detail {

template <class T>
struct double_word {
    T hi;
    T lo;
};

/// Knuth's TwoSum: hi = fl(a + b), lo the exact rounding error, for any magnitudes.
template <class T>
[[gnu::always_inline]] constexpr double_word<T> two_sum(T a, T b) noexcept {
    const T sum = a + b;
    const T b_virtual = sum - a;
    const T a_virtual = sum - b_virtual;
    return {sum, (a - a_virtual) + (b - b_virtual)};
}

/// True when std::fma<T> compiles to one instruction; otherwise it is a library call and
/// Dekker's splitting is faster.
template <class T>
inline constexpr bool has_fast_fma =
#if defined(FP_FAST_FMA)
    std::is_same_v<T, double> ||
#endif
#if defined(FP_FAST_FMAF)
    std::is_same_v<T, float> ||
#endif
    false;

/// hi = fl(a * b), lo the exact rounding error: a fused multiply-add where the hardware has
/// one, else Dekker's splitting (exact barring overflow of the split factors).
/// UseFma: where FMA is an instruction (a compile-time fact, or a clone chosen at run time).
template <class T, bool UseFma = has_fast_fma<T>>
[[gnu::always_inline]] inline double_word<T> two_product(T a, T b) noexcept {
    const T product = a * b;
    if constexpr (!UseFma) {
        // 2^⌈digits/2⌉ + 1 splits the significand into two halves that multiply exactly.
        // (Written out, no helper lambda: the vector kernels inline it into every clone.)
        constexpr T splitter = T((1ULL << ((std::numeric_limits<T>::digits + 1) / 2)) + 1);
        const T as = splitter * a, bs = splitter * b;
        const T a_hi = as - (as - a), a_lo = a - a_hi;
        const T b_hi = bs - (bs - b), b_lo = b - b_hi;
        return {product, ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo};
    } else {
        return {product, std::fma(a, b, -product)};
    }
}

/// a·b + c with (nearly) one rounding: a hardware fma, or else a Dekker product.
template <class T, bool UseFma = has_fast_fma<T>>
[[gnu::always_inline]] inline T multiply_add(T a, T b, T c) noexcept {
    if constexpr (!UseFma) {
        const auto product = two_product<T, false>(a, b);
        const auto sum = two_sum(product.hi, c);
        return sum.hi + (sum.lo + product.lo);
    } else {
        return std::fma(a, b, c);
    }
}

/// Below this magnitude the residuals are x²/2 to within half an ulp (the next term is
/// smaller by a factor |x| < 2⁻ᵈⁱᵍⁱᵗˢ); computing x²/2 directly keeps the error-free
/// transformations away from products that underflow.
template <class T>
inline constexpr T quadratic_regime = T(1) / T(1ULL << 63) / T(1ULL << 63);

/// c[0] + c[1]·x + ... with coefficients known at compile time, as even and odd halves in x²
/// (two independent Horner chains: half the latency of one, the same accuracy for the small,
/// fast-decaying series kldiv uses).
template <class T, bool UseFma = has_fast_fma<T>, std::size_t N>
[[gnu::always_inline]] inline T horner(T x, const T (&c)[N]) noexcept {
    const auto step = [](T accumulated, T y, T coefficient) {
        if constexpr (UseFma)
            return std::fma(accumulated, y, coefficient);
        else
            return accumulated * y + coefficient;  // a library fma call costs more than it gains here
    };
    const T x2 = x * x;
    constexpr std::size_t last_even = (N - 1) / 2 * 2;
    constexpr std::size_t last_odd = N >= 2 ? (N - 2) / 2 * 2 + 1 : 0;
    T even = c[last_even];
    for (std::size_t i = last_even; i >= 2; i -= 2) even = step(even, x2, c[i - 2]);
    if constexpr (N < 2) {
        return even;
    } else {
        T odd = c[last_odd];
        for (std::size_t i = last_odd; i >= 3; i -= 2) odd = step(odd, x2, c[i - 2]);
        return multiply_add<T, UseFma>(odd, x, even);  // the final, largest step rounds only once
    }
}

}  // namespace kldiv::detail

// The branch-free primitives: straight-line arithmetic and selects that compilers vectorise,
// the scalar core and the SIMD kernels alike.
namespace kldiv::detail::branch_free {

using kldiv::detail::double_word;

// Inlined into every instruction-set clone, so the caller decides the ISA.
#if defined(__GNUC__)
#define KLDIV_VECTOR_INLINE [[gnu::always_inline]] inline
#else
#define KLDIV_VECTOR_INLINE inline
#endif

/// a·b exactly as hi + lo (two_product), with UseFma first as the vector code spells it.
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE double_word<T> product(T a, T b) noexcept {
    return two_product<T, UseFma>(a, b);
}

/// a + b exactly as hi + lo (two_sum).
template <class T>
KLDIV_VECTOR_INLINE double_word<T> sum(T a, T b) noexcept {
    return two_sum(a, b);
}

/// a·b + c: one fused rounding when UseFma, else plain a·b + c (two roundings; unlike
/// kldiv::detail::multiply_add, no Dekker correction: the vector evaluators are written for it).
template <bool UseFma, class T>
KLDIV_VECTOR_INLINE T multiply_add(T a, T b, T c) noexcept {
    if constexpr (UseFma)
        return std::fma(a, b, c);
    else
        return a * b + c;
}

/// c[0] + c[1]·x + … + c[N−1]·x^(N−1) by Horner's rule, unrolled at compile time (a loop here
/// would stop the compiler from vectorising the caller's loop).
template <bool UseFma, class T, std::size_t N>
KLDIV_VECTOR_INLINE T polynomial(T x, const T (&c)[N]) noexcept {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
        T result = c[N - 1];
        ((result = multiply_add<UseFma>(result, x, c[N - 2 - I])), ...);
        return result;
    }
    (std::make_index_sequence<N - 1>{});
}

namespace estrin_detail {
template <bool UseFma, std::size_t I, class T, std::size_t N>
KLDIV_VECTOR_INLINE T pair(const std::array<T, N>& a, T y) noexcept {
    if constexpr (2 * I + 1 < N)
        return multiply_add<UseFma>(a[2 * I + 1], y, a[2 * I]);
    else
        return a[2 * I];
}
template <bool UseFma, class T, std::size_t N, std::size_t... I>
KLDIV_VECTOR_INLINE std::array<T, sizeof...(I)> level(const std::array<T, N>& a, T y, std::index_sequence<I...>) noexcept {
    return {pair<UseFma, I>(a, y)...};
}
template <bool UseFma, class T, std::size_t N>
KLDIV_VECTOR_INLINE T combine(const std::array<T, N>& a, T y) noexcept {
    if constexpr (N == 1)
        return a[0];
    else
        return combine<UseFma>(level<UseFma>(a, y, std::make_index_sequence<(N + 1) / 2>{}), y * y);
}
template <class T, std::size_t N, std::size_t... I>
KLDIV_VECTOR_INLINE std::array<T, N> to_array(const T (&c)[N], std::index_sequence<I...>) noexcept {
    return {c[I]...};
}
}  // namespace estrin_detail

/// The same polynomial by Estrin's scheme: pairs c[2i] + c[2i+1]·x, then pairs of those in x²,
/// x⁴, …: depth ⌈log₂ N⌉ + 1 instead of N − 1, for a few more multiplies. For one value (the
/// scalar core), where Horner's chain of dependent FMAs is the whole latency.
template <bool UseFma, class T, std::size_t N>
KLDIV_VECTOR_INLINE T polynomial_estrin(T x, const T (&c)[N]) noexcept {
    return estrin_detail::combine<UseFma>(
        estrin_detail::level<UseFma>(estrin_detail::to_array(c, std::make_index_sequence<N>{}), x,
                                     std::make_index_sequence<(N + 1) / 2>{}),
        x * x);
}

/// 2ⁿ for integer-valued n in the exponent range of T ([−1022, 1023] for double, [−126, 127]
/// for float), from the exponent bits. The integer is read off n + 1.5·2^(digits−1) (exact for
/// small |n|) so that only integer adds and shifts are needed, which AVX2 has (it has no
/// double → int64 conversion).
template <class T>
KLDIV_VECTOR_INLINE T power_of_two(T n) noexcept {
    if constexpr (std::is_same_v<T, float>) {
        constexpr float shifter = 0x1.8p23f;
        const std::uint32_t bits = std::bit_cast<std::uint32_t>(n + shifter) - std::bit_cast<std::uint32_t>(shifter);
        return std::bit_cast<float>((bits + 127) << 23);
    } else {
        constexpr double shifter = 0x1.8p52;
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(n + shifter) - std::bit_cast<std::uint64_t>(shifter);
        return std::bit_cast<double>((bits + 1023) << 52);
    }
}

/// Clamps x into [low, high]; NaN goes to low (callers restore NaN at the end). Written as
/// comparisons and selects, which vectorise (std::fmin/fmax need -ffinite-math-only to).
template <class T>
KLDIV_VECTOR_INLINE T clamp_to(T x, T low, T high) noexcept {
    const T upper = (x > high) ? high : x;
    return (upper >= low) ? upper : low;
}

}  // namespace kldiv::detail::branch_free
