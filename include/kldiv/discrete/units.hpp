// Units of information: nats (natural log, the default), bits, or any base b > 0, b ≠ 1.
// Guarantees: conversion is one division by ln b, never applied by surprise.
#pragma once

#include <cmath>
#include <numbers>

#include "kldiv/core/error.hpp"

namespace kldiv {

/// The unit an information quantity is reported in, as ln(base): nats (1), bits (ln 2),
/// bans/hartleys (ln 10), or base(b) for any b > 0, b ≠ 1.
struct information_unit {
    long double log_base = 1.0L;

    /// Converts a value in nats to this unit (one rounding).
    template <class T>
    [[nodiscard]] constexpr T from_nats(T nats_value) const noexcept {
        return log_base == 1.0L ? nats_value : static_cast<T>(nats_value / log_base);
    }
};

inline constexpr information_unit nats{1.0L};
inline constexpr information_unit bits{std::numbers::ln2_v<long double>};
inline constexpr information_unit hartleys{std::numbers::ln10_v<long double>};

/// The unit of logarithms to base b. Throws kldiv::domain_error unless b > 0, finite, b ≠ 1.
inline information_unit base(double b) {
    if (!(b > 0.0) || b == 1.0 || !std::isfinite(b))
        detail::fail("base", "the base of a logarithm must be positive, finite and not 1", b);
    return information_unit{std::log(static_cast<long double>(b))};
}

}  // namespace kldiv
