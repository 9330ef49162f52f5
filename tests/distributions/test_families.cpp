// Families: constructor validation, log-densities against quad formulas, batched = scalar,
// sample moments against mean/variance, entropy against −E[log p] by Monte Carlo.
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "kldiv/distributions.hpp"
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"
#include "support/closed_form_checks.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;

namespace {

using kldiv::test::inf;
using kldiv::test::nan_value;

template <class Make>
void throws_naming(Make make, const std::string& fragment) {
    try {
        (void)make();
    } catch (const kldiv::domain_error& error) {
        INFO(error.what());
        CHECK(std::string(error.what()).find(fragment) != std::string::npos);
        return;
    }
    FAIL("no kldiv::domain_error; expected one mentioning " << fragment);
}

/// Sample mean and variance within 5 standard errors of the family's own mean() and variance().
template <class D>
void check_sample_moments(const D& d, std::uint64_t seed) {
    kldiv::random_engine engine(seed);
    const std::size_t n = 400000;
    std::vector<double> x(n);
    sample(d, engine, std::span<double>(x));
    double m = 0, v = 0, m4 = 0;
    for (double xi : x) m += xi;
    m /= n;
    for (double xi : x) v += (xi - m) * (xi - m), m4 += std::pow(xi - kldiv::mean(d), 4);
    v /= (n - 1);
    m4 /= n;
    const double var = kldiv::variance(d);
    CHECK(std::fabs(m - kldiv::mean(d)) < 5 * std::sqrt(var / n));
    CHECK(std::fabs(v - var) < 5 * std::sqrt((m4 - var * var) / n));
    // Entropy: −mean log p(x) within 5 standard errors.
    double h = 0, h2 = 0;
    for (double xi : x) {
        const double l = -log_pdf(d, xi);
        h += l, h2 += l * l;
    }
    h /= n;
    const double se = std::sqrt((h2 / n - h * h) / n);
    CHECK(std::fabs(h - kldiv::entropy(d)) < 5 * se + 1e-12);
    // The batched log_pdf equals the scalar one.
    std::vector<double> batched(100);
    log_pdf(d, std::span<const double>(x.data(), 100), std::span<double>(batched));
    for (std::size_t i = 0; i < 100; ++i) CHECK(batched[i] == Approx(log_pdf(d, x[i])).epsilon(1e-15));
}

}  // namespace

TEST_CASE("constructors reject invalid parameters, naming them", "[distributions][errors]") {
    throws_naming([] { return kldiv::normal<double>(0.0, 0.0); }, "normal: stddev must be positive and finite, got 0");
    throws_naming([] { return kldiv::normal<double>(0.0, -1.0); }, "stddev");
    throws_naming([] { return kldiv::normal<double>(nan_value, 1.0); }, "normal: mean must be finite");
    throws_naming([] { return kldiv::normal<double>(inf, 1.0); }, "mean must be finite, got inf");
    throws_naming([] { return kldiv::normal<double>(0.0, inf); }, "stddev");
    throws_naming([] { return kldiv::exponential<double>(0.0); }, "exponential: rate must be positive");
    throws_naming([] { return kldiv::exponential<double>(nan_value); }, "rate");
    throws_naming([] { return kldiv::laplace<double>(0.0, -2.0); }, "laplace: scale must be positive and finite, got -2");
    throws_naming([] { return kldiv::laplace<double>(-inf, 1.0); }, "loc");
    throws_naming([] { return kldiv::uniform<double>(1.0, 1.0); }, "uniform: low must be below high");
    throws_naming([] { return kldiv::uniform<double>(2.0, 1.0); }, "low must be below high");
    throws_naming([] { return kldiv::uniform<double>(0.0, inf); }, "high must be finite");
}

TEST_CASE("log-densities match their formulas in quad precision", "[distributions][log_pdf]") {
    const kldiv::normal<double> n(1.5, 0.7);
    const kldiv::exponential<double> e(2.5);
    const kldiv::laplace<double> l(-1.0, 3.0);
    const kldiv::uniform<double> u(-2.0, 5.0);
    for (double x = -6; x <= 6; x += 0.37) {
        const quad X = x;
        const quad z = (X - quad(1.5)) / quad(0.7);
        CHECK(kldiv::test::ulp_error<double>(log_pdf(n, x), -z * z / 2 - logq(quad(0.7)) - logq(2 * acosq(quad(-1))) / 2) <= 4);
        if (x >= 0) CHECK(kldiv::test::ulp_error<double>(log_pdf(e, x), logq(quad(2.5)) - quad(2.5) * X) <= 4);
        CHECK(kldiv::test::ulp_error<double>(log_pdf(l, x), -fabsq(X + 1) / 3 - logq(quad(6))) <= 4);
    }
    CHECK(log_pdf(e, -0.1) == -inf);
    CHECK(log_pdf(u, 5.5) == -inf);
    CHECK(log_pdf(u, 0.0) == Approx(-std::log(7.0)));
    CHECK(std::isnan(log_pdf(n, nan_value)));
    CHECK(std::isnan(log_pdf(u, nan_value)));
    CHECK(log_pdf(n, inf) == -inf);
    std::vector<double> x(3), out(2);
    CHECK_THROWS_AS(log_pdf(n, std::span<const double>(x), std::span<double>(out)), kldiv::domain_error);
    CHECK(support(e).lower == 0.0);
    CHECK(support(u).inside(support(n)));
    CHECK_FALSE(support(n).inside(support(e)));
}

