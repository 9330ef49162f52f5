// Entropy, cross-entropy and KL of probability vectors: accuracy against quad references,
// the defining properties (Gibbs, chain rule, units), and the bad-input rules of docs/design.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "kldiv/discrete/measures.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();

/// A random distribution of n outcomes (Dirichlet(α) by normalised gammas), in double.
std::vector<double> random_distribution(std::size_t n, std::mt19937_64& engine, double alpha = 1.0) {
    std::gamma_distribution<double> gamma(alpha, 1.0);
    std::vector<double> p(n);
    for (auto& v : p) v = gamma(engine) + 1e-300;
    const double total = std::accumulate(p.begin(), p.end(), 0.0);
    for (auto& v : p) v /= total;
    return p;
}

/// KL of the distributions the vectors stand for, p/Σp and q/Σq, in quad precision.
template <class T>
quad reference_kl(const std::vector<T>& p, const std::vector<T>& q) {
    quad p_sum = 0, q_sum = 0;
    for (std::size_t i = 0; i < p.size(); ++i) p_sum += p[i], q_sum += q[i];
    quad total = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == 0) continue;
        if (q[i] == 0) return HUGE_VALQ;
        const quad pi = quad(p[i]) / p_sum, qi = quad(q[i]) / q_sum;
        total += pi * logq(pi / qi);
    }
    return total;
}

/// Cross-entropy of the distributions the vectors stand for, p/Σp and q/Σq (as documented for
/// kldiv::cross_entropy and kldiv::entropy), in quad precision.
template <class T>
quad reference_cross_entropy(const std::vector<T>& p, const std::vector<T>& q) {
    quad p_sum = 0, q_sum = 0;
    for (std::size_t i = 0; i < p.size(); ++i) p_sum += p[i], q_sum += q[i];
    quad total = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i] != 0) total -= quad(p[i]) / p_sum * logq(quad(q[i]) / q_sum);
    return total;
}

/// −Σ pᵢ log qᵢ of the vectors as given (what the unchecked functions sum), in quad precision.
template <class T>
quad reference_raw_cross_entropy(const std::vector<T>& p, const std::vector<T>& q) {
    quad total = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i] != 0) total -= quad(p[i]) * logq(quad(q[i]));
    return total;
}

double relative_ulps(double got, quad reference) { return kldiv::test::ulp_error<double>(got, reference); }

}  // namespace

TEST_CASE("KL of random distributions is within 8 ulp of the quad reference", "[discrete][kl][accuracy]") {
    std::mt19937_64 engine(1);
    double worst = 0;
    for (int trial = 0; trial < 300; ++trial) {
        const std::size_t n = 2 + engine() % 500;
        const double alpha = (trial % 3 == 0) ? 0.05 : 1.0;  // sparse-ish and flat vectors
        const auto p = random_distribution(n, engine, alpha);
        const auto q = random_distribution(n, engine, alpha);
        const double kl = kldiv::kl_divergence(p, q);
        worst = std::max(worst, relative_ulps(kl, reference_kl(p, q)));
        CHECK(relative_ulps(kldiv::cross_entropy(p, q), reference_cross_entropy(p, q)) <= 4.0);
        CHECK(relative_ulps(kldiv::entropy(p), reference_cross_entropy(p, p)) <= 4.0);
    }
    INFO("worst KL error " << worst << " ulp");
    CHECK(worst <= 8.0);
}

TEST_CASE("KL of a 1e-9 perturbation keeps its digits where the textbook sum returns noise",
          "[discrete][kl][accuracy]") {
    std::mt19937_64 engine(2);
    double worst = 0;
    for (int trial = 0; trial < 200; ++trial) {
        const std::size_t n = 2 + engine() % 200;
        const auto p = random_distribution(n, engine);
        std::vector<double> q(p);
        std::normal_distribution<double> noise(0.0, 1e-9);
        for (auto& v : q) v *= 1.0 + noise(engine);
        const double total = std::accumulate(q.begin(), q.end(), 0.0);
        for (auto& v : q) v /= total;
        const quad truth = reference_kl(p, q);
        const double kl = kldiv::kl_divergence(p, q);
        if (truth > 0) worst = std::max(worst, relative_ulps(kl, truth));
        CHECK(kl > 0.0);
        if (trial == 0) {
            double textbook = 0;
            for (std::size_t i = 0; i < n; ++i) textbook += p[i] * std::log(p[i] / q[i]);
            INFO("truth " << double(truth) << ", textbook " << textbook << ", kldiv " << kl);
            CHECK(std::fabs(textbook - double(truth)) > 100 * std::fabs(kl - double(truth)));
        }
    }
    INFO("worst error " << worst << " ulp");
    CHECK(worst <= 8.0);
}

