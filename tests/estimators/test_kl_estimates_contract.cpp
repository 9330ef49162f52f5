// The statistic contract of kl_estimates in the input type's units (docs/accuracy.md), against
// __float128: means within 16·u·mean|x|, M2 within 16·u·Σ(x − x̄)² plus what per-sample errors of
// 4 ulp do to any M2 — on inputs that stress it: 2²⁶ samples, constant ℓ, |ℓ| from 1e-30 to 700,
// mixed-sign k1 with mean 0, every estimator subset and option, every instruction set, lengths
// around the lane and block sizes, misaligned starts.
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kldiv/estimators/kl_estimates.hpp"
#include "support/catch.hpp"
#include "support/estimate_contract.hpp"
#include "support/isa.hpp"

using kldiv::kl_estimator;
using kldiv::test::check_contract;
using kldiv::test::exact_terms;
using kldiv::test::quad;

namespace {

const std::vector<kldiv::kl_estimator_set> subsets{kl_estimator::k3,
                                                   kl_estimator::k1 | kl_estimator::k3,
                                                   kl_estimator::k3 | kl_estimator::reverse,
                                                   kl_estimator::k2 | kl_estimator::reverse,
                                                   kl_estimator::k1,
                                                   kldiv::kl_estimator_set::all()};

/// Checks the statistics a subset asks for against the terms; the others must stay empty.
template <class T>
void check_subset(const kldiv::kl_estimate_set& got, const exact_terms& terms, kldiv::kl_estimator_set wanted) {
    const std::pair<kl_estimator, std::pair<const kldiv::running_stats*, const std::vector<quad>*>> parts[] = {
        {kl_estimator::k1, {&got.k1, &terms.k1}},
        {kl_estimator::k2, {&got.k2, &terms.k2}},
        {kl_estimator::k3, {&got.k3, &terms.k3}},
        {kl_estimator::reverse, {&got.reverse, &terms.reverse}}};
    for (const auto& [estimator, part] : parts) {
        if (wanted.contains(estimator))
            check_contract<T>(*part.first, *part.second);
        else
            CHECK(part.first->count() == 0);
    }
}

/// log q and log p (4200 each) whose log-ratios span the ranges each path takes: tiny (the double
/// lanes below 2⁻⁴⁸), the float lanes' |ℓ| < 1, exact zeros, and up to 700 of both signs, mixed in
/// one array and also in runs (whole groups of one kind).
template <class T>
std::pair<std::vector<T>, std::vector<T>> wide_log_ratios() {
    std::mt19937_64 engine(41);
    std::vector<T> log_q(4200), log_p(4200);
    std::uniform_real_distribution<double> exponent(-30.0, std::log10(700.0)), base(-5.0, 0.0);
    for (std::size_t i = 0; i < log_q.size(); ++i) {
        const double sign = (engine() & 1) ? 1.0 : -1.0;
        const std::size_t run = (i / 300) % 4;  // 0: mixed; 1: |ℓ| < 1; 2: tiny; 3: exact zeros and |ℓ| < 1
        double l = sign * std::pow(10.0, exponent(engine));
        if (run == 1 || run == 3) l = sign * std::uniform_real_distribution<double>(0.0, 0.999)(engine);
        if (run == 2) l = sign * std::pow(10.0, std::uniform_real_distribution<double>(-30.0, -12.0)(engine));
        if (run == 3 && engine() % 3 == 0) l = 0;
        log_q[i] = static_cast<T>(base(engine));
        log_p[i] = static_cast<T>(static_cast<double>(log_q[i]) + l);
        if (std::fabs(l) < 1e-6) log_q[i] = T(0), log_p[i] = static_cast<T>(l);  // keep tiny ℓ exact
    }
    return {std::move(log_q), std::move(log_p)};
}

/// Lengths around the lanes, the float lanes' groups (32, 64) and the blocks (256 double, 2048
/// float samples); 4100 with misaligned starts still fits wide_log_ratios' 4200.
const std::size_t contract_lengths[] = {1, 7, 8, 31, 32, 33, 63, 64, 65, 255, 256, 257, 2047, 2048, 2049, 4100};

/// The contract for every subset on every instruction set, for each length at offsets 0, 1 and 5
/// (the arrays hold length + 5 samples or more).
template <class T>
void check_every_subset(const std::vector<T>& log_q, const std::vector<T>& log_p, std::span<const std::size_t> lengths) {
    const kldiv::test::isa_guard guard;
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const std::size_t offset : {0, 1, 5})
            for (const std::size_t n : lengths) {
                const std::span<const T> q(log_q.data() + offset, n), p(log_p.data() + offset, n);
                exact_terms terms;
                for (std::size_t i = 0; i < n; ++i) terms.push(kldiv::test::log_ratio_of(p[i], q[i]));
                for (const auto wanted : subsets) {
                    kldiv::kl_estimate_options<T> options;
                    options.estimators = wanted;
                    INFO(kldiv::simd::name(set) << ", n = " << n << ", offset " << offset);
                    check_subset<T>(kldiv::kl_estimates(q, p, options), terms, wanted);
                }
            }
    }
}

}  // namespace

