// kl_estimates: against a scalar reference on every instruction set, special values in every
// lane, chunking and merging, Schulman's closed forms, options (clamp, weights, mask), errors.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/running_stats.hpp"
#include "kldiv/estimators/kl_estimates.hpp"
#include "kldiv/random/engine.hpp"
#include "kldiv/random/normal.hpp"
#include "support/catch.hpp"
#include "support/estimate_contract.hpp"
#include "support/isa.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::available_isas;
using kldiv::test::quad;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// The obvious one-sample-at-a-time reference: core residuals and Welford updates.
template <class T>
kldiv::kl_estimate_set reference(const std::vector<T>& log_q, const std::vector<T>& log_p) {
    kldiv::kl_estimate_set s;
    for (std::size_t i = 0; i < log_q.size(); ++i) {
        const double l = double(log_p[i]) - double(log_q[i]);
        s.k1.push(-l);
        s.k2.push(0.5 * l * l);
        s.k3.push(kldiv::expm1mx(l));
        s.reverse.push(kldiv::rlogr_residual(l));
    }
    return s;
}

bool same_value(double a, double b, double relative) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (std::isinf(a) || std::isinf(b)) return a == b;
    return std::fabs(a - b) <= relative * std::max(std::fabs(a), std::fabs(b)) + 1e-300;
}

void check_close(const kldiv::running_stats& got, const kldiv::running_stats& want, double relative = 1e-12) {
    CHECK(got.count() == want.count());
    CHECK(same_value(got.mean(), want.mean(), relative));
    if (want.count() >= 2) CHECK(same_value(got.variance(), want.variance(), 1e3 * relative));
}

void check_close(const kldiv::kl_estimate_set& got, const kldiv::kl_estimate_set& want, double relative = 1e-12) {
    check_close(got.k1, want.k1, relative);
    check_close(got.k2, want.k2, relative);
    check_close(got.k3, want.k3, relative);
    check_close(got.reverse, want.reverse, relative);
}

/// Double input: within 1e-12 of the scalar reference. Float input: the statistic contract in
/// float units (support/estimate_contract.hpp) against quad.
template <class T>
void check_against_reference(const kldiv::kl_estimate_set& got, const std::vector<T>& log_q, const std::vector<T>& log_p) {
    if constexpr (std::is_same_v<T, float>)
        kldiv::test::check_contract(got, log_q, log_p);
    else
        check_close(got, reference(log_q, log_p));
}

}  // namespace

// Float input takes the float lanes (the statistic contract in float units); double input the
// double-word path (≤ 2 ulp per sample, within 1e-12 of the scalar reference).
TEMPLATE_TEST_CASE("kl_estimates matches the scalar reference on every instruction set, any length and alignment",
                   "[estimators][kl_estimates]", double, float) {
    using T = TestType;
    // Spread 2: most |ℓ| ≥ 1 (double input redoes whole blocks in the full-range residuals);
    // spread 0.2: |ℓ| < 1 but for a few samples (the cheap residuals, a few redone one by one).
    for (const double spread : {2.0, 0.2})
        for (const auto set : available_isas()) {
            std::mt19937_64 engine(12);
            std::normal_distribution<double> normal(0.0, spread);
            std::vector<T> storage_q(5200), storage_p(5200);
            for (auto& v : storage_q) v = static_cast<T>(normal(engine));
            for (auto& v : storage_p) v = static_cast<T>(normal(engine));
            kldiv::simd::limit_isa(set);
            INFO("instruction set " << kldiv::simd::name(set) << ", log-density spread " << spread);
            for (std::size_t offset : {0, 1, 3}) {  // misaligned starts
                for (std::size_t n :
                     {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 255, 256, 257, 1000, 2048, 2049, 5000}) {
                    const std::vector<T> q(storage_q.begin() + offset, storage_q.begin() + offset + n);
                    const std::vector<T> p(storage_p.begin() + offset, storage_p.begin() + offset + n);
                    const std::span<const T> q_span(storage_q.data() + offset, n), p_span(storage_p.data() + offset, n);
                    // Empty input: the checked call throws (tested below); the kernel gives count 0.
                    const auto got = n == 0 ? kldiv::unchecked::kl_estimates(q_span, p_span)
                                            : kldiv::kl_estimates(q_span, p_span);
                    INFO("n = " << n << ", offset " << offset);
                    check_against_reference(got, q, p);
                }
            }
        }
    kldiv::simd::limit_isa(kldiv::simd::isa::avx512);
}