TEST_CASE("float vectors are evaluated in double: within 1 ulp of float", "[discrete][kl][accuracy]") {
    std::mt19937_64 engine(3);
    for (int trial = 0; trial < 100; ++trial) {
        const auto pd = random_distribution(2 + engine() % 100, engine);
        const auto qd = random_distribution(pd.size(), engine);
        const std::vector<float> p(pd.begin(), pd.end()), q(qd.begin(), qd.end());
        CHECK(kldiv::test::ulp_error<float>(kldiv::unchecked::kl_divergence(p, q), reference_kl(p, q)) <= 1.0);
        CHECK(kldiv::test::ulp_error<float>(kldiv::unchecked::entropy(p), reference_raw_cross_entropy(p, p)) <= 1.0);
    }
}

TEST_CASE("information measure properties", "[discrete][properties]") {
    std::mt19937_64 engine(4);
    const auto p = random_distribution(6, engine);
    const auto q = random_distribution(6, engine);
    const auto r = random_distribution(4, engine);
    const auto s = random_distribution(4, engine);

    CHECK(kldiv::kl_divergence(p, p) == 0.0);
    CHECK(kldiv::kl_divergence(p, q) > 0.0);
    CHECK(kldiv::kl_divergence(p, q) != Approx(kldiv::kl_divergence(q, p)).epsilon(1e-3));  // asymmetric
    CHECK(kldiv::cross_entropy(p, q) == Approx(kldiv::entropy(p) + kldiv::kl_divergence(p, q)).epsilon(1e-14));
    CHECK(kldiv::kl_divergence(p, q, kldiv::bits) == Approx(kldiv::kl_divergence(p, q) / std::log(2.0)).epsilon(1e-15));
    CHECK(kldiv::entropy(p, kldiv::base(10)) == Approx(kldiv::entropy(p) / std::log(10.0)).epsilon(1e-15));
    CHECK(kldiv::entropy(p, kldiv::hartleys) == Approx(kldiv::entropy(p, kldiv::base(10))).epsilon(1e-15));

    // Additivity: KL(p⊗r ‖ q⊗s) = KL(p‖q) + KL(r‖s); H likewise.
    std::vector<double> pr, qs;
    for (double a : p)
        for (double b : r) pr.push_back(a * b);
    for (double a : q)
        for (double b : s) qs.push_back(a * b);
    CHECK(kldiv::kl_divergence(pr, qs) ==
          Approx(kldiv::kl_divergence(p, q) + kldiv::kl_divergence(r, s)).epsilon(1e-13));
    CHECK(kldiv::entropy(pr) == Approx(kldiv::entropy(p) + kldiv::entropy(r)).epsilon(1e-13));

    // Data processing: merging outcomes (a deterministic channel) never increases KL.
    const std::vector<double> p_merged{p[0] + p[1], p[2] + p[3] + p[4], p[5]};
    const std::vector<double> q_merged{q[0] + q[1], q[2] + q[3] + q[4], q[5]};
    CHECK(kldiv::kl_divergence(p_merged, q_merged) <= kldiv::kl_divergence(p, q));

    // Invariance under permuting the outcomes.
    std::vector<double> p_perm(p.rbegin(), p.rend()), q_perm(q.rbegin(), q.rend());
    CHECK(kldiv::kl_divergence(p_perm, q_perm) == Approx(kldiv::kl_divergence(p, q)).epsilon(1e-15));

    // Known values: H(uniform over 8) = 3 bits; KL([1,0]‖[½,½]) = 1 bit.
    const std::array<double, 8> uniform{0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125};
    CHECK(kldiv::entropy(uniform, kldiv::bits) == Approx(3.0).epsilon(4.5e-16));
    const std::array<double, 2> certain{1.0, 0.0}, fair{0.5, 0.5};
    CHECK(kldiv::kl_divergence(certain, fair, kldiv::bits) == 1.0);
    CHECK(kldiv::entropy(certain) == 0.0);
}

TEST_CASE("zero and infinite rules (bad-inputs.md rows 1-3, 17, 18)", "[discrete][edge]") {
    const std::vector<double> p{0.5, 0.5, 0.0}, q{0.25, 0.25, 0.5};
    CHECK(kldiv::kl_divergence(p, q) == Approx(std::log(2.0)).epsilon(1e-15));  // p_i = 0 contributes 0
    const std::vector<double> zero_both_p{0.5, 0.5, 0.0}, zero_both_q{0.5, 0.5, 0.0};
    CHECK(kldiv::kl_divergence(zero_both_p, zero_both_q) == 0.0);  // 0‖0 = 0
    const std::vector<double> support_p{0.5, 0.5}, support_q{1.0, 0.0};
    CHECK(kldiv::kl_divergence(support_p, support_q) == inf);  // p > 0 = q
    CHECK(kldiv::cross_entropy(support_p, support_q) == inf);
    CHECK(kldiv::kl_divergence(support_q, support_p) == Approx(std::log(2.0)).epsilon(1e-15));
    // An extreme ratio: q₂ = 5e-324 (the smallest subnormal); the ratio 0.5/5e-324 overflows.
    const std::vector<double> extreme_q{1.0, 5e-324};
    const double truth = 0.5 * std::log(0.5) + 0.5 * (std::log(0.5) + 744.44007192138126);
    CHECK(kldiv::kl_divergence(support_p, extreme_q) == Approx(truth).epsilon(1e-14));
    // Subnormal entries in p: a finite, tiny contribution.
    const std::vector<double> tiny_p{1.0 - 1e-320, 1e-320}, tiny_q{0.5, 0.5};
    CHECK(std::isfinite(kldiv::kl_divergence(tiny_p, tiny_q)));
    CHECK(kldiv::entropy(tiny_p) > 0.0);
}