TEMPLATE_TEST_CASE("contract: every subset, instruction set, length and misalignment, |l| from 1e-30 to 700",
                   "[estimators][kl_estimates][contract]", float, double) {
    const auto [log_q, log_p] = wide_log_ratios<TestType>();
    check_every_subset<TestType>(log_q, log_p, contract_lengths);
}

TEMPLATE_TEST_CASE("contract: constant log-ratios give their value and variance 0, |l| from 1e-30 to 700",
                   "[estimators][kl_estimates][contract]", float, double) {
    using T = TestType;
    const kldiv::test::isa_guard guard;
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        for (double magnitude = 1e-30; magnitude < 700; magnitude *= 3.7)
            for (const double sign : {1.0, -1.0})
                for (const std::size_t n : {2, 64, 4099}) {
                    const T l = static_cast<T>(sign * magnitude);
                    const std::vector<T> q(n, T(0)), p(n, l);
                    const auto got = kldiv::kl_estimates(q, p);
                    exact_terms terms;
                    for (std::size_t i = 0; i < n; ++i) terms.push(quad(double(l)));
                    INFO(kldiv::simd::name(set) << ", l = " << l << ", n = " << n);
                    check_subset<T>(got, terms, kldiv::kl_estimator_set::all());
                    // The float lanes give M2 = 0 exactly (the shift is the first sample's value in the
                    // lanes' own arithmetic); 4099 adds a scalar tail, within the contract.
                    if (std::is_same_v<T, float> && set != kldiv::simd::isa::scalar && n != 4099)
                        for (const auto* s : {&got.k1, &got.k2, &got.k3, &got.reverse})
                            if (std::isfinite(s->mean())) CHECK(s->variance() == 0.0);
                }
    }
}

TEMPLATE_TEST_CASE("contract: options (mask, weights, clamp) in every subset", "[estimators][kl_estimates][contract]",
                   float, double) {
    using T = TestType;
    const kldiv::test::isa_guard guard;
    std::mt19937_64 engine(43);
    std::normal_distribution<double> normal(0.0, 0.5);
    const std::size_t size = 2100;
    std::vector<T> log_q(size), log_p(size), weights(size);
    std::vector<std::uint8_t> mask(size);
    for (std::size_t i = 0; i < size; ++i) {
        log_q[i] = static_cast<T>(-1.0 + normal(engine));
        log_p[i] = static_cast<T>(static_cast<double>(log_q[i]) + normal(engine) * ((i % 50 == 7) ? 8.0 : 1.0));
        weights[i] = static_cast<T>(std::uniform_real_distribution<double>(0.0, 2.0)(engine));
        mask[i] = engine() % 6 != 0;
        if (!mask[i]) log_p[i] = std::numeric_limits<T>::quiet_NaN();  // padding is never read
    }
    for (const auto set : kldiv::test::available_isas()) {
        kldiv::simd::limit_isa(set);
        for (const std::size_t n : {33, 2049, 2100})
            for (const int options_set : {0, 1, 2})
                for (const auto wanted : subsets) {
                    kldiv::kl_estimate_options<T> options;
                    options.estimators = wanted;
                    options.mask = std::span<const std::uint8_t>(mask.data(), n);
                    if (options_set >= 1) options.clamp_log_ratio = 2.0;
                    if (options_set == 2) options.weights = std::span<const T>(weights.data(), n);
                    exact_terms terms, weighted;
                    for (std::size_t i = 0; i < n; ++i) {
                        if (!mask[i]) continue;
                        quad l = kldiv::test::log_ratio_of(log_p[i], log_q[i]);
                        if (options_set >= 1 && fabsq(l) > 2) l = l > 0 ? quad(2) : quad(-2);
                        terms.push(l);
                        const quad w = options_set == 2 ? quad(double(weights[i])) : quad(1);
                        weighted.k1.push_back(terms.k1.back() * w), weighted.k2.push_back(terms.k2.back() * w);
                        weighted.k3.push_back(terms.k3.back() * w), weighted.reverse.push_back(terms.reverse.back() * w);
                    }
                    INFO(kldiv::simd::name(set) << ", n = " << n << ", options " << options_set);
                    check_subset<T>(kldiv::kl_estimates(std::span<const T>(log_q.data(), n),
                                                        std::span<const T>(log_p.data(), n), options),
                                    weighted, wanted);
                }
    }
}