TEMPLATE_TEST_CASE("special values in every lane position", "[estimators][kl_estimates]", double, float) {
    using T = TestType;
    using limits = std::numeric_limits<T>;
    const T specials[] = {T(0),
                          T(-0.0),
                          limits::infinity(),
                          -limits::infinity(),
                          limits::quiet_NaN(),
                          T(1000),
                          T(-1000),
                          limits::denorm_min(),
                          -limits::denorm_min(),
                          T(700),
                          T(-700),
                          T(1e-30),
                          T(80),
                          T(600)};
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const T special : specials) {
            for (std::size_t position = 0; position < 33; ++position) {
                std::vector<T> q(33, T(-1.0)), p(33, T(-1.25));
                p[position] = special;  // ℓ = special + 1 (or inf/NaN)
                q[position] = T(0);
                INFO(kldiv::simd::name(set) << ": log p = " << special << " at position " << position);
                check_against_reference(kldiv::kl_estimates(q, p), q, p);
            }
        }
    }
    kldiv::simd::limit_isa(kldiv::simd::isa::avx512);
}

TEST_CASE("k3 and the reverse estimator are never negative, whatever the log-ratio", "[estimators][kl_estimates]") {
    const std::vector<double> log_q{0, 0, 0, 0, 0, 0, 0, 0};
    const std::vector<double> log_p{1000, -1000, 1e-300, -1e-300, 3, -3, 709.9, -inf};
    for (double l : log_p) {
        const std::vector<double> one_q{0.0}, one_p{l};
        const auto e = kldiv::kl_estimates(one_q, one_p);
        CHECK(e.k3.mean() >= 0.0);
        CHECK(e.reverse.mean() >= 0.0);
    }
    const std::vector<double> q_minus_inf{0.0}, p_minus_inf{-inf};  // p = 0 at a sample of q
    const auto e = kldiv::kl_estimates(q_minus_inf, p_minus_inf);
    CHECK(e.k1.mean() == inf);
    CHECK(e.k3.mean() == inf);
    CHECK(e.reverse.mean() == 1.0);
    const std::vector<double> with_nan{std::nan("")};
    CHECK(std::isnan(kldiv::kl_estimates(q_minus_inf, with_nan).k3.mean()));
}

TEST_CASE("chunking and merging give the same statistics as one pass", "[estimators][kl_estimates]") {
    std::mt19937_64 engine(13);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> q(100003), p(100003);
    for (auto& v : q) v = normal(engine);
    for (auto& v : p) v = normal(engine);
    const auto whole = kldiv::kl_estimates(q, p);
    kldiv::kl_estimate_set merged;
    for (std::size_t start = 0; start < q.size(); start += 777) {
        const std::size_t n = std::min<std::size_t>(777, q.size() - start);
        merged.merge(kldiv::kl_estimates(std::span<const float>(q.data() + start, n),
                                         std::span<const float>(p.data() + start, n)));
    }
    kldiv::test::check_contract(merged, q, p);  // float input: the contract in float units
    kldiv::test::check_contract(whole, q, p);
}

TEST_CASE("Schulman's closed forms: q = N(0,1), p = N(mu,1)", "[estimators][kl_estimates][schulman]") {
    for (const double mu : {0.1, 1.0}) {
        kldiv::random_engine engine(2020 + static_cast<int>(mu * 10));
        const std::size_t n = 1000000;
        std::vector<double> log_q(n), log_p(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double x = kldiv::standard_normal(engine);
            log_q[i] = -0.5 * x * x;
            log_p[i] = -0.5 * (x - mu) * (x - mu);
        }
        const auto e = kldiv::kl_estimates(log_q, log_p);
        const double kl = mu * mu / 2, m2 = mu * mu;
        INFO("mu = " << mu);
        // Unbiased: within 5 standard errors of KL (both directions are μ²/2 here).
        CHECK(std::fabs(e.k1.mean() - kl) < 5 * e.k1.standard_error());
        CHECK(std::fabs(e.k3.mean() - kl) < 5 * e.k3.standard_error());
        CHECK(std::fabs(e.reverse.mean() - kl) < 5 * e.reverse.standard_error());
        // k2 is biased: E[½ℓ²] = ½(μ² + μ⁴/4), i.e. bias/KL = μ²/4.
        CHECK(std::fabs(e.k2.mean() - 0.5 * (m2 + m2 * m2 / 4)) < 5 * e.k2.standard_error());
        // Standard deviations against the closed forms of figures.md (2% at 10⁶ samples).
        CHECK(e.k1.stddev() / kl == Approx(2 / mu).epsilon(0.02));
        CHECK(e.k2.stddev() / kl == Approx(std::sqrt(2 + m2)).epsilon(0.02));
        CHECK(e.k3.stddev() / kl == Approx(2 * std::sqrt(std::expm1(m2) - m2) / m2).epsilon(0.02));
    }
}