TEST_CASE("samplers match each family's mean, variance and entropy", "[distributions][sample]") {
    check_sample_moments(kldiv::normal<double>(1.5, 0.7), 1);
    check_sample_moments(kldiv::exponential<double>(2.5), 2);
    check_sample_moments(kldiv::laplace<double>(-1.0, 3.0), 3);
    check_sample_moments(kldiv::uniform<double>(-2.0, 5.0), 4);
}

TEST_CASE("float families work too", "[distributions][float]") {
    const kldiv::normal<float> n(0.5f, 2.0f);
    kldiv::random_engine engine(5);
    const float x = sample(n, engine);
    CHECK(std::isfinite(x));
    CHECK(log_pdf(n, 0.5f) == Approx(-std::log(2.0) - 0.9189385332046727).epsilon(1e-6));
    CHECK(kldiv::entropy(kldiv::exponential<float>(1.0f)) == 1.0f);
}

TEST_CASE("discrete families: validation, mass functions, samplers", "[distributions][discrete]") {
    throws_naming([] { return kldiv::bernoulli<double>(1.5); }, "bernoulli: p must be in [0, 1], got 1.5");
    throws_naming([] { return kldiv::bernoulli<double>(nan_value); }, "bernoulli");
    throws_naming([] { return kldiv::geometric<double>(0.0); }, "geometric: p must be in (0, 1]");
    throws_naming([] { return kldiv::poisson<double>(-1.0); }, "poisson: rate must be non-negative");
    throws_naming([] { return kldiv::binomial<double>(-3, 0.5); }, "binomial: trials must be non-negative, got -3");
    throws_naming([] { return kldiv::binomial<double>(3, -0.5); }, "binomial: p must be in [0, 1]");
    const std::vector<double> bad{0.5, 0.6};
    throws_naming([&] { return kldiv::categorical<double>(bad); }, "categorical: probabilities does not sum to 1");
    const std::vector<double> nan_logits{0.0, nan_value};
    throws_naming([&] { return kldiv::categorical<double>::from_logits(nan_logits); }, "logits[1]");

    // Mass functions against quad formulas.
    const kldiv::poisson<double> po(3.7);
    const kldiv::binomial<double> bi(20, 0.3);
    const kldiv::geometric<double> ge(0.25);
    for (int k = 0; k <= 20; ++k) {
        const quad K = k;
        CHECK(log_pdf(po, double(k)) == Approx(double(K * logq(quad(3.7)) - quad(3.7) - lgammaq(K + 1))).epsilon(1e-14));
        CHECK(log_pdf(bi, double(k)) ==
              Approx(double(lgammaq(21) - lgammaq(K + 1) - lgammaq(21 - K) + K * logq(quad(0.3)) + (20 - K) * logq(quad(0.7))))
                  .epsilon(1e-13));
        CHECK(log_pdf(ge, double(k)) == Approx(double(K * logq(quad(0.75)) + logq(quad(0.25)))).epsilon(1e-14));
    }
    CHECK(log_pdf(po, 2.5) == -inf);
    CHECK(log_pdf(bi, 21.0) == -inf);
    CHECK(log_pdf(ge, -1.0) == -inf);
    CHECK(kldiv::entropy(kldiv::bernoulli<double>(0.0)) == 0.0);  // not 2.2e-16 (bad-inputs row 1)
    CHECK(kldiv::entropy(kldiv::bernoulli<double>(1.0)) == 0.0);
    CHECK(kldiv::entropy(kldiv::poisson<double>(0.0)) == 0.0);
    // Geometric(0.01): the entropy SciPy gets wrong (3.17); the truth is 5.60.
    CHECK(kldiv::entropy(kldiv::geometric<double>(0.01)) == Approx(5.6001).epsilon(1e-4));
    const std::vector<double> one_hot{0.0, 1.0, 0.0};
    CHECK(kldiv::entropy(kldiv::categorical<double>(one_hot)) == 0.0);

    check_sample_moments(kldiv::bernoulli<double>(0.3), 11);
    check_sample_moments(kldiv::geometric<double>(0.2), 12);
    check_sample_moments(kldiv::poisson<double>(3.7), 13);
    check_sample_moments(kldiv::poisson<double>(250.0), 14);
    check_sample_moments(kldiv::binomial<double>(20, 0.3), 15);
    check_sample_moments(kldiv::binomial<double>(1000, 0.7), 16);
    const std::vector<double> probs{0.1, 0.0, 0.5, 0.4};
    check_sample_moments(kldiv::categorical<double>(probs), 17);
    const std::vector<double> logits{0.0, -std::numeric_limits<double>::infinity(), std::log(5.0), std::log(4.0)};
    const auto from_logits = kldiv::categorical<double>::from_logits(logits);
    for (std::size_t k = 0; k < 4; ++k) CHECK(from_logits.probabilities()[k] == Approx(probs[k]).margin(1e-15).epsilon(1e-12));
}

