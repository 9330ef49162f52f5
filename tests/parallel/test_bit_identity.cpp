// Execution policies: every policy entry point gives the same bits for kldiv::seq and 1, 2, 3,
// 64 threads (on whatever cores the machine has), float and double, with and without options.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "kldiv/core/execution.hpp"
#include "kldiv/discrete/js_divergence.hpp"
#include "kldiv/discrete/topk.hpp"
#include "kldiv/estimators/kl_estimates.hpp"
#include "kldiv/random/engine.hpp"
#include "kldiv/random/normal.hpp"
#include "support/catch.hpp"
#include "support/same_bits.hpp"

namespace {

using kldiv::test::same_bits;

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
    for (const std::size_t n : {std::size_t{1}, std::size_t{1000}, std::size_t{1} << 14,
                                kldiv::kl_estimates_chunk_size}) {  // n = 0 throws: below
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
    const std::vector<double> empty;  // no samples: no estimate, for every policy
    CHECK_THROWS_AS(kldiv::kl_estimates(kldiv::par, empty, empty), kldiv::domain_error);
    CHECK_THROWS_AS(kldiv::kl_estimates(kldiv::seq, empty, empty), kldiv::domain_error);
}

TEST_CASE("hardware_threads: at least one, one without OpenMP", "[parallel]") {
    CHECK(kldiv::hardware_threads() >= 1);
    if (!kldiv::parallel_engine_available()) CHECK(kldiv::hardware_threads() == 1);
}

#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/measures.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/parallel_sample.hpp"
#include "kldiv/distributions/uniform.hpp"
#include "kldiv/divergence/monte_carlo.hpp"
#include "kldiv/estimators/f_divergence.hpp"

namespace {

template <class T>
std::vector<T> probability_vector(std::size_t n, std::uint64_t seed, bool zeros) {
    kldiv::random_engine engine(seed);
    std::vector<double> w(n);
    double total = 0;
    for (auto& x : w) total += (x = (double(engine() >> 11) * 0x1p-53) * (zeros && engine() % 17 == 0 ? 0.0 : 1.0));
    std::vector<T> p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<T>(w[i] / total);
    return p;
}

}  // namespace

TEMPLATE_TEST_CASE("entropy, cross_entropy, kl_divergence of vectors: the same bits for every policy", "[parallel]",
                   float, double) {
    const std::size_t n = 4 * kldiv::probability_chunk_size + 777;
    const auto p = probability_vector<TestType>(n, 1, true);
    const auto q = probability_vector<TestType>(n, 2, false);
    const auto h = kldiv::entropy(kldiv::seq, p);
    const auto x = kldiv::cross_entropy(kldiv::seq, p, q, kldiv::bits);
    const auto kl = kldiv::kl_divergence(kldiv::seq, p, q);
    REQUIRE(std::isfinite(double(x)));
    REQUIRE(std::isfinite(double(kl)));
    for (const auto& policy : thread_counts) {
        INFO("threads " << policy.threads);
        CHECK(same_bits(double(kldiv::entropy(policy, p)), double(h)));
        CHECK(same_bits(double(kldiv::cross_entropy(policy, p, q, kldiv::bits)), double(x)));
        CHECK(same_bits(double(kldiv::kl_divergence(policy, p, q)), double(kl)));
    }
    // Within the policy-free functions' accuracy (a few ulp: same kernels, other grouping).
    const double tolerance = std::is_same_v<TestType, float> ? 4e-7 : 4e-15;
    CHECK(std::abs(double(h) - double(kldiv::entropy(p))) <= tolerance * double(h));
    CHECK(std::abs(double(x) - double(kldiv::cross_entropy(p, q, kldiv::bits))) <= tolerance * double(x));
    CHECK(std::abs(double(kl) - double(kldiv::kl_divergence(p, q))) <= tolerance * double(kl));
    // Errors as without a policy.
    auto bad = p;
    bad[n - 3] = -bad[n - 3];
    CHECK_THROWS_WITH(kldiv::entropy(kldiv::par, bad), Catch::Contains("is negative"));
    CHECK_THROWS_WITH(kldiv::kl_divergence(kldiv::par, p, bad), Catch::Contains("q["));
    CHECK_THROWS_AS(kldiv::cross_entropy(kldiv::par, p, std::vector<TestType>(n - 1)), kldiv::domain_error);
}

TEMPLATE_TEST_CASE("kl_divergence_rows, entropy_rows: the policy-free bits for every policy", "[parallel]", float,
                   double) {
    const std::size_t rows = 37, vocabulary = 1000;
    std::vector<TestType> p(rows * vocabulary), q(rows * vocabulary);
    kldiv::random_engine engine(3);
    for (std::size_t i = 0; i < p.size(); ++i) {
        p[i] = static_cast<TestType>(4 * kldiv::standard_normal(engine));
        q[i] = static_cast<TestType>(p[i] + 0.5 * kldiv::standard_normal(engine));
    }
    std::vector<TestType> kl(rows), h(rows), out(rows);
    kldiv::kl_divergence_rows(p, q, vocabulary, kl);
    kldiv::entropy_rows(p, vocabulary, h);
    const auto same = [](const std::vector<TestType>& a, const std::vector<TestType>& b) {
        return std::memcmp(a.data(), b.data(), a.size() * sizeof(TestType)) == 0;
    };
    for (const auto& policy : thread_counts) {
        INFO("threads " << policy.threads);
        kldiv::kl_divergence_rows(policy, p, q, vocabulary, out, kldiv::nats);
        CHECK(same(out, kl));
        kldiv::entropy_rows(policy, p, vocabulary, std::span<TestType>(out));
        CHECK(same(out, h));
    }
    kldiv::kl_divergence_rows(kldiv::seq, p, q, vocabulary, out);
    CHECK(same(out, kl));
    auto bad = q;
    bad[20 * vocabulary + 5] = std::numeric_limits<TestType>::quiet_NaN();
    bad[30 * vocabulary + 5] = std::numeric_limits<TestType>::quiet_NaN();
    CHECK_THROWS_WITH(kldiv::kl_divergence_rows(kldiv::par, p, bad, vocabulary, out),
                      Catch::Contains("q logits row 20[5] is NaN"));
    CHECK_THROWS_WITH(kldiv::entropy_rows(kldiv::par, p, 999, out), Catch::Contains("not a multiple"));
}

TEMPLATE_TEST_CASE("JSD_β, scaled JSD and top-k rows: the same bits for every policy, the policy-free values",
                   "[parallel]", float, double) {
    const std::size_t rows = 37, vocabulary = 1000, k = 16;
    std::vector<TestType> p(rows * vocabulary), q(rows * vocabulary);
    kldiv::random_engine engine(5);
    for (std::size_t i = 0; i < p.size(); ++i) {
        p[i] = static_cast<TestType>(3 * kldiv::standard_normal(engine));
        q[i] = static_cast<TestType>(p[i] + 0.5 * kldiv::standard_normal(engine));
    }
    // A sparse teacher: each row's first k outcomes with log-probs of a k + tail distribution.
    std::vector<std::int32_t> indices(rows * k);
    std::vector<TestType> log_probs(rows * k);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t j = 0; j < k; ++j) {
            indices[r * k + j] = static_cast<std::int32_t>((j * 61 + r) % vocabulary);
            log_probs[r * k + j] = static_cast<TestType>(std::log(0.9 / double(k)) + 0.01 * double(j));
        }
    std::vector<std::uint8_t> mask(rows, 1);
    mask[4] = mask[17] = 0;
    const std::span<const TestType> ps(p), qs(q), lps(log_probs);
    const std::span<const std::int32_t> is(indices);
    const auto same = [](const std::vector<TestType>& a, const std::vector<TestType>& b) {
        return std::memcmp(a.data(), b.data(), a.size() * sizeof(TestType)) == 0;
    };
    for (const auto reduction : {kldiv::row_reduction::none, kldiv::row_reduction::mean}) {
        kldiv::row_options options;
        options.beta = 0.3;
        options.temperature = 1.5;
        options.mask = mask;
        options.reduction = reduction;
        const std::size_t outputs = reduction == kldiv::row_reduction::none ? rows : 1;
        std::vector<TestType> js(outputs), scaled(outputs), dense(outputs), sparse(outputs), out(outputs);
        // The policy-free values, and the kldiv::seq bits every other policy must repeat.
        kldiv::js_divergence_rows(ps, qs, vocabulary, std::span<TestType>(js), options);
        kldiv::scaled_js_divergence_rows(ps, qs, vocabulary, std::span<TestType>(scaled), options);
        kldiv::kl_divergence_topk_rows(ps, qs, vocabulary, k, kldiv::topk_support::union_of_both,
                                       std::span<TestType>(dense), options);
        kldiv::kl_divergence_topk_rows(is, lps, k, qs, vocabulary, std::span<TestType>(sparse), options);
        std::vector<TestType> js_seq(outputs), scaled_seq(outputs), dense_seq(outputs), sparse_seq(outputs);
        kldiv::js_divergence_rows(kldiv::seq, p, q, vocabulary, js_seq, options);
        kldiv::scaled_js_divergence_rows(kldiv::seq, p, q, vocabulary, scaled_seq, options);
        kldiv::kl_divergence_topk_rows(kldiv::seq, ps, qs, vocabulary, k, kldiv::topk_support::union_of_both,
                                       std::span<TestType>(dense_seq), options);
        kldiv::kl_divergence_topk_rows(kldiv::seq, is, lps, k, qs, vocabulary, std::span<TestType>(sparse_seq), options);
        const auto close = [&](const std::vector<TestType>& got, const std::vector<TestType>& want) {
            for (std::size_t i = 0; i < got.size(); ++i) {
                if (reduction == kldiv::row_reduction::none && !mask[i]) {
                    if (!std::isnan(got[i])) return false;
                    continue;
                }
                const double tolerance = reduction == kldiv::row_reduction::none ? 0.0 : 1e-6;
                if (!(std::fabs(double(got[i]) - double(want[i])) <= tolerance * std::fabs(double(want[i]))))
                    return false;
            }
            return true;
        };
        INFO("reduction " << static_cast<int>(reduction));
        CHECK(close(js_seq, js));
        CHECK(close(scaled_seq, scaled));
        CHECK(close(dense_seq, dense));
        CHECK(close(sparse_seq, sparse));
        for (const auto& policy : thread_counts) {
            INFO("threads " << policy.threads);
            kldiv::js_divergence_rows(policy, p, q, vocabulary, out, options);
            CHECK(same(out, js_seq));
            kldiv::scaled_js_divergence_rows(policy, p, q, vocabulary, out, options);
            CHECK(same(out, scaled_seq));
            kldiv::kl_divergence_topk_rows(policy, ps, qs, vocabulary, k, kldiv::topk_support::union_of_both,
                                           std::span<TestType>(out), options);
            CHECK(same(out, dense_seq));
            kldiv::kl_divergence_topk_rows(policy, is, lps, k, qs, vocabulary, std::span<TestType>(out), options);
            CHECK(same(out, sparse_seq));
        }
    }
    // Errors as without a policy, and nothing written.
    auto bad = q;
    bad[20 * vocabulary + 5] = std::numeric_limits<TestType>::quiet_NaN();
    std::vector<TestType> out(rows, TestType(-1));
    CHECK_THROWS_WITH(kldiv::js_divergence_rows(kldiv::par, p, bad, vocabulary, out),
                      Catch::Contains("q logits row 20[5] is NaN"));
    CHECK(out[0] == TestType(-1));
    kldiv::row_options beta_out;
    beta_out.beta = 1.5;
    CHECK_THROWS_WITH(kldiv::scaled_js_divergence_rows(kldiv::par, p, q, vocabulary, out, beta_out),
                      Catch::Contains("beta"));
    CHECK_THROWS_WITH(kldiv::kl_divergence_topk_rows(kldiv::par, ps, std::span<const TestType>(bad), vocabulary, k,
                                                     kldiv::topk_support::teacher, std::span<TestType>(out)),
                      Catch::Contains("q logits row 20[5] is NaN"));
    auto repeated = indices;
    repeated[3 * k + 1] = repeated[3 * k];
    CHECK_THROWS_WITH(kldiv::kl_divergence_topk_rows(kldiv::par, std::span<const std::int32_t>(repeated), lps, k, qs,
                                                     vocabulary, std::span<TestType>(out)),
                      Catch::Contains("p indices row 3 repeat"));
    CHECK(out[0] == TestType(-1));
}