TEST_CASE("options: clamp, importance weights, mask", "[estimators][kl_estimates][options]") {
    SECTION("a clamp limits ℓ and counts the clamped samples") {
        const std::vector<double> q{0, 0, 0, 0}, p{30, -30, 1, 25};
        kldiv::kl_estimate_options<double> options;
        options.clamp_log_ratio = 20.0;
        const auto e = kldiv::kl_estimates(q, p, options);
        CHECK(e.clamped == 3);
        const std::vector<double> p_clamped{20, -20, 1, 20};
        check_close(e, reference(q, p_clamped));
        CHECK(kldiv::kl_estimates(q, p).clamped == 0);
    }
    SECTION("a mask skips padding, whatever it holds") {
        const std::vector<double> q{0, 0, 0, 0, 0}, p{0.5, std::nan(""), -0.25, inf, 0.1};
        const std::vector<std::uint8_t> mask{1, 0, 1, 0, 1};
        kldiv::kl_estimate_options<double> options;
        options.mask = mask;
        const std::vector<double> q_kept{0, 0, 0}, p_kept{0.5, -0.25, 0.1};
        check_close(kldiv::kl_estimates(q, p, options), reference(q_kept, p_kept));
    }
    SECTION("importance weights make off-policy estimates unbiased") {
        // Target q = N(0,1), p = N(1,1); samples from the behaviour μ = N(0.5, 1); w = q/μ.
        kldiv::random_engine engine(77);
        const std::size_t n = 1000000;
        std::vector<double> log_q(n), log_p(n), w(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double x = 0.5 + kldiv::standard_normal(engine);
            log_q[i] = -0.5 * x * x;
            log_p[i] = -0.5 * (x - 1) * (x - 1);
            w[i] = std::exp(log_q[i] + 0.5 * (x - 0.5) * (x - 0.5));
        }
        kldiv::kl_estimate_options<double> options;
        options.weights = w;
        const auto e = kldiv::kl_estimates(log_q, log_p, options);
        CHECK(std::fabs(e.k3.mean() - 0.5) < 5 * e.k3.standard_error());
        CHECK(std::fabs(e.k1.mean() - 0.5) < 5 * e.k1.standard_error());
        CHECK(std::fabs(e.reverse.mean() - 0.5) < 5 * e.reverse.standard_error());
        const auto unweighted = kldiv::kl_estimates(log_q, log_p);
        CHECK(std::fabs(unweighted.k3.mean() - 0.5) > 10 * unweighted.k3.standard_error());  // biased without w
    }
}

// Every combination of options against a one-sample-at-a-time reference, float and double, on
// every instruction set, at lengths around the lane and block sizes, with garbage (NaN, ±inf,
// 1e30) in the log-probabilities and weights of masked samples.
TEMPLATE_TEST_CASE("options on every instruction set: mask, weights, clamp and their combinations",
                   "[estimators][kl_estimates][options]", double, float) {
    using T = TestType;
    struct combination {
        bool mask, weights;
        double clamp;  // 0 = none
    };
    const combination combinations[] = {{true, false, 0},    {false, true, 0}, {true, true, 0},
                                        {false, false, 0.5}, {true, false, 3}, {true, true, 0.5}};
    const T garbage[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                         -std::numeric_limits<T>::infinity(), T(1e30)};
    for (const double spread : {0.2, 2.0}) {
        std::mt19937_64 engine(31);
        std::normal_distribution<double> normal(0.0, spread);
        std::uniform_real_distribution<double> uniform(0.0, 2.0);
        const std::size_t size = 5200;
        std::vector<T> q(size), p(size), w(size);
        std::vector<std::uint8_t> mask(size);
        for (std::size_t i = 0; i < size; ++i) {
            q[i] = static_cast<T>(normal(engine));
            p[i] = static_cast<T>(normal(engine));
            w[i] = static_cast<T>(uniform(engine));
            mask[i] = (engine() % 8 == 0) ? 0 : 1;
            if (!mask[i]) {  // padding holds anything
                p[i] = garbage[engine() % 4];
                w[i] = garbage[engine() % 4];
            }
        }
        for (const auto set : available_isas()) {
            kldiv::simd::limit_isa(set);
            for (const auto& c : combinations) {
                for (std::size_t offset : {0, 1}) {
                    for (std::size_t n : {0, 1, 7, 16, 17, 33, 64, 255, 256, 257, 2049, 5000}) {
                        kldiv::kl_estimate_options<T> options;
                        if (c.mask) options.mask = std::span<const std::uint8_t>(mask.data() + offset, n);
                        if (c.weights) options.weights = std::span<const T>(w.data() + offset, n);
                        if (c.clamp > 0) options.clamp_log_ratio = c.clamp;
                        const std::span<const T> q_span(q.data() + offset, n), p_span(p.data() + offset, n);
                        // Empty input, and weights without the mask (the padding's NaN/±inf weights
                        // are then in use): the checked call throws (tested below and in
                        // hostile_input_tests); the kernel uses what it is given.
                        const bool invalid = n == 0 || (c.weights && !c.mask);
                        const auto got = invalid ? kldiv::unchecked::kl_estimates(q_span, p_span, options)
                                                 : kldiv::kl_estimates(q_span, p_span, options);
                        kldiv::kl_estimate_set want;
                        for (std::size_t k = offset; k < offset + n; ++k) {
                            if (c.mask && !mask[k]) continue;
                            double l = double(p[k]) - double(q[k]);
                            if (c.clamp > 0 && std::fabs(l) > c.clamp) {
                                ++want.clamped;
                                l = std::copysign(c.clamp, l);
                            }
                            const double weight = c.weights ? double(w[k]) : 1.0;
                            want.k1.push(-l * weight);
                            want.k2.push(0.5 * l * l * weight);
                            want.k3.push(kldiv::expm1mx(l) * weight);
                            want.reverse.push(kldiv::rlogr_residual(l) * weight);
                        }
                        INFO(kldiv::simd::name(set)
                             << ", spread " << spread << ", mask " << c.mask << ", weights " << c.weights << ", clamp "
                             << c.clamp << ", n = " << n << ", offset " << offset);
                        check_close(got, want);
                        CHECK(got.clamped == want.clamped);
                    }
                }
            }
        }
    }
    kldiv::simd::limit_isa(kldiv::simd::isa::avx512);
}

