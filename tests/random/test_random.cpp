// The engine against xoshiro256++ reference vectors; streams and jumps; the normal sampler's
// distribution against the exact normal CDF (Kolmogorov–Smirnov, moments, tail mass).
#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <vector>

#include "kldiv/random/engine.hpp"
#include "kldiv/random/normal.hpp"
#include "kldiv/random/uniform.hpp"
#include "support/catch.hpp"

TEST_CASE("random_engine reproduces the xoshiro256++ reference outputs", "[random][engine]") {
    // From tools/generate_xoshiro_reference.py, an independent implementation of the algorithm.
    const std::array<std::uint64_t, 8> expected{41943041ULL, 58720359ULL, 3588806011781223ULL, 3591011842654386ULL,
                                                9228616714210784205ULL, 9973669472204895162ULL,
                                                14011001112246962877ULL, 12406186145184390807ULL};
    auto engine = kldiv::random_engine::from_state({1, 2, 3, 4});
    for (const auto value : expected) CHECK(engine() == value);
    static_assert(std::uniform_random_bit_generator<kldiv::random_engine>);
}

TEST_CASE("seeds and streams give different sequences; jumps do not overlap the start", "[random][engine]") {
    kldiv::random_engine a(1), b(1), c(2), d(1, 1);
    CHECK(a == b);
    CHECK(a() == b());
    CHECK(kldiv::random_engine(1)() != c());
    CHECK(kldiv::random_engine(1)() != d());
    std::set<std::uint64_t> first_draws;
    for (std::uint64_t stream = 0; stream < 1000; ++stream) first_draws.insert(kldiv::random_engine(7, stream)());
    CHECK(first_draws.size() == 1000);
    kldiv::random_engine base(3), jumped(3);
    jumped.jump();
    CHECK_FALSE(base == jumped);
    kldiv::random_engine again(3);
    again.jump();
    CHECK(again == jumped);  // deterministic
    kldiv::random_engine skipped(3), stepped(3);
    skipped.discard(5);
    for (int i = 0; i < 5; ++i) (void)stepped();
    CHECK(skipped == stepped);
}

TEST_CASE("uniform variates stay in range", "[random][uniform]") {
    kldiv::random_engine engine(4);
    double lowest = 1, highest = 0;
    for (int i = 0; i < 100000; ++i) {
        const double u = kldiv::uniform01(engine), v = kldiv::uniform01_open(engine);
        CHECK((u >= 0.0 && u < 1.0));
        CHECK((v > 0.0 && v <= 1.0));
        lowest = std::min(lowest, u);
        highest = std::max(highest, u);
    }
    CHECK(lowest < 1e-4);
    CHECK(highest > 1 - 1e-4);
}

TEST_CASE("standard_normal matches the normal distribution", "[random][normal]") {
    kldiv::random_engine engine(2026);
    const std::size_t n = 1000000;
    std::vector<double> x(n);
    kldiv::fill_standard_normal(engine, std::span<double>(x));
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    std::size_t beyond_3 = 0, beyond_r = 0;
    for (const double v : x) {
        m1 += v, m2 += v * v, m3 += v * v * v, m4 += v * v * v * v;
        beyond_3 += std::fabs(v) > 3.0;
        beyond_r += std::fabs(v) > 3.6541528853610088;
    }
    m1 /= n, m2 /= n, m3 /= n, m4 /= n;
    const double se = 1.0 / std::sqrt(double(n));
    CHECK(std::fabs(m1) < 5 * se);
    CHECK(std::fabs(m2 - 1.0) < 5 * std::sqrt(2.0) * se);
    CHECK(std::fabs(m3) < 5 * std::sqrt(15.0) * se);
    CHECK(std::fabs(m4 - 3.0) < 5 * std::sqrt(96.0) * se);
    // Tail masses, exactly: P(|X| > 3) = erfc(3/√2); the tail beyond r is where the ziggurat's
    // separate tail sampler acts.
    const auto check_tail = [&](std::size_t count, double probability) {
        const double expected = probability * n, sd = std::sqrt(expected);
        CHECK(std::fabs(double(count) - expected) < 5 * sd);
    };
    check_tail(beyond_3, std::erfc(3.0 / std::sqrt(2.0)));
    check_tail(beyond_r, std::erfc(3.6541528853610088 / std::sqrt(2.0)));
    // Kolmogorov–Smirnov against Φ: D·√n < 1.95 rejects a true normal with probability 0.001.
    std::sort(x.begin(), x.end());
    double d = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double cdf = 0.5 * std::erfc(-x[i] / std::sqrt(2.0));
        d = std::max({d, std::fabs(cdf - double(i) / n), std::fabs(cdf - double(i + 1) / n)});
    }
    INFO("KS statistic D·√n = " << d * std::sqrt(double(n)));
    CHECK(d * std::sqrt(double(n)) < 1.95);
}

TEST_CASE("the same seed gives the same normal samples", "[random][normal]") {
    kldiv::random_engine a(99), b(99);
    for (int i = 0; i < 1000; ++i) CHECK(kldiv::standard_normal(a) == kldiv::standard_normal(b));
}