TEST_CASE("log-normal, half-normal, Pareto and Cauchy", "[distributions][continuous]") {
    throws_naming([] { return kldiv::log_normal<double>(0.0, 0.0); }, "log_normal: sigma must be positive");
    throws_naming([] { return kldiv::half_normal<double>(-1.0); }, "half_normal: scale must be positive");
    throws_naming([] { return kldiv::pareto<double>(1.0, 0.0); }, "pareto: alpha must be positive");
    throws_naming([] { return kldiv::pareto<double>(-1.0, 2.0); }, "pareto: scale must be positive");
    throws_naming([] { return kldiv::cauchy<double>(nan_value, 1.0); }, "cauchy: loc must be finite");
    check_sample_moments(kldiv::log_normal<double>(0.2, 0.4), 21);
    check_sample_moments(kldiv::half_normal<double>(1.7), 22);
    check_sample_moments(kldiv::pareto<double>(2.0, 6.0), 23);
    CHECK(log_pdf(kldiv::pareto<double>(2.0, 6.0), 1.0) == -inf);
    CHECK(log_pdf(kldiv::log_normal<double>(0, 1), 0.0) == -inf);
    CHECK(log_pdf(kldiv::half_normal<double>(1), -1e-300) == -inf);
    CHECK(kldiv::variance(kldiv::log_normal<double>(0.0, 1e-9)) == Approx(1e-18).epsilon(1e-8));  // expm1
    // Cauchy: no moments; entropy against −E[log p] by Monte Carlo.
    const kldiv::cauchy<double> c(1.0, 2.0);
    CHECK(std::isnan(kldiv::mean(c)));
    CHECK(std::isnan(kldiv::variance(c)));
    kldiv::random_engine engine(24);
    double h = 0, h2 = 0;
    const int n = 400000;
    for (int i = 0; i < n; ++i) {
        const double l = -log_pdf(c, sample(c, engine));
        h += l, h2 += l * l;
    }
    h /= n;
    CHECK(std::fabs(h - kldiv::entropy(c)) < 5 * std::sqrt((h2 / n - h * h) / n));
    CHECK(std::isfinite(log_pdf(c, 1e300)));
    CHECK(log_pdf(c, 1e300) == Approx(-std::log(std::numbers::pi * 2.0) - 2 * std::log(0.5e300)).epsilon(1e-14));
}

TEST_CASE("Gumbel", "[distributions][gumbel]") {
    throws_naming([] { return kldiv::gumbel<double>(0.0, 0.0); }, "gumbel: scale must be positive");
    check_sample_moments(kldiv::gumbel<double>(0.5, 1.3), 31);
}

TEST_CASE("gamma and beta", "[distributions][gamma][beta]") {
    throws_naming([] { return kldiv::gamma<double>(0.0, 1.0); }, "gamma: shape must be positive");
    throws_naming([] { return kldiv::gamma<double>(1.0, -1.0); }, "gamma: rate must be positive");
    throws_naming([] { return kldiv::beta<double>(1.0, 0.0); }, "beta: beta must be positive");
    throws_naming([] { return kldiv::beta<double>(nan_value, 1.0); }, "beta: alpha must be positive");
    check_sample_moments(kldiv::gamma<double>(2.5, 1.5), 41);
    check_sample_moments(kldiv::gamma<double>(0.4, 3.0), 42);
    check_sample_moments(kldiv::beta<double>(2.0, 5.0), 43);
    check_sample_moments(kldiv::beta<double>(0.7, 0.4), 44);
    CHECK(log_pdf(kldiv::gamma<double>(1.0, 2.0), 0.0) == Approx(std::log(2.0)));
    CHECK(log_pdf(kldiv::gamma<double>(0.5, 2.0), 0.0) == inf);
    CHECK(log_pdf(kldiv::gamma<double>(2.0, 2.0), -1.0) == -inf);
    CHECK(log_pdf(kldiv::beta<double>(2.0, 2.0), 1.5) == -inf);
    CHECK(log_pdf(kldiv::beta<double>(2.0, 3.0), 0.25) == Approx(std::log(12.0 * 0.25 * 0.75 * 0.75)).epsilon(1e-14));
}