TEST_CASE("kl_estimates rejects mismatched inputs", "[estimators][kl_estimates][errors]") {
    const std::vector<double> a{0, 0}, b{0, 0, 0};
    CHECK_THROWS_WITH(kldiv::kl_estimates(a, b), Catch::Contains("different sizes (2 and 3)"));
    kldiv::kl_estimate_options<double> options;
    const std::vector<double> w{1.0};
    options.weights = w;
    CHECK_THROWS_WITH(kldiv::kl_estimates(a, a, options), Catch::Contains("weights"));
    kldiv::kl_estimate_options<double> bad_clamp;
    bad_clamp.clamp_log_ratio = -1.0;
    CHECK_THROWS_WITH(kldiv::kl_estimates(a, a, bad_clamp),
                      Catch::Contains("clamp_log_ratio must be positive, got -1"));
    const std::vector<double> empty;
    CHECK_THROWS_WITH(kldiv::kl_estimates(empty, empty), Catch::Contains("empty"));
    CHECK_THROWS_WITH(kldiv::kl_estimates(kldiv::seq, empty, empty), Catch::Contains("empty"));
    CHECK(kldiv::kl_estimates_by_chunk(kldiv::seq, empty, empty).empty());
    const std::vector<double> bad_weights{1.0, -0.5};
    kldiv::kl_estimate_options<double> negative;
    negative.weights = bad_weights;
    CHECK_THROWS_WITH(kldiv::kl_estimates(a, a, negative), Catch::Contains("weights[1] must be finite and >= 0, got -0.5"));
    CHECK_THROWS_WITH(kldiv::kl_estimates(kldiv::seq, a, a, negative), Catch::Contains("weights[1]"));
    CHECK_THROWS_WITH(kldiv::kl_estimates_by_chunk(kldiv::seq, a, a, negative),
                      Catch::Contains("kldiv::kl_estimates_by_chunk: weights[1]"));  // no samples, no chunks (an MPI rank's empty shard)
}

namespace {

/// |got − want| in units of a float ulp at want (2^(⌊log₂|want|⌋ − 23), also outside float's range).
double float_ulps(double got, quad want) {
    const double w = static_cast<double>(want);
    if (w == 0) return got == 0 ? 0 : inf;
    return static_cast<double>(fabsq(quad(got) - want)) / std::ldexp(1.0, std::ilogb(w) - 23);
}

/// The mean of 64 equal samples is the per-sample value itself: on the float lanes each lane's
/// four values add exactly (pairwise) and the groups' sums add exactly in double.
constexpr std::size_t equal_samples = 64;

}  // namespace

