// Execution policies: every policy entry point gives the same bits for kldiv::seq and 1, 2, 3,
// 64 threads (on whatever cores the machine has), float and double, with and without options.
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "kldiv/core/execution.hpp"
#include "kldiv/estimators/kl_estimates.hpp"
#include "kldiv/random/engine.hpp"
#include "kldiv/random/normal.hpp"
#include "support/catch.hpp"

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool same_bits(const kldiv::running_stats& a, const kldiv::running_stats& b) {
    return a.count() == b.count() && same_bits(a.mean(), b.mean()) &&
           same_bits(a.sum_of_squared_deviations(), b.sum_of_squared_deviations());
}

bool same_bits(const kldiv::kl_estimate_set& a, const kldiv::kl_estimate_set& b) {
    return same_bits(a.k1, b.k1) && same_bits(a.k2, b.k2) && same_bits(a.k3, b.k3) &&
           same_bits(a.reverse, b.reverse) && a.clamped == b.clamped;
}

const std::vector<kldiv::parallel> thread_counts = {kldiv::parallel{1}, kldiv::parallel{2}, kldiv::parallel{3},
                                                    kldiv::parallel{64}, kldiv::par};

/// log q and log p of n samples from two nearby normals, with a few large |ℓ| for the clamp.
template <class T>
void make_log_densities(std::size_t n, std::vector<T>& log_q, std::vector<T>& log_p, std::uint64_t seed) {
    kldiv::random_engine engine(seed);
    log_q.resize(n);
    log_p.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double x = kldiv::standard_normal(engine);
        log_q[i] = static_cast<T>(-0.5 * x * x);
        log_p[i] = static_cast<T>(-0.5 * (x - 0.3) * (x - 0.3) + (i % 9973 == 0 ? 30.0 : 0.0));
    }
}

}  // namespace

TEMPLATE_TEST_CASE("kl_estimates: the same bits for seq and every thread count", "[parallel]", float, double) {
    const std::size_t n = 5 * kldiv::kl_estimates_chunk_size + 12345;  // 6 chunks, the last one partial
    std::vector<TestType> log_q, log_p, weights(n);
    make_log_densities(n, log_q, log_p, 42);
    std::vector<std::uint8_t> mask(n);
    for (std::size_t i = 0; i < n; ++i) {
        weights[i] = static_cast<TestType>(0.5 + double(i % 7) / 7.0);
        mask[i] = static_cast<std::uint8_t>(i % 5 != 0);
    }
    std::vector<kldiv::kl_estimate_options<TestType>> option_sets(4);
    option_sets[1].mask = mask;
    option_sets[2].weights = weights;
    option_sets[3].clamp_log_ratio = 20.0;
    option_sets[3].mask = mask;
    option_sets[3].weights = weights;

    for (const auto& options : option_sets) {
        const auto serial = kldiv::kl_estimates(kldiv::seq, log_q, log_p, options);
        for (const auto& policy : thread_counts) {
            INFO("threads " << policy.threads);
            CHECK(same_bits(kldiv::kl_estimates(policy, log_q, log_p, options), serial));
        }
        // The definition: chunks of 2¹⁶ computed by the serial path, merged left to right.
        kldiv::kl_estimate_set by_hand;
        for (std::size_t begin = 0; begin < n; begin += kldiv::kl_estimates_chunk_size) {
            const std::size_t size = std::min(kldiv::kl_estimates_chunk_size, n - begin);
            auto chunk = options;
            if (!options.mask.empty()) chunk.mask = options.mask.subspan(begin, size);
            if (!options.weights.empty()) chunk.weights = options.weights.subspan(begin, size);
            by_hand.merge(kldiv::kl_estimates(std::span<const TestType>(log_q).subspan(begin, size),
                                              std::span<const TestType>(log_p).subspan(begin, size), chunk));
        }
        CHECK(same_bits(by_hand, serial));
        // Shards of whole chunks (as MPI ranks hold them), merged in order: the same bits.
        const std::size_t split = 2 * kldiv::kl_estimates_chunk_size;
        auto head = options, tail = options;
        if (!options.mask.empty()) {
            head.mask = options.mask.first(split);
            tail.mask = options.mask.subspan(split);
        }
        if (!options.weights.empty()) {
            head.weights = options.weights.first(split);
            tail.weights = options.weights.subspan(split);
        }
        const std::span<const TestType> q(log_q), p(log_p);
        auto chunks = kldiv::kl_estimates_by_chunk(kldiv::parallel{2}, q.first(split), p.first(split), head);
        const auto rest = kldiv::kl_estimates_by_chunk(kldiv::parallel{3}, q.subspan(split), p.subspan(split), tail);
        chunks.insert(chunks.end(), rest.begin(), rest.end());
        REQUIRE(chunks.size() == 6);
        kldiv::kl_estimate_set merged;
        for (const auto& c : chunks) merged.merge(c);
        CHECK(same_bits(merged, serial));
        // And the policy-free call agrees to its stated 1e-12 relative.
        const auto plain = kldiv::kl_estimates(log_q, log_p, options);
        CHECK(plain.k3.count() == serial.k3.count());
        CHECK(std::abs(plain.k3.mean() - serial.k3.mean()) <= 1e-12 * std::abs(serial.k3.mean()));
        CHECK(std::abs(plain.k1.variance() - serial.k1.variance()) <= 1e-12 * std::abs(serial.k1.variance()));
        CHECK(plain.clamped == serial.clamped);
    }
}

TEMPLATE_TEST_CASE("kl_estimates: a call of one chunk is the serial path", "[parallel]", float, double) {
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{1} << 14,
                                kldiv::kl_estimates_chunk_size}) {
        std::vector<TestType> log_q, log_p;
        make_log_densities(n, log_q, log_p, 7);
        const auto plain = kldiv::kl_estimates(log_q, log_p);
        CHECK(same_bits(kldiv::kl_estimates(kldiv::par, log_q, log_p), plain));
        CHECK(same_bits(kldiv::kl_estimates(kldiv::seq, log_q, log_p), plain));
    }
}

TEST_CASE("kl_estimates with a policy: errors as without", "[parallel]") {
    const std::vector<double> q(10), p(11);
    CHECK_THROWS_AS(kldiv::kl_estimates(kldiv::par, q, p), kldiv::domain_error);
    kldiv::kl_estimate_options<double> options;
    options.clamp_log_ratio = -1.0;
    CHECK_THROWS_AS(kldiv::kl_estimates(kldiv::seq, q, q, options), kldiv::domain_error);
}

TEST_CASE("hardware_threads: at least one, one without OpenMP", "[parallel]") {
    CHECK(kldiv::hardware_threads() >= 1);
    if (!kldiv::parallel_engine_available()) CHECK(kldiv::hardware_threads() == 1);
}
