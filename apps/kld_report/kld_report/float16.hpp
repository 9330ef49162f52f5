// IEEE binary16 <-> binary32 for kld-report's .npy float16 input, on the library's kldiv::float16
// (exact widening; narrowing to nearest, ties to even).
#pragma once

#include <cstdint>

#include "kldiv/core/half_precision.hpp"

namespace kld_report {

/// The float equal to the IEEE half-precision value with bits h (exact; NaN stays NaN).
[[nodiscard]] constexpr float half_to_float(std::uint16_t h) noexcept {
    return static_cast<float>(kldiv::float16::from_bits(h));
}

/// The half nearest to x (ties to even), ±inf beyond the half range, NaN kept NaN.
[[nodiscard]] constexpr std::uint16_t float_to_half(float x) noexcept { return kldiv::float16(x).bits; }

}  // namespace kld_report
