// kldiv's random engine: xoshiro256++ (Blackman & Vigna), seeded through SplitMix64, with
// jump-ahead for non-overlapping parallel streams. Same output on every platform.
#pragma once

#include <array>
#include <cstdint>
#include <limits>

namespace kldiv {

/// A small, fast 64-bit engine (xoshiro256++, period 2²⁵⁶ − 1) that satisfies
/// std::uniform_random_bit_generator. Output depends only on the seed and stream: integer
/// arithmetic, bit-identical on every compiler and platform.
///
/// Streams: `random_engine(seed, stream)` seeds each stream from SplitMix64(seed, stream) —
/// distinct streams are statistically independent; for a guarantee of non-overlap, take one
/// engine and call jump() (advances 2¹²⁸ draws) or long_jump() (2¹⁹²) once per worker.
class random_engine {
public:
    using result_type = std::uint64_t;

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    /// Seeds the state with SplitMix64 from the seed and the stream number.
    explicit constexpr random_engine(std::uint64_t seed = 0x6b6c646976ULL, std::uint64_t stream = 0) noexcept {
        std::uint64_t mixer = seed ^ (stream * 0xd1342543de82ef95ULL) ^ (stream << 32 | stream >> 32);
        for (auto& word : state_) word = split_mix(mixer);
        if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;  // all-zero is absorbing
    }

    /// An engine in an explicit state (not all zero), e.g. to reproduce published test vectors.
    [[nodiscard]] static constexpr random_engine from_state(const std::array<std::uint64_t, 4>& state) noexcept {
        random_engine engine;
        engine.state_ = state;
        return engine;
    }

    /// The next 64 random bits.
    constexpr result_type operator()() noexcept {
        const std::uint64_t result = rotate_left(state_[0] + state_[3], 23) + state_[0];
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotate_left(state_[3], 45);
        return result;
    }

    /// Advances the engine by 2¹²⁸ draws: call k times to get the k-th of 2¹²⁸ non-overlapping
    /// sub-sequences.
    constexpr void jump() noexcept {
        apply_jump({0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL, 0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL});
    }

    /// Advances the engine by 2¹⁹² draws.
    constexpr void long_jump() noexcept {
        apply_jump({0x76e15d3efefdcbbfULL, 0xc5004e441c522fb3ULL, 0x77710069854ee241ULL, 0x39109bb02acbe635ULL});
    }

    /// Skips n draws (for tests and for splitting a stream by counts).
    constexpr void discard(std::uint64_t n) noexcept {
        while (n-- > 0) (void)(*this)();
    }

    friend constexpr bool operator==(const random_engine&, const random_engine&) = default;

private:
    static constexpr std::uint64_t rotate_left(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    static constexpr std::uint64_t split_mix(std::uint64_t& x) noexcept {
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    constexpr void apply_jump(const std::array<std::uint64_t, 4>& polynomial) noexcept {
        std::array<std::uint64_t, 4> jumped{};
        for (const std::uint64_t word : polynomial) {
            for (int bit = 0; bit < 64; ++bit) {
                if (word & (std::uint64_t{1} << bit))
                    for (int i = 0; i < 4; ++i) jumped[i] ^= state_[i];
                (void)(*this)();
            }
        }
        state_ = jumped;
    }

    std::array<std::uint64_t, 4> state_{};
};

}  // namespace kldiv
