// IEEE binary16 <-> binary32, exact in the widening direction (every half is a float).
#pragma once

#include <bit>
#include <cstdint>

namespace kld_report {

/// The float equal to the IEEE half-precision value with bits h (exact; NaN stays NaN).
[[nodiscard]] constexpr float half_to_float(std::uint16_t h) noexcept {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1fu;
    const std::uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0) {  // zero or subnormal: mantissa · 2⁻²⁴, exact in float
        const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
        return sign != 0 ? -magnitude : magnitude;
    }
    if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));  // inf, NaN
    return std::bit_cast<float>(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

/// The half nearest to x (ties to even), ±inf beyond the half range, NaN kept NaN.
[[nodiscard]] constexpr std::uint16_t float_to_half(float x) noexcept {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
    const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
    const std::uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) return static_cast<std::uint16_t>(sign | 0x7e00u);  // NaN
    if (magnitude >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // ≥ 65520 rounds to inf
    if (magnitude < 0x38800000u) {  // below the smallest normal half 2⁻¹⁴: a multiple of 2⁻²⁴
        const float scaled = std::bit_cast<float>(magnitude) * 0x1p24f;  // exact
        // round half to even without the library: add and subtract 2²³
        const float rounded = (scaled + 0x1p23f) - 0x1p23f;
        return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(rounded));
    }
    // normal: drop 13 mantissa bits with ties to even
    const std::uint32_t rebased = magnitude - (112u << 23);
    const std::uint32_t round_bit = (rebased >> 13) & 1u;
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>((rebased + 0xfffu + round_bit) >> 13));
}

}  // namespace kld_report
