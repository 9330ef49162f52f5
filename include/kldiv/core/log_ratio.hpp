// log(a/b) for positive a, b without overflow in the ratio and without cancellation near a = b.
// Guarantees: ≤ 2 ulp of the result where a/b is within [½, 2]; elsewhere ≤ 1 ulp + the log's.
#pragma once

#include <cmath>
#include <limits>

#include "kldiv/core/concepts.hpp"

namespace kldiv {

/// log(a/b) for a, b ≥ 0: log1p((a − b)/b) when b/2 ≤ a ≤ 2b (a − b is then exact, so a ratio
/// near 1 keeps its digits), log(a/b) while a/b is a normal number, and log a − log b when the
/// ratio would overflow or underflow (|result| > 700 there, so the difference is accurate).
/// log_ratio(0, b) = −inf, log_ratio(a, 0) = +inf, log_ratio(0, 0) = NaN; NaN propagates.
/// Accuracy: ≤ 2 ulp for double (measured in tests/core/test_log_ratio.cpp).
template <real T>
[[nodiscard]] inline T log_ratio(T a, T b) noexcept {
    if (a >= b * T(0.5) && a <= b * T(2)) return std::log1p((a - b) / b);
    const T ratio = a / b;
    if (ratio >= std::numeric_limits<T>::min() && ratio <= std::numeric_limits<T>::max()) return std::log(ratio);
    return std::log(a) - std::log(b);
}

}  // namespace kldiv
