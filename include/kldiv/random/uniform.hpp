// Uniform variates from 64 random bits, the same on every platform.
// Guarantees: uniform01 ∈ [0, 1) and uniform01_open ∈ (0, 1], both on the 2⁻⁵³ grid.
#pragma once

#include <concepts>
#include <cstdint>
#include <random>

namespace kldiv {

/// A uniform double in [0, 1): the top 53 bits of one draw times 2⁻⁵³ (exact).
template <std::uniform_random_bit_generator Engine>
    requires(Engine::max() == UINT64_MAX && Engine::min() == 0)
inline double uniform01(Engine& engine) noexcept {
    return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

/// A uniform double in (0, 1] (never 0: safe under log).
template <std::uniform_random_bit_generator Engine>
    requires(Engine::max() == UINT64_MAX && Engine::min() == 0)
inline double uniform01_open(Engine& engine) noexcept {
    return static_cast<double>((engine() >> 11) + 1) * 0x1.0p-53;
}

}  // namespace kldiv