// One sample takes the scalar tail (double, ≤ 1e-13); 64 equal samples the float lanes where
// |ℓ| < 1 (φ ≤ 2.2 and ρ ≤ 2.6 float ulp at the float ℓ), the double lanes elsewhere.
TEST_CASE("float input: per-sample k3 and reverse values within 3 float ulp of quad, on every instruction set",
          "[estimators][kl_estimates][float]") {
    const kldiv::test::isa_guard guard;
    for (const auto set : available_isas())
        for (const std::size_t length : {std::size_t{1}, equal_samples}) {
            kldiv::simd::limit_isa(set);
            INFO(length << " equal samples");
            double worst = 0, worst_at = 0;
            for (double magnitude = 1e-30; magnitude < 88; magnitude *= 1.0137) {
                for (const double sign : {1.0, -1.0}) {
                    const float l = static_cast<float>(sign * magnitude);
                    const std::vector<float> q(length, 0.0f), p(length, l);
                    const auto e = kldiv::kl_estimates(q, p);
                    const quad x = l;
                    for (const double error : {float_ulps(e.k3.mean(), kldiv::test::ref_expm1mx(x)),
                                               float_ulps(e.reverse.mean(), kldiv::test::ref_rlogr_residual(x))})
                        if (error > worst) worst = error, worst_at = l;
                    if (length > 1) {  // equal samples: M2 = 0 exactly
                        CHECK(e.k3.variance() == 0.0);
                        CHECK(e.reverse.variance() == 0.0);
                    }
                }
            }
            INFO(kldiv::simd::name(set) << ": worst " << worst << " float ulp at " << worst_at);
            CHECK(worst <= (length == 1 ? 1e-5 : 3.0));
            WARN(kldiv::simd::name(set) << ", " << length << " samples: worst " << worst << " float ulp at " << worst_at);
        }
}

// log p − log q rounded to float: within 4 ulp of the exact ℓ's φ and ρ — with ρ, ℓ's rounding
// is put back to first order; k3 alone evaluates φ to ≤ 1.55 ulp and leaves ℓ's rounding (φ's
// condition number ≤ 2.4 on |ℓ| < 1).
TEST_CASE("float input: per-sample k3 and reverse values of inexact log-ratios within 4 float ulp, on every "
          "instruction set",
          "[estimators][kl_estimates][float]") {
    const kldiv::test::isa_guard guard;
    const long points = std::max(1000L, kldiv::test::random_points() / 10);
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        std::mt19937_64 engine(17);
        std::uniform_real_distribution<double> where(-6.0, 0.0), ratio(-1.0, 1.0);
        double worst = 0, worst_at = 0;
        for (long k = 0; k < points; ++k) {
            const float log_q = static_cast<float>(where(engine));
            const float log_p = static_cast<float>(log_q + ratio(engine));
            const std::vector<float> q(equal_samples, log_q), p(equal_samples, log_p);
            const auto e = kldiv::kl_estimates(q, p);  // φ and ρ, ℓ's rounding put back
            kldiv::kl_estimate_options<float> k3_alone;
            k3_alone.estimators = kldiv::kl_estimator::k3;
            const auto k3 = kldiv::kl_estimates(q, p, k3_alone);  // φ alone, ℓ² in two parts
            const quad x = quad(log_p) - quad(log_q);
            for (const double error : {float_ulps(e.k3.mean(), kldiv::test::ref_expm1mx(x)),
                                       float_ulps(e.reverse.mean(), kldiv::test::ref_rlogr_residual(x)),
                                       float_ulps(k3.k3.mean(), kldiv::test::ref_expm1mx(x))})
                if (error > worst) worst = error, worst_at = static_cast<double>(x);
        }
        INFO(kldiv::simd::name(set) << ": worst " << worst << " float ulp at " << worst_at);
        CHECK(worst <= 4.0);
        WARN(kldiv::simd::name(set) << ": " << points << " points, worst " << worst << " float ulp at " << worst_at);
    }
}

TEST_CASE("double input: per-sample k3 and reverse values within 2 ulp of quad, on every instruction set",
          "[estimators][kl_estimates]") {
    // One or two equal samples: the mean is then the per-sample value exactly, so this measures
    // the residuals the kernel uses (cheap below |ℓ| = 1, full-range above) through the public API.
    for (const auto set : available_isas())
        for (const std::size_t length : {std::size_t{1}, std::size_t{2}}) {
            kldiv::simd::limit_isa(set);
            double worst = 0, worst_at = 0;
            for (double magnitude = 1e-300; magnitude < 700; magnitude *= 1.0137) {
                for (const double sign : {1.0, -1.0}) {
                    const double l = sign * magnitude;
                    const std::vector<double> q(length, 0.0), p(length, l);
                    const auto e = kldiv::kl_estimates(q, p);
                    const double k3 = kldiv::test::ulp_error<double>(e.k3.mean(), kldiv::test::ref_expm1mx(l));
                    const double reverse =
                        kldiv::test::ulp_error<double>(e.reverse.mean(), kldiv::test::ref_rlogr_residual(l));
                    if (std::max(k3, reverse) > worst) worst = std::max(k3, reverse), worst_at = l;
                }
            }
            INFO(kldiv::simd::name(set) << ", " << length << " samples: worst " << worst << " ulp at " << worst_at);
            CHECK(worst <= 2.0);
        }
    kldiv::simd::limit_isa(kldiv::simd::isa::avx512);
}