TEST_CASE("Monte Carlo fallback: the same estimate for a seed whatever the thread count", "[parallel]") {
    const kldiv::normal<double> p(0.0, 1.0), q(0.5, 1.5);
    const kldiv::monte_carlo options{3 * kldiv::monte_carlo_chunk_size + 100};
    kldiv::random_engine seed_engine(2024);
    const auto serial = kldiv::kl_divergence(kldiv::seq, p, q, options, seed_engine);
    for (const auto& policy : thread_counts) {
        kldiv::random_engine engine(2024);
        const auto e = kldiv::kl_divergence(policy, p, q, options, engine);
        CHECK(same_bits(e.value, serial.value));
        CHECK(same_bits(e.standard_error, serial.standard_error));
        CHECK(engine == seed_engine);  // four draws taken from the caller's engine, whatever the policy
    }
    // The closed form log(σ_q/σ_p) + (σ_p² + Δμ²)/(2σ_q²) − ½ within 5 standard errors.
    const double exact = std::log(1.5) + (1.0 + 0.25) / (2 * 2.25) - 0.5;
    CHECK(std::abs(serial.value - exact) <= 5 * serial.standard_error);
    std::mt19937 mt(5);
    CHECK_THROWS_AS(kldiv::kl_divergence(kldiv::par, p, q, kldiv::monte_carlo{1}, mt), kldiv::domain_error);
}

