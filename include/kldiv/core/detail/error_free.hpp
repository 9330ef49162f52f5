// Error-free transformations (TwoSum, exact products) used by the accurate residuals.
// Guarantees: a + b == sum.hi + sum.lo exactly in round-to-nearest (no -ffast-math).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

namespace kldiv::detail {

template <class T>
struct double_word {
    T hi;
    T lo;
};

/// Knuth's TwoSum: hi = fl(a + b), lo the exact rounding error, for any magnitudes.
template <class T>
constexpr double_word<T> two_sum(T a, T b) noexcept {
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
        constexpr T splitter = T((1ULL << ((std::numeric_limits<T>::digits + 1) / 2)) + 1);
        const auto split = [](T v) {
            const T scaled = splitter * v;
            const T high = scaled - (scaled - v);
            return double_word<T>{high, v - high};
        };
        const auto [a_hi, a_lo] = split(a);
        const auto [b_hi, b_lo] = split(b);
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

/// Constants for the reduction x = k·ln2 + t. ln2_hi has 32 significant bits, so k·ln2_hi is
/// exact for |k| < 2^21; ln2_lo = ln2 − ln2_hi to the precision of T.
template <class T>
struct ln2_split;

template <>
struct ln2_split<double> {
    static constexpr double hi = 0x1.62e42fee00000p-1;
    static constexpr double lo = 0x1.a39ef35793c76p-33;
    static constexpr double inverse = 0x1.71547652b82fep0;
};

template <>
struct ln2_split<long double> {
    static constexpr long double hi = 0x1.62e42fee00000p-1L;
    static constexpr long double lo = 1.90821492927058781614426568075500134e-10L;
    static constexpr long double inverse = 1.44269504088896340735992468100189214L;
};

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