TEMPLATE_TEST_CASE("estimator subsets: what is asked for equals the all-four run, the rest stays empty",
                   "[estimators][kl_estimates][subsets]", double, float) {
    using T = TestType;
    using kldiv::kl_estimator;
    const kldiv::test::isa_guard guard;
    kldiv::random_engine engine(31);
    // Mostly |ℓ| < 1 (the fast paths), a few wide values (the full-range paths), lengths around
    // the lane and block sizes, and with/without a mask (the subsets' own kernels, then the
    // options' all-four kernel).
    const std::vector<kldiv::kl_estimator_set> subsets{
        kl_estimator::k3, kl_estimator::k1 | kl_estimator::k3, kl_estimator::k3 | kl_estimator::reverse,
        kl_estimator::k2 | kl_estimator::reverse, kl_estimator::k1, kldiv::kl_estimator_set::all()};
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const std::size_t n : {1u, 7u, 255u, 257u, 2047u, 2049u, 5000u}) {
            std::vector<T> log_q(n), log_p(n);
            std::vector<std::uint8_t> mask(n);
            for (std::size_t i = 0; i < n; ++i) {
                const double spread = (i % 97 == 5) ? 3.0 : 0.3;
                log_q[i] = static_cast<T>(-1.0 + 0.1 * kldiv::standard_normal(engine));
                log_p[i] = static_cast<T>(static_cast<double>(log_q[i]) + spread * kldiv::standard_normal(engine));
                mask[i] = (i % 5 != 3);
            }
            for (const bool masked : {false, true}) {
                kldiv::kl_estimate_options<T> all_options, options;
                if (masked) all_options.mask = options.mask = mask;
                const auto all = kldiv::kl_estimates(log_q, log_p, all_options);
                const kldiv::running_stats* all_fields[4] = {&all.k1, &all.k2, &all.k3, &all.reverse};
                for (const auto subset : subsets) {
                    options.estimators = subset;
                    const auto some = kldiv::kl_estimates(log_q, log_p, options);
                    const kldiv::running_stats* fields[4] = {&some.k1, &some.k2, &some.k3, &some.reverse};
                    for (unsigned s = 0; s < 4; ++s) {
                        INFO(kldiv::simd::name(set) << ", n = " << n << (masked ? ", masked" : "") << ", subset bits "
                                                    << subset.bits() << ", statistic " << s);
                        if (subset.contains(static_cast<kl_estimator>(s))) {
                            CHECK(fields[s]->count() == all_fields[s]->count());
                            // Float input in float lanes: k3 without ρ carries ℓ² in two parts, with ρ
                            // it corrects ℓ's rounding; both within the contract (32u of each other).
                            const double close = std::is_same_v<T, float> ? 4e-6 : 1e-15;
                            CHECK(fields[s]->mean() == Approx(all_fields[s]->mean()).epsilon(close).margin(1e-300));
                            if (n > 1)
                                CHECK(fields[s]->variance() ==
                                      Approx(all_fields[s]->variance()).epsilon(10 * close).margin(1e-300));
                        } else {
                            CHECK(fields[s]->count() == 0);
                        }
                    }
                }
            }
        }
    }
}

TEST_CASE("estimator sets: one converts, | combines, empty is rejected", "[estimators][kl_estimates][subsets]") {
    using kldiv::kl_estimator;
    kldiv::kl_estimate_options<double> options;
    CHECK(options.estimators == kldiv::kl_estimator_set::all());
    options.estimators = kl_estimator::k3;
    CHECK(options.estimators.contains(kl_estimator::k3));
    CHECK_FALSE(options.estimators.contains(kl_estimator::k1));
    options.estimators = kl_estimator::k1 | kl_estimator::k3;
    CHECK(options.estimators.bits() == 5u);
    options.estimators = options.estimators | kl_estimator::reverse;
    CHECK(options.estimators.contains(kl_estimator::reverse));
    options.estimators = kldiv::kl_estimator_set{};
    const std::vector<double> x{0.1, 0.2};
    CHECK_THROWS_WITH(kldiv::kl_estimates(x, x, options), Catch::Contains("kl_estimates: options.estimators names no estimator"));
}