TEST_CASE("entropy and cross-entropy are those of p/Σp: never negative for sums within tolerance",
          "[discrete][edge]") {
    // Σp = 1 + 1e-9 is admitted (double tolerance 1.5e-8); −Σ pᵢ log pᵢ of the raw vector would be
    // −1.0000000010·log(1.0000000010) ≈ −1e-9, an entropy below zero.
    const std::vector<double> one_point{1.0 + 1e-9};
    CHECK(kldiv::entropy(one_point) == 0.0);
    CHECK(kldiv::entropy(kldiv::seq, one_point) == 0.0);
    // The float case the fuzzer found: {1 + 2⁻¹⁹, −0, 0, 0, 0} is within float's tolerance.
    const std::vector<float> float_point{1.0f + 0x1p-19f, -0.0f, 0.0f, 0.0f, 0.0f};
    CHECK(kldiv::entropy(float_point) == 0.0f);
    // Two equal halves of 1 + δ: the normalised distribution is uniform, H = log 2 exactly; the
    // raw sum would be log 2 + δ(log 2 − 1) + O(δ²), 3e-10 away.
    const double delta = 1e-9;
    const std::vector<double> halves{0.5 * (1 + delta), 0.5 * (1 + delta)};
    CHECK(kldiv::entropy(halves) == Approx(std::log(2.0)).epsilon(2e-16));
    CHECK(kldiv::entropy(kldiv::par, halves) == Approx(std::log(2.0)).epsilon(2e-16));
    // Cross-entropy of p̂ = q̂ = (1): zero, where the raw −(1 − δ)·log(1 + δ) is −1e-9.
    const std::vector<double> below{1.0 - delta}, above{1.0 + delta};
    CHECK(kldiv::cross_entropy(below, above) == 0.0);
    CHECK(kldiv::cross_entropy(kldiv::seq, below, above) == 0.0);
    // H(p̂, q̂) with q̂ uniform over two: log 2 whatever the sums' small offsets.
    const std::vector<double> q_halves{0.5 * (1 - delta), 0.5 * (1 - delta)};
    CHECK(kldiv::cross_entropy(halves, q_halves) == Approx(std::log(2.0)).epsilon(2e-16));
}

TEST_CASE("bad input throws kldiv::domain_error naming the problem (bad-inputs.md rows 4-9)", "[discrete][errors]") {
    const std::vector<double> good{0.5, 0.5};
    const auto throws_with = [](auto&& call, const std::string& fragment) {
        try {
            call();
        } catch (const kldiv::domain_error& error) {
            const std::string message = error.what();
            INFO(message);
            CHECK(message.find(fragment) != std::string::npos);
            return;
        }
        FAIL("no kldiv::domain_error thrown; expected one mentioning " << fragment);
    };
    const std::vector<double> unnormalised{1.0, 2.0, 3.0}, ones{1.0, 1.0, 1.0};
    throws_with([&] { (void)kldiv::kl_divergence(unnormalised, ones); }, "kl_divergence: p does not sum to 1");
    const std::vector<double> negative{1.5, -0.5};
    throws_with([&] { (void)kldiv::kl_divergence(negative, good); }, "p[1] is negative, got -0.5");
    const std::vector<double> with_nan{std::nan(""), 0.5};
    throws_with([&] { (void)kldiv::entropy(with_nan); }, "entropy: p[0] is NaN");
    const std::vector<double> with_inf{inf, 0.5};
    throws_with([&] { (void)kldiv::cross_entropy(good, with_inf); }, "q[0] is infinite");
    const std::vector<double> one{1.0};
    throws_with([&] { (void)kldiv::kl_divergence(good, one); }, "different sizes (2 and 1)");
    const std::vector<double> empty;
    throws_with([&] { (void)kldiv::entropy(empty); }, "p is empty");
    throws_with([&] { (void)kldiv::base(1.0); }, "base");
    // A vector normalised in float passes as float but not as double.
    const std::vector<float> float_normalised{0.1f, 0.2f, 0.7f};
    CHECK_NOTHROW(kldiv::entropy(float_normalised));
    const std::vector<double> off_by_1e6{0.1, 0.2, 0.700001};
    CHECK_THROWS_AS(kldiv::entropy(off_by_1e6), kldiv::domain_error);
}

TEST_CASE("every contiguous container works: span, vector, array", "[discrete][api]") {
    const std::array<double, 3> a{0.2, 0.3, 0.5};
    const std::vector<double> v{0.3, 0.3, 0.4};
    const std::span<const double> s(v);
    CHECK(kldiv::kl_divergence(a, v) == kldiv::kl_divergence(std::span<const double>(a), s));
    CHECK(kldiv::unchecked::kl_divergence(a, v) == kldiv::kl_divergence(a, v));
}
