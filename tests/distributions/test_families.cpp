// Families: constructor validation, log-densities against quad formulas, batched = scalar,
// sample moments against mean/variance, entropy against −E[log p] by Monte Carlo.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kldiv/distributions.hpp"
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
const double nan_value = std::nan("");

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
