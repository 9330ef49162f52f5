// kldiv::bfloat16 and kldiv::float16: every encoding round-trips through float, and rounding from
// float is to the nearest representable value with ties to even (checked against the two
// neighbours of each result, computed from the encodings independently of the rounding code).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>

#include "kldiv/core/half_precision.hpp"
#include "support/catch.hpp"

namespace {

template <class H>
bool is_nan_bits(std::uint16_t bits) {
    const float x = static_cast<float>(H::from_bits(bits));
    return std::isnan(x);
}

/// Checks that H(x) is a nearest neighbour of x among all finite H values and ±inf, ties to even.
template <class H>
void check_rounding(float x) {
    const H h(x);
    const double got = static_cast<double>(h);
    const double target = x;
    const std::uint16_t bits = h.bits;
    INFO("x = " << x << " bits " << bits);
    if (std::isinf(got)) {
        // overflow: x must be beyond the halfway point above the largest finite value
        const std::uint16_t largest = static_cast<std::uint16_t>((bits & 0x8000u) | (std::is_same_v<H, kldiv::bfloat16> ? 0x7f7fu : 0x7bffu));
        const double max_finite = static_cast<double>(static_cast<float>(H::from_bits(largest)));
        const double next = std::is_same_v<H, kldiv::bfloat16> ? std::ldexp(1.0, 128) : 65536.0;
        CHECK(std::fabs(target) >= (std::fabs(max_finite) + next) / 2);
        return;
    }
    for (const int step : {-1, 1}) {
        const std::uint16_t magnitude = bits & 0x7fffu;
        if (magnitude == 0 && step < 0) continue;
        const auto neighbour_bits = static_cast<std::uint16_t>((bits & 0x8000u) | (magnitude + step));
        const double neighbour = static_cast<double>(static_cast<float>(H::from_bits(neighbour_bits)));
        if (std::isinf(neighbour) || std::isnan(neighbour)) continue;
        const double mine = std::fabs(got - target), theirs = std::fabs(neighbour - target);
        CHECK(mine <= theirs);
        if (mine == theirs) CHECK((bits & 1u) == 0);
    }
}

}  // namespace

TEST_CASE("bfloat16 and float16: exact widening, round trip of every encoding", "[core][half]") {
    for (std::uint32_t b = 0; b <= 0xffffu; ++b) {
        const auto bits = static_cast<std::uint16_t>(b);
        if (!is_nan_bits<kldiv::bfloat16>(bits))
            CHECK(kldiv::bfloat16(static_cast<float>(kldiv::bfloat16::from_bits(bits))).bits == bits);
        if (!is_nan_bits<kldiv::float16>(bits))
            CHECK(kldiv::float16(static_cast<float>(kldiv::float16::from_bits(bits))).bits == bits);
    }
    CHECK(static_cast<float>(kldiv::float16::from_bits(0x3c00)) == 1.0f);
    CHECK(static_cast<float>(kldiv::float16::from_bits(0x7bff)) == 65504.0f);
    CHECK(static_cast<float>(kldiv::float16::from_bits(0x0001)) == 0x1p-24f);
    CHECK(static_cast<float>(kldiv::bfloat16::from_bits(0x3f80)) == 1.0f);
    CHECK(std::isnan(static_cast<float>(kldiv::bfloat16(std::numeric_limits<float>::quiet_NaN()))));
    CHECK(std::isnan(static_cast<float>(kldiv::float16(std::numeric_limits<float>::quiet_NaN()))));
    CHECK(static_cast<float>(kldiv::float16(70000.0f)) == std::numeric_limits<float>::infinity());
    CHECK(static_cast<float>(kldiv::float16(-65519.0f)) == -65504.0f);
    CHECK(static_cast<float>(kldiv::float16(-65520.0f)) == -std::numeric_limits<float>::infinity());
}

TEST_CASE("bfloat16 and float16 round to nearest, ties to even", "[core][half]") {
    std::mt19937 engine(16);
    std::uniform_int_distribution<std::uint32_t> any;
    for (int i = 0; i < 200000; ++i) {
        std::uint32_t u = any(engine);
        float x;
        std::memcpy(&x, &u, sizeof x);
        if (std::isnan(x)) continue;
        check_rounding<kldiv::bfloat16>(x);
        // float16: draw magnitudes in its range (and a little beyond), subnormals included.
        const float y = std::ldexp(static_cast<float>(any(engine) % 4096) / 4096.0f + 0.5f,
                                   static_cast<int>(any(engine) % 46) - 28) * ((u & 1) ? -1.0f : 1.0f);
        check_rounding<kldiv::float16>(y);
    }
    // Exact ties.
    CHECK(kldiv::float16(1.0f + 0x1p-11f).bits == 0x3c00);               // tie → even (down)
    CHECK(kldiv::float16(1.0f + 3 * 0x1p-11f).bits == 0x3c02);           // tie → even (up)
    CHECK(kldiv::float16(0x1p-25f).bits == 0x0000);                      // half the smallest subnormal → 0
    CHECK(kldiv::float16(3 * 0x1p-25f).bits == 0x0002);                  // 1.5 subnormal ulps → 2
    CHECK(kldiv::bfloat16(1.0f + 0x1p-8f).bits == 0x3f80);
    CHECK(kldiv::bfloat16(1.0f + 3 * 0x1p-8f).bits == 0x3f82);
}