// 2²⁶ samples alternating ℓ = +a, −a: k1's mean is exactly 0 (the bound is then 16u·a), k3's and
// the reverse estimator's are known in quad, and M2 = n/4·(x₊ − x₋)². One buffer b of n + 1 floats
// holds both arrays: log q = b[0 … n), log p = b[1 … n].
TEST_CASE("contract: 2^26 samples, mixed-sign k1 with mean 0, on every instruction set",
          "[estimators][kl_estimates][contract][large]") {
    const kldiv::test::isa_guard guard;
    // 2²⁶ in the Release run; the sanitizer run (fewer accuracy points) checks memory on 2²².
    const std::size_t n = std::size_t{1} << (kldiv::test::random_points() < 1000000 ? 22 : 26);
    for (const float a : {0.3f, 1e-20f, 3.0f}) {
        std::vector<float> b(n + 1);
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = (i % 2) ? a : 0.0f;
        for (const auto set : kldiv::test::available_isas()) {
            kldiv::simd::limit_isa(set);
            for (const auto wanted : {kldiv::kl_estimator_set::all(), kl_estimator::k1 | kl_estimator::k3}) {
                kldiv::kl_estimate_options<float> options;
                options.estimators = wanted;
                const auto got = kldiv::kl_estimates(std::span<const float>(b.data(), n),
                                                     std::span<const float>(b.data() + 1, n), options);
                const quad plus = quad(a), minus = -quad(a);
                const auto check = [&](const kldiv::running_stats& s, quad x_plus, quad x_minus) {
                    const double u = 0x1p-24, e = 8 * u, count = static_cast<double>(n);
                    const quad mean = (x_plus + x_minus) / 2, m2 = quad(count) / 4 * (x_plus - x_minus) * (x_plus - x_minus);
                    const quad mean_abs = (fabsq(x_plus) + fabsq(x_minus)) / 2;
                    const quad squares = quad(count) / 2 * (x_plus * x_plus + x_minus * x_minus);
                    INFO(kldiv::simd::name(set) << ", a = " << a << ": mean " << s.mean() << ", M2 "
                                                << s.variance() * (count - 1));
                    CHECK(s.count() == n);
                    CHECK(std::fabs(s.mean() - double(mean)) <= 16 * u * double(mean_abs));
                    const double bound = 16 * u * double(m2) + 2 * e * std::sqrt(double(squares * m2)) + e * e * double(squares);
                    CHECK(std::fabs(s.variance() * (count - 1) - double(m2)) <= bound);
                };
                check(got.k1, -plus, -minus);
                check(got.k3, kldiv::test::ref_expm1mx(plus), kldiv::test::ref_expm1mx(minus));
                if (wanted.contains(kl_estimator::reverse)) {
                    check(got.k2, plus * plus / 2, minus * minus / 2);
                    check(got.reverse, kldiv::test::ref_rlogr_residual(plus), kldiv::test::ref_rlogr_residual(minus));
                } else {
                    CHECK(got.reverse.count() == 0);
                }
            }
        }
    }
}

