// 16-bit floating-point storage types, kldiv::bfloat16 and kldiv::float16 (IEEE binary16), for
// logits stored in half the bytes. GCC 12 has no std::bfloat16_t / std::float16_t; these are
// storage only: conversions to and from float, no arithmetic (kldiv computes in float or double).
#pragma once

#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <type_traits>

namespace kldiv {

/// bfloat16: 1 sign, 8 exponent, 7 stored significand bits (float's range, 8 significant bits).
/// Conversion from float rounds to nearest, ties to even (overflow to ±inf as for float; NaN
/// stays NaN, quiet, with its sign); conversion to float or double is exact.
struct bfloat16 {
    std::uint16_t bits = 0;  ///< the raw encoding (the upper half of the float's encoding)

    constexpr bfloat16() noexcept = default;
    /// The nearest bfloat16 to x (ties to even).
    constexpr explicit bfloat16(float x) noexcept : bits(round_from(x)) {}
    /// The bfloat16 with these raw bits.
    [[nodiscard]] static constexpr bfloat16 from_bits(std::uint16_t raw) noexcept {
        bfloat16 result;
        result.bits = raw;
        return result;
    }
    /// The exact value as a float.
    constexpr explicit operator float() const noexcept {
        return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
    }
    /// The exact value as a double.
    constexpr explicit operator double() const noexcept { return static_cast<double>(static_cast<float>(*this)); }

private:
    static constexpr std::uint16_t round_from(float x) noexcept {
        const std::uint32_t u = std::bit_cast<std::uint32_t>(x);
        if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x0040u);  // quiet NaN
        return static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    }
};

/// float16: IEEE 754 binary16, 1 sign, 5 exponent, 10 stored significand bits (largest finite
/// 65504, subnormals down to 2⁻²⁴). Conversion from float rounds to nearest, ties to even
/// (|x| ≥ 65520 → ±inf, subnormal results rounded likewise, NaN stays a quiet NaN); conversion
/// to float or double is exact.
struct float16 {
    std::uint16_t bits = 0;  ///< the raw binary16 encoding

    constexpr float16() noexcept = default;
    /// The nearest float16 to x (ties to even).
    constexpr explicit float16(float x) noexcept : bits(round_from(x)) {}
    /// The float16 with these raw bits.
    [[nodiscard]] static constexpr float16 from_bits(std::uint16_t raw) noexcept {
        float16 result;
        result.bits = raw;
        return result;
    }
    /// The exact value as a float.
    constexpr explicit operator float() const noexcept {
        const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
        const std::uint32_t exponent = (bits >> 10) & 0x1fu;
        const std::uint32_t significand = bits & 0x3ffu;
        if (exponent == 0) {  // zero or subnormal: significand · 2⁻²⁴, exact in float
            const float magnitude = static_cast<float>(significand) * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (significand << 13));
        return std::bit_cast<float>(sign | ((exponent + 112u) << 23) | (significand << 13));
    }
    /// The exact value as a double.
    constexpr explicit operator double() const noexcept { return static_cast<double>(static_cast<float>(*this)); }

private:
    static constexpr std::uint16_t round_from(float x) noexcept {
        const std::uint32_t u = std::bit_cast<std::uint32_t>(x);
        const auto sign = static_cast<std::uint16_t>((u >> 16) & 0x8000u);
        const std::uint32_t magnitude = u & 0x7fffffffu;
        if (magnitude > 0x7f800000u) return static_cast<std::uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x1ffu));
        if (magnitude < 0x38800000u) {  // below 2⁻¹⁴: a subnormal (or zero) result
            // |x|·2²⁴ is exact in float; round it to an integer, ties to even, by the 2²³ trick.
            const float scaled = std::bit_cast<float>(magnitude) * 0x1p24f;
            const float rounded = (scaled + 0x1p23f) - 0x1p23f;
            return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(rounded));
        }
        // Normal: drop 13 significand bits with round-to-nearest-even; a carry moves into the
        // exponent as it should, and everything from 65520 up lands on or beyond inf's encoding.
        const std::uint32_t rounded = (magnitude + 0xfffu + ((magnitude >> 13) & 1u)) >> 13;
        const std::uint32_t rebased = rounded - (112u << 10);
        return static_cast<std::uint16_t>(sign | (rebased >= 0x7c00u ? 0x7c00u : rebased));
    }
};

/// The 16-bit storage types (kldiv::bfloat16, kldiv::float16).
template <class T>
concept half_precision = std::same_as<std::remove_cv_t<T>, bfloat16> || std::same_as<std::remove_cv_t<T>, float16>;

}  // namespace kldiv