namespace {

/// The estimator sets the plain path has a kernel of its own for (kl_estimate_options::estimators).
const std::vector<kldiv::kl_estimator_set> kernel_subsets{
    kldiv::kl_estimator::k3, kldiv::kl_estimator::k1 | kldiv::kl_estimator::k3,
    kldiv::kl_estimator::k3 | kldiv::kl_estimator::reverse, kldiv::kl_estimator_set::all()};

/// Lengths around the lanes (4 … 16), the float lanes' groups (32, 64) and the blocks (256 double,
/// 2048 float samples).
const std::size_t lane_and_block_lengths[] = {1,  2,  3,  4,  5,  7,  8,   9,   15,  16,   17,   31,
                                              32, 33, 63, 64, 65, 255, 256, 257, 2047, 2048, 2049};

/// Every position up to 65 (every lane of the first group of four registers, also at 16 lanes),
/// the last 17 (the ragged end), the block boundaries and the middle.
std::vector<std::size_t> lane_positions(std::size_t n) {
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < n; ++i)
        if (i < 65 || i + 17 >= n || i == 255 || i == 256 || i == n / 2) positions.push_back(i);
    return positions;
}

/// check_contract (support/estimate_contract.hpp) for terms taking the value x0 n0 times and x1 n1
/// times, in O(1) in quad: the sweeps below make ~10⁵ calls of up to 2049 samples.
template <class T>
void check_two_valued_contract(const kldiv::running_stats& got, std::size_t n0, quad x0, std::size_t n1 = 0,
                               quad x1 = 0) {
    CHECK(got.count() == n0 + n1);
    const quad a = quad(double(n0)), b = quad(double(n1)), n = a + b;
    const quad mean = (a * x0 + b * x1) / n;
    const quad m2 = a * (x0 - mean) * (x0 - mean) + b * (x1 - mean) * (x1 - mean);
    const quad mean_abs = (a * fabsq(x0) + b * fabsq(x1)) / n, squares = a * x0 * x0 + b * x1 * x1;
    const double u = std::numeric_limits<T>::epsilon() / 2, e = 8 * u;
    INFO("mean " << got.mean() << " against " << double(mean));
    CHECK(std::fabs(got.mean() - double(mean)) <= 16 * u * double(mean_abs) + 1e-300);
    if (n0 + n1 < 2) return;
    const double got_m2 = got.variance() * double(n - 1);
    const double bound =
        16 * u * double(m2) + 2 * e * std::sqrt(double(squares * m2)) + e * e * double(squares) + 1e-300;
    INFO("M2 " << got_m2 << " against " << double(m2));
    CHECK(std::fabs(got_m2 - double(m2)) <= bound);
}

/// The exact terms of ℓ = −0.25 (log q = −1, log p = −1.25 in float and double): k1, k2, k3, reverse.
std::array<quad, 4> background_terms() {
    const quad l = quad(-0.25);
    return {-l, l * l / 2, kldiv::test::ref_expm1mx(l), kldiv::test::ref_rlogr_residual(l)};
}

}  // namespace

// The documented rules (kl_estimates, running_stats) in each estimator set with a kernel of its
// own: NaN ℓ makes every statistic asked for NaN; ℓ = +inf gives k1 = −inf, k2 = k3 = reverse = +inf;
// ℓ = −inf gives k1 = k2 = k3 = +inf and a reverse term of 1; an infinite mean has a NaN variance.
// The statistics not asked for stay empty. One special sample among n − 1 with ℓ = −0.25.
TEMPLATE_TEST_CASE("special values in every lane position, in each estimator set with a kernel of its own",
                   "[estimators][kl_estimates][subsets]", double, float) {
    using T = TestType;
    using limits = std::numeric_limits<T>;
    const kldiv::test::isa_guard guard;
    const T nan = limits::quiet_NaN(), infinity = limits::infinity();
    struct special {
        T log_q, log_p;
        double l;
    };
    const special specials[] = {{T(0), nan, std::nan("")}, {nan, T(0), std::nan("")}, {T(0), infinity, inf},
                                {T(0), -infinity, -inf},   {infinity, T(0), -inf},     {-infinity, T(0), inf}};
    const auto x0 = background_terms();
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const auto subset : kernel_subsets)
            for (const special& s : specials)
                for (const std::size_t n : lane_and_block_lengths) {
                    std::vector<T> q(n, T(-1)), p(n, T(-1.25));
                    for (const std::size_t position : lane_positions(n)) {
                        q[position] = s.log_q, p[position] = s.log_p;
                        kldiv::kl_estimate_options<T> options;
                        options.estimators = subset;
                        const auto got = kldiv::kl_estimates(q, p, options);
                        q[position] = T(-1), p[position] = T(-1.25);
                        INFO(kldiv::simd::name(set) << ", estimator bits " << subset.bits() << ", n = " << n
                                                    << ": log q = " << s.log_q << ", log p = " << s.log_p
                                                    << " at position " << position);
                        const kldiv::running_stats* fields[4] = {&got.k1, &got.k2, &got.k3, &got.reverse};
                        // Each statistic's mean for this ℓ (the reverse term 1 at ℓ = −inf: finite).
                        const double means[4] = {-s.l, inf, inf, s.l > 0 ? inf : 1.0};
                        for (unsigned k = 0; k < 4; ++k) {
                            INFO("statistic " << k << ": mean " << fields[k]->mean() << ", variance "
                                              << fields[k]->variance());
                            if (!subset.contains(static_cast<kldiv::kl_estimator>(k))) {
                                CHECK(fields[k]->count() == 0);
                            } else if (std::isnan(s.l)) {
                                CHECK(fields[k]->count() == n);
                                CHECK(std::isnan(fields[k]->mean()));
                                if (n >= 2) CHECK(std::isnan(fields[k]->variance()));
                            } else if (std::isinf(means[k])) {
                                CHECK(fields[k]->count() == n);
                                CHECK(fields[k]->mean() == means[k]);
                                if (n >= 2) CHECK(std::isnan(fields[k]->variance()));
                            } else {
                                check_two_valued_contract<T>(*fields[k], n - 1, x0[k], 1, quad(1));
                            }
                        }
                        CHECK(got.clamped == 0);
                    }
                }
    }
}

