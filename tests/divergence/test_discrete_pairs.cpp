// The finite discrete pairs of issue 17 (Bernoulli → binomial, binomial → Poisson, Poisson →
// binomial) against mpmath (tests/data/gen_discrete_pairs.py) and Monte Carlo.
#include <cmath>
#include <iomanip>
#include <limits>

#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"
#include "support/closed_form_checks.hpp"

namespace {
#include "data/discrete_pairs.inc"

void check_relative_or_infinite(double got, double reference, double tolerance) {
    INFO(std::setprecision(17) << "got " << got << ", mpmath " << reference);
    if (reference == 0 || std::isinf(reference))
        CHECK(got == reference);
    else
        CHECK(std::fabs(got - reference) <= tolerance * reference);
}

using kldiv::test::check_against_monte_carlo;
}  // namespace

TEST_CASE("Bernoulli → binomial within 1e-13 of mpmath, down to KL ~ 1e-20", "[divergence][discrete]") {
    for (const auto& c : bernoulli_binomial_cases) {
        INFO("p = " << c.p << ", n = " << c.n << ", q = " << c.q);
        check_relative_or_infinite(kldiv::kl_divergence(kldiv::bernoulli<double>(c.p), kldiv::binomial<double>(c.n, c.q)), c.kl, 1e-13);
    }
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.5), kldiv::binomial<double>(0, 0.5)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.0), kldiv::binomial<double>(0, 1.0)) == 0.0);
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.5), kldiv::binomial<double>(4, 1.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.5), kldiv::binomial<double>(4, 0.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.0), kldiv::binomial<double>(4, 0.0)) == 0.0);
}

TEST_CASE("binomial → Poisson within 1e-12 of mpmath, down to KL ~ 1e-21", "[divergence][discrete]") {
    for (const auto& c : binomial_poisson_cases) {
        INFO("n = " << c.n << ", p = " << c.p << ", lambda = " << c.lambda);
        check_relative_or_infinite(kldiv::kl_divergence(kldiv::binomial<double>(c.n, c.p), kldiv::poisson<double>(c.lambda)), c.kl, 1e-12);
    }
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(kldiv::kl_divergence(kldiv::binomial<double>(3, 0.5), kldiv::poisson<double>(0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::binomial<double>(0, 0.5), kldiv::poisson<double>(1.5)) == 1.5);
    // Binomial(4, 1) is the point mass at 4: −log P(4) = λ − 4 log λ + log 4!.
    CHECK(kldiv::kl_divergence(kldiv::binomial<double>(4, 1.0), kldiv::poisson<double>(2.0)) ==
          Approx(2 - 4 * std::log(2.0) + std::log(24.0)).epsilon(1e-15));
}

TEST_CASE("Poisson → binomial: +inf unless the Poisson is the point mass at 0", "[divergence][discrete]") {
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(kldiv::kl_divergence(kldiv::poisson<double>(1e-300), kldiv::binomial<double>(10, 0.5)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::poisson<double>(0), kldiv::binomial<double>(10, 1.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::poisson<double>(0), kldiv::binomial<double>(0, 1.0)) == 0.0);
    CHECK(kldiv::kl_divergence(kldiv::poisson<double>(0), kldiv::binomial<double>(3, 0.5)) == Approx(3 * std::log(2.0)).epsilon(1e-15));
}

TEST_CASE("the new discrete pairs agree with Monte Carlo", "[divergence][discrete][monte_carlo]") {
    kldiv::random_engine engine(17);
    check_against_monte_carlo(kldiv::bernoulli<double>(0.3), kldiv::binomial<double>(5, 0.2), engine);
    check_against_monte_carlo(kldiv::binomial<double>(10, 0.3), kldiv::poisson<double>(2.0), engine);
    check_against_monte_carlo(kldiv::binomial<double>(200, 0.05), kldiv::poisson<double>(10.0), engine);
}
