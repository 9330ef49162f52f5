// The constants of the exponential and the logarithm that the scalar core and simd/ share: the
// ln 2 split of the reduction x = k·ln2 + t, log₂e, the overflow threshold of eˣ, and the Taylor
// tables Σ tⁿ/(n+m)!. One copy each; simd/detail/constants.hpp adds the ones only simd/ needs.
#pragma once

#include <cstddef>

namespace kldiv::detail {

/// log₂e, rounded to double: the k = nearbyint(x·log₂e) of every double reduction.
inline constexpr double log2e = 0x1.71547652b82fep0;

/// The largest x with eˣ finite in double (log of the largest double, rounded down).
inline constexpr double exp_overflow = 0x1.62e42fefa39efp9;  // 709.78

/// Constants for the reduction x = k·ln2 + t. ln2_hi has 32 significant bits, so k·ln2_hi is
/// exact for |k| < 2^21; ln2_lo = ln2 − ln2_hi to the precision of T.
template <class T>
struct ln2_split;

template <>
struct ln2_split<double> {
    static constexpr double hi = 0x1.62e42fee00000p-1;
    static constexpr double lo = 0x1.a39ef35793c76p-33;
    static constexpr double inverse = log2e;
};

template <>
struct ln2_split<long double> {
    static constexpr long double hi = 0x1.62e42fee00000p-1L;
    static constexpr long double lo = 1.90821492927058781614426568075500134e-10L;
    static constexpr long double inverse = 1.44269504088896340735992468100189214L;
};

/// The Taylor tables of eᵗ: c[n] = 1/(n + First)! (Reverse = false; First = 2 gives
/// eᵗ = 1 + t + t²·Σ cₙtⁿ, First = 4 the tail of φ), or (n + First − 1)/(n + First)! (Reverse:
/// the series of ρ(t) = 1 + (t − 1)eᵗ). Each entry is one correctly rounded division of exact
/// integers (n! is exact in double up to 18!), the same value as the literal 1.0 / 24.
template <class T, std::size_t N, std::size_t First, bool Reverse = false>
struct taylor_table {
    T c[N];
    constexpr taylor_table() : c{} {
        double factorial = 1;  // exact: First + N − 1 ≤ 18
        for (std::size_t i = 2; i < First; ++i) factorial *= static_cast<double>(i);
        for (std::size_t n = 0; n < N; ++n) {
            factorial *= static_cast<double>(n + First);
            const double numerator = Reverse ? static_cast<double>(n + First - 1) : 1.0;
            c[n] = static_cast<T>(T(numerator) / T(factorial));
        }
    }
};

}  // namespace kldiv::detail