// A mask sends every estimator set to the options kernel, which must clear padding before any
// arithmetic: NaN and ±inf in log q, log p and the weights of masked samples change nothing.
// Unmasked samples all have ℓ = −0.25 (weight ½: exact products), so the exact statistics are
// those of one repeated term; a single sample masked in every lane position, then every third.
TEMPLATE_TEST_CASE("masked padding holding NaN or inf is never read, in each estimator set",
                   "[estimators][kl_estimates][subsets][options]", double, float) {
    using T = TestType;
    using limits = std::numeric_limits<T>;
    const kldiv::test::isa_guard guard;
    const T garbage[] = {limits::quiet_NaN(), limits::infinity(), -limits::infinity(), T(1e30)};
    const auto x0 = background_terms();
    for (const auto set : available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const auto subset : kernel_subsets)
            for (const bool weighted : {false, true})
                for (const std::size_t n : lane_and_block_lengths) {
                    std::vector<T> q(n, T(-1)), p(n, T(-1.25)), w(n, T(0.5));
                    std::vector<std::uint8_t> mask(n, 1);
                    const auto check = [&](const char* what, std::size_t position) {
                        kldiv::kl_estimate_options<T> options;
                        options.estimators = subset;
                        options.mask = mask;
                        if (weighted) options.weights = w;
                        const auto got = kldiv::kl_estimates(q, p, options);
                        const std::size_t kept = static_cast<std::size_t>(std::count(mask.begin(), mask.end(), 1));
                        INFO(kldiv::simd::name(set) << ", estimator bits " << subset.bits() << ", n = " << n
                                                    << (weighted ? ", weighted" : "") << ": " << what << " "
                                                    << position << ", " << kept << " kept");
                        const kldiv::running_stats* fields[4] = {&got.k1, &got.k2, &got.k3, &got.reverse};
                        for (unsigned k = 0; k < 4; ++k) {
                            INFO("statistic " << k << ": mean " << fields[k]->mean());
                            if (!subset.contains(static_cast<kldiv::kl_estimator>(k))) {
                                CHECK(fields[k]->count() == 0);
                            } else if (kept == 0) {  // all masked: count 0, NaN mean (documented)
                                CHECK(fields[k]->count() == 0);
                                CHECK(std::isnan(fields[k]->mean()));
                            } else {
                                check_two_valued_contract<T>(*fields[k], kept, weighted ? x0[k] / 2 : x0[k]);
                            }
                        }
                    };
                    const auto pad = [&](std::size_t i) {
                        mask[i] = 0;
                        p[i] = garbage[i % 4], q[i] = garbage[(i + 1) % 4], w[i] = garbage[(i + 2) % 4];
                    };
                    const auto unpad = [&](std::size_t i) {
                        mask[i] = 1, q[i] = T(-1), p[i] = T(-1.25), w[i] = T(0.5);
                    };
                    for (const std::size_t position : lane_positions(n)) {
                        pad(position);
                        check("padding at", position);
                        unpad(position);
                    }
                    for (std::size_t i = 1; i < n; i += 3) pad(i);
                    check("padding every third sample from", 1);
                }
    }
}