// Clamp alone and weights alone (no mask) run their own instantiations of the options kernel:
// against quad on the log-ratios of the first contract test. The clamps cut into both the
// |ℓ| < 1 runs (½) and the wide tail (30); every 11th weight is 0 (a term of exactly 0).
TEMPLATE_TEST_CASE("contract: clamp alone and weights alone, every subset, instruction set, length and misalignment",
                   "[estimators][kl_estimates][contract][options]", float, double) {
    using T = TestType;
    const kldiv::test::isa_guard guard;
    const auto [log_q, log_p] = wide_log_ratios<T>();
    std::mt19937_64 engine(47);
    std::vector<T> weights(log_q.size());
    for (std::size_t i = 0; i < weights.size(); ++i)
        weights[i] = i % 11 == 3 ? T(0) : static_cast<T>(std::uniform_real_distribution<double>(0.0, 2.0)(engine));
    for (const std::size_t offset : {0, 1, 5})
        for (const std::size_t n : contract_lengths)
            for (const double clamp : {0.5, 30.0, 0.0}) {  // 0: weights alone
                const std::span<const T> q(log_q.data() + offset, n), p(log_p.data() + offset, n),
                    w(weights.data() + offset, n);
                exact_terms terms, weighted;
                std::uint64_t clamped = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    quad l = kldiv::test::log_ratio_of(p[i], q[i]);
                    if (clamp > 0 && fabsq(l) > quad(clamp)) ++clamped, l = l > 0 ? quad(clamp) : -quad(clamp);
                    terms.push(l);
                    const quad weight = clamp > 0 ? quad(1) : quad(double(w[i]));
                    weighted.k1.push_back(terms.k1.back() * weight), weighted.k2.push_back(terms.k2.back() * weight);
                    weighted.k3.push_back(terms.k3.back() * weight);
                    weighted.reverse.push_back(terms.reverse.back() * weight);
                }
                for (const auto set : kldiv::test::available_isas()) {
                    kldiv::simd::limit_isa(set);
                    for (const auto wanted : subsets) {
                        kldiv::kl_estimate_options<T> options;
                        options.estimators = wanted;
                        if (clamp > 0)
                            options.clamp_log_ratio = clamp;
                        else
                            options.weights = w;
                        INFO(kldiv::simd::name(set) << ", n = " << n << ", offset " << offset << ", estimator bits "
                                                    << wanted.bits() << (clamp > 0 ? ", clamp " : ", weights alone")
                                                    << (clamp > 0 ? std::to_string(clamp) : ""));
                        const auto got = kldiv::kl_estimates(q, p, options);
                        CHECK(got.clamped == clamped);
                        check_subset<T>(got, weighted, wanted);
                    }
                }
            }
}

// Heavy tails: ℓ ~ N(0, 0.3²) with a few samples per group of 64 outside the float lanes' range
// (|ℓ| from 1 to 600, tiny, exact ±1): groups with 0, 1, 2 and 3 lanes outside, two outside samples
// in one lane, every subset and instruction set. One or two lanes outside keep the rest of their
// group in float lanes and send those lanes' samples to the double lanes on their own; three go
// as whole registers.
TEMPLATE_TEST_CASE("contract: heavy tails, a few lanes per group outside the float range", "[estimators][kl_estimates][contract]",
                   float, double) {
    using T = TestType;
    std::mt19937_64 engine(97);
    std::normal_distribution<double> typical(0.0, 0.3);
    std::uniform_real_distribution<double> base(-5.0, 0.0), magnitude(0.0, std::log10(600.0));
    const std::size_t n = 2 * 2048 + 300;
    std::vector<T> log_q(n + 8), log_p(n + 8);
    for (std::size_t i = 0; i < log_q.size(); ++i) {
        double l = typical(engine);
        const std::size_t group = i / 64, at = i % 64;
        const std::size_t outside = group % 4;  // lanes outside in this group (for W = 16)
        const std::size_t lane = at % 16, register_in_group = at / 16;
        const bool chosen = lane < outside && (register_in_group == (lane + group) % 4 ||
                                               (group % 8 == 5 && lane == 0 && register_in_group == 2));
        if (chosen) {
            const double sign = (engine() & 1) ? 1.0 : -1.0;
            switch (engine() % 4) {
                case 0: l = sign * std::pow(10.0, magnitude(engine)); break;
                case 1: l = sign; break;
                case 2: l = sign * 1e-20; break;
                default: l = sign * (1.0 + std::uniform_real_distribution<double>(0.0, 3.0)(engine)); break;
            }
        }
        log_q[i] = static_cast<T>(base(engine));
        log_p[i] = static_cast<T>(static_cast<double>(log_q[i]) + l);
        if (std::fabs(l) < 1e-6) log_q[i] = T(0), log_p[i] = static_cast<T>(l);  // keep tiny ℓ exact
    }
    const std::size_t lengths[] = {64, 2048, n};
    check_every_subset<T>(log_q, log_p, lengths);
}
