// x·log(y) with the information-theory convention 0·log 0 = 0, and x·log(x).
// Guarantees: the zero convention holds without NaN; ≤ 2 ulp elsewhere (docs/accuracy.md).
#pragma once

#include <cmath>
#include <type_traits>

#include "kldiv/core/concepts.hpp"

namespace kldiv {

/// x·log(y), with 0·log(y) = 0 for every y ≥ 0 including y = 0 and y = +inf (the term of an
/// outcome with zero probability contributes nothing). Domain: y ≥ 0.
/// Accuracy: ≤ 2 ulp for float, double and long double (float is evaluated in double).
/// Special values: x = 0 with y NaN or y < 0 gives NaN; x ≠ 0 with y = 0 gives ∓inf;
/// y < 0 gives NaN; NaN in either argument gives NaN.
template <real T>
inline T xlogy(T x, T y) noexcept {
    if (x == T(0) && y >= T(0)) return T(0);  // y ≥ 0 is false for NaN and negative y
    if constexpr (std::is_same_v<T, float>)
        return static_cast<float>(static_cast<double>(x) * std::log(static_cast<double>(y)));
    else
        return x * std::log(y);
}

/// x·log(x) with 0·log 0 = 0; the negative of one term of the entropy. Domain: x ≥ 0.
/// Accuracy: ≤ 2 ulp (as xlogy). x < 0 or NaN gives NaN; +inf gives +inf.
template <real T>
inline T xlogx(T x) noexcept {
    return xlogy(x, x);
}

}  // namespace kldiv