TEST_CASE("f-divergence estimator: the same bits for every policy", "[parallel]") {
    const std::size_t n = 3 * kldiv::kl_estimates_chunk_size + 5;
    std::vector<double> log_q, log_p;
    make_log_densities(n, log_q, log_p, 9);
    const kldiv::f_divergence_estimator<kldiv::f_divergences::squared_hellinger> estimator{};
    const auto serial = estimator.estimate(kldiv::seq, log_q, log_p);
    for (const auto& policy : thread_counts) CHECK(same_bits(estimator.estimate(policy, log_q, log_p), serial));
    const auto plain = estimator.estimate(log_q, log_p);
    CHECK(plain.count() == serial.count());
    CHECK(std::abs(plain.mean() - serial.mean()) <= 1e-13 * serial.mean());
}

TEST_CASE("sample(policy, d, seed, out): the same values whatever the thread count", "[parallel]") {
    const kldiv::normal<double> d(1.0, 2.0);
    std::vector<double> a(2 * kldiv::sample_chunk_size + 17), b(a.size());
    kldiv::sample(kldiv::seq, d, 77, std::span<double>(a));
    for (const auto& policy : thread_counts) {
        std::fill(b.begin(), b.end(), 0.0);
        kldiv::sample(policy, d, 77, std::span<double>(b));
        CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
    }
    // Chunk 1 is the stream random_engine(77, 1), drawn in order.
    kldiv::random_engine stream(77, 1);
    for (std::size_t i = 0; i < 10; ++i) CHECK(same_bits(a[kldiv::sample_chunk_size + i], kldiv::sample(d, stream)));
}
