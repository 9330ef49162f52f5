// xlogy/xlogx conventions and the stable log-sum-exp against a quad-precision reference.
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/logsumexp.hpp"
#include "kldiv/core/xlogy.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
}  // namespace

TEMPLATE_TEST_CASE("xlogy follows 0·log 0 = 0 and propagates NaN", "[core][xlogy]", float, double, long double) {
    using T = TestType;
    const T t_inf = std::numeric_limits<T>::infinity();
    const T t_nan = std::numeric_limits<T>::quiet_NaN();
    CHECK(kldiv::xlogy(T(0), T(0)) == T(0));
    CHECK(kldiv::xlogy(T(0), T(3)) == T(0));
    CHECK(kldiv::xlogy(T(0), t_inf) == T(0));
    CHECK(std::isnan(kldiv::xlogy(T(0), t_nan)));
    CHECK(std::isnan(kldiv::xlogy(T(0), T(-1))));
    CHECK(std::isnan(kldiv::xlogy(T(2), T(-1))));
    CHECK(std::isnan(kldiv::xlogy(t_nan, T(2))));
    CHECK(kldiv::xlogy(T(2), T(0)) == -t_inf);
    CHECK(kldiv::xlogy(T(-2), T(0)) == t_inf);
    CHECK(kldiv::xlogx(T(0)) == T(0));
    CHECK(kldiv::xlogx(T(1)) == T(0));
    CHECK(kldiv::xlogx(t_inf) == t_inf);
    CHECK(std::isnan(kldiv::xlogx(T(-0.5))));
    CHECK(kldiv::xlogx(T(0.5)) == Approx(-0.34657359027997264).epsilon(1e-6));
}

TEST_CASE("log_sum_exp special values", "[core][log_sum_exp]") {
    using span = std::span<const double>;
    CHECK(kldiv::log_sum_exp(span{}) == -infinity);
    const std::vector<double> all_minus_inf{-infinity, -infinity};
    CHECK(kldiv::log_sum_exp(span(all_minus_inf)) == -infinity);
    const std::vector<double> with_inf{1.0, infinity, -infinity};
    CHECK(kldiv::log_sum_exp(span(with_inf)) == infinity);
    const std::vector<double> with_nan{1.0, nan_value, infinity};
    CHECK(std::isnan(kldiv::log_sum_exp(span(with_nan))));
    const std::vector<double> one{-3.5};
    CHECK(kldiv::log_sum_exp(span(one)) == -3.5);
    // No overflow or underflow where exp of the inputs would.
    const std::vector<double> big{1000.0, 1000.0};
    CHECK(kldiv::log_sum_exp(span(big)) == Approx(1000.0 + std::log(2.0)).epsilon(1e-15));
    const std::vector<double> small{-1000.0, -1000.0, -1000.0};
    CHECK(kldiv::log_sum_exp(span(small)) == Approx(-1000.0 + std::log(3.0)).epsilon(1e-15));
}

TEMPLATE_TEST_CASE("log_sum_exp is within 4ε·(|max| + 1) of a quad reference", "[core][log_sum_exp]", float,
                   double) {
    using T = TestType;
    using kldiv::test::quad;
    std::mt19937_64 engine(7);
    std::uniform_real_distribution<double> spread(-40.0, 40.0);
    std::uniform_real_distribution<double> centre(-500.0, 500.0);
    double worst = 0.0;
    for (int trial = 0; trial < 2000; ++trial) {
        std::vector<T> values(1 + engine() % 300);
        const double c = (trial % 2 == 0) ? centre(engine) : 0.0;
        for (auto& v : values) v = static_cast<T>(c + spread(engine));
        quad m = values[0];
        for (T v : values) m = fmaxq(m, quad(v));
        quad sum = 0;
        for (T v : values) sum += expq(quad(v) - m);
        const quad reference = m + logq(sum);
        const T got = kldiv::log_sum_exp(std::span<const T>(values));
        const double bound = 4.0 * std::numeric_limits<kldiv::accumulator_t<T>>::epsilon() * (std::fabs(double(m)) + 1.0) +
                             0.5 * double(std::numeric_limits<T>::epsilon()) * std::fabs(double(reference));
        const double error = std::fabs(double(quad(got) - reference));
        worst = std::max(worst, error / bound);
        CHECK(error <= bound);
    }
    INFO("worst error / bound = " << worst);
    CHECK(worst <= 1.0);
}

TEST_CASE("the Bregman divergence of lnΓ at 1 keeps its digits near 1", "[core][log_gamma_bregman]") {
    using kldiv::test::quad;
    const quad euler = strtoflt128("0.57721566490153286060651209008240243104215933593992", nullptr);
    for (double x = 1e-3; x < 20; x *= 1.01) {
        for (const double y : {x, 1 + (x - 1) * 1e-7}) {
            if (y == 1) continue;
            const quad reference = lgammaq(quad(y)) + euler * (quad(y) - 1);
            CHECK(std::fabs(double((quad(kldiv::log_gamma_bregman_at_one(y)) - reference) / reference)) < 1e-14);
        }
    }
    CHECK(kldiv::log_gamma_bregman_at_one(1.0) == 0.0);
    CHECK(std::isnan(kldiv::log_gamma_bregman_at_one(0.0)));
}

TEST_CASE("log_gamma_bregman and digamma against quad references", "[core][log_gamma_bregman]") {
    using kldiv::test::quad;
    double worst = 0;
    for (double x = 1e-3; x < 1e6; x *= 1.13) {
        CHECK(std::fabs(kldiv::digamma(x) - double(kldiv::test::ref_digamma(x))) <= 4e-15 * std::max(1.0, std::fabs(kldiv::digamma(x))));
        for (const double relative : {1e-9, -1e-9, 1e-5, -1e-5, 0.01, -0.3, 0.5, 3.0, 100.0}) {
            const double y = x * (1 + relative);
            const quad reference = lgammaq(quad(y)) - lgammaq(quad(x)) - kldiv::test::ref_digamma(quad(x)) * (quad(y) - quad(x));
            worst = std::max(worst, std::fabs(double((quad(kldiv::log_gamma_bregman(y, x)) - reference) / reference)));
        }
    }
    INFO("worst relative error " << worst);
    CHECK(worst < 2e-14);
    CHECK(kldiv::log_gamma_bregman(2.5, 2.5) == 0.0);
    CHECK(std::isnan(kldiv::log_gamma_bregman(-1.0, 2.0)));
}
