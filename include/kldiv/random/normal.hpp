// Standard normal variates by a 256-layer ziggurat, one 64-bit draw per sample ~99% of the time.
// Guarantees: the same samples on every platform for a given engine state (see the doc comment).
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>

#include "kldiv/random/detail/ziggurat_tables.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {
namespace detail {

/// The rare paths: the wedge test of layer `layer` for |x| = x, or a fresh tail sample.
/// Returns true with x accepted (possibly replaced by a tail value), false to start over.
template <class Engine>
[[gnu::noinline]] bool ziggurat_slow_path(Engine& engine, unsigned layer, double& x) noexcept {
    using namespace ziggurat;
    if (layer == 0) {  // the tail beyond r, by Marsaglia's exponential rejection
        double tail_x, tail_y;
        do {
            tail_x = -std::log(uniform01_open(engine)) / tail_start;
            tail_y = -std::log(uniform01_open(engine));
        } while (tail_y + tail_y < tail_x * tail_x);
        x = tail_start + tail_x;
        return true;
    }
    // The wedge between layer `layer`'s rectangle and the curve: uniform height in the layer.
    const double height = std::fma(uniform01(engine), density[layer + 1] - density[layer], density[layer]);
    return height < std::exp(-0.5 * x * x);
}

}  // namespace detail

/// One standard normal variate (mean 0, variance 1).
/// Method: 256-layer ziggurat with tables computed in 60-digit arithmetic and committed
/// (tools/generate_ziggurat.py): the low 8 bits of one draw pick the layer, bit 8 the sign and
/// the top 53 bits the position, so ~98.8% of samples cost one draw, a multiply and a compare.
/// Reproducibility: the fast path is exact arithmetic, identical everywhere; the wedge and tail
/// (~1.2%) call `std::exp` and `std::log`, so a libm that rounds differently in the last bit could flip
/// an accept/reject decision with probability ~1e-16 per sample.
template <std::uniform_random_bit_generator Engine>
double standard_normal(Engine& engine) noexcept {
    using namespace detail::ziggurat;
    while (true) {
        const std::uint64_t draw = engine();
        const unsigned layer = static_cast<unsigned>(draw & 0xFF);
        const std::uint64_t sign_bit = (draw & 0x100) << 55;  // bit 8 moved to the sign bit
        const double u = static_cast<double>(draw >> 11) * 0x1.0p-53;
        double x = u * width[layer];
        if (u < inner_ratio[layer]) [[likely]]
            return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) | sign_bit);
        if (detail::ziggurat_slow_path(engine, layer, x))
            return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) | sign_bit);
    }
}

/// Fills `out` with independent standard normal variates (as standard_normal, in order).
template <std::uniform_random_bit_generator Engine, class T>
    requires std::floating_point<T>
void fill_standard_normal(Engine& engine, std::span<T> out) noexcept {
    for (T& value : out) value = static_cast<T>(standard_normal(engine));
}

}  // namespace kldiv
