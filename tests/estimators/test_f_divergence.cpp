// The general recipe f(r) − f'(1)(r − 1): accuracy of each built-in against a quad reference,
// non-negativity, exact unbiasedness by enumeration, curvature f''(1), user-defined generators.
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "kldiv/estimators/f_divergence.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;
namespace fd = kldiv::f_divergences;

namespace {

/// Quad-precision f(r) − f'(1)(r − 1) for each built-in, straight from the definitions
/// (differences of nearly equal quad numbers lose at most ~40 of 113 bits for |l| ≥ 1e-8).
quad reference(const char* name, quad l, double alpha = 0.5) {
    const quad r = expq(l);
    const std::string n = name;
    if (n == "kl_pq") return r * l - (r - 1);
    if (n == "kl_qp") return -l + (r - 1);
    if (n == "chi2") return (r - 1) * (r - 1);
    if (n == "hellinger") return quad(0.5) * (sqrtq(r) - 1) * (sqrtq(r) - 1);
    if (n == "js") return quad(0.5) * (r * logq(2 * r / (r + 1)) + logq(2 / (r + 1)));
    if (n == "tv") return quad(0.5) * fabsq(r - 1);
    const quad a = alpha;
    return (powq(r, a) - a * r + a - 1) / (a * (a - 1));
}

template <class G>
double worst_ulps(const char* name, const kldiv::f_divergence_estimator<G>& estimator, double alpha = 0.5) {
    double worst = 0;
    for (double magnitude = 1e-8; magnitude < 30; magnitude *= 1.07)
        for (const double l : {magnitude, -magnitude}) {
            const double got = estimator(l);
            worst = std::max(worst, kldiv::test::ulp_error<double>(got, reference(name, l, alpha)));
        }
    return worst;
}

}  // namespace

TEST_CASE("built-in f-divergence estimators are accurate in log space", "[estimators][f_divergence]") {
    CHECK(worst_ulps("kl_pq", kldiv::f_divergence_estimator<fd::kl_pq>{}) <= 4);
    CHECK(worst_ulps("kl_qp", kldiv::f_divergence_estimator<fd::kl_qp>{}) <= 4);
    CHECK(worst_ulps("chi2", kldiv::f_divergence_estimator<fd::chi_squared>{}) <= 4);
    CHECK(worst_ulps("hellinger", kldiv::f_divergence_estimator<fd::squared_hellinger>{}) <= 4);
    CHECK(worst_ulps("js", kldiv::f_divergence_estimator<fd::jensen_shannon>{}) <= 16);
    CHECK(worst_ulps("tv", kldiv::f_divergence_estimator<fd::total_variation>{}) <= 4);
    for (const double alpha : {-1.0, 0.5, 2.0, 3.0})
        CHECK(worst_ulps("alpha", kldiv::f_divergence_estimator<fd::alpha_divergence>{fd::alpha_divergence{alpha}},
                         alpha) <= 16);
}

TEST_CASE("the recipe is never negative and has the documented curvature", "[estimators][f_divergence]") {
    const kldiv::f_divergence_estimator<fd::jensen_shannon> js;
    const kldiv::f_divergence_estimator<fd::squared_hellinger> hellinger;
    const kldiv::f_divergence_estimator<fd::alpha_divergence> alpha{fd::alpha_divergence{2.0}};
    for (double l = -50; l <= 50; l += 0.173) {
        CHECK(js(l) >= 0);
        CHECK(hellinger(l) >= 0);
        CHECK(alpha(l) >= 0);
        CHECK(kldiv::f_divergence_estimator<fd::chi_squared>{}(l) >= 0);
    }
    CHECK(js(-1000) == Approx(0.5 * std::numbers::ln2));  // r → 0: f(0) = ½ log 2
    CHECK(kldiv::f_divergence_estimator<fd::kl_pq>{}.curvature_at_one() == 1.0);
    CHECK(kldiv::f_divergence_estimator<fd::kl_qp>{}.curvature_at_one() == 1.0);
    CHECK(alpha.curvature_at_one() == 1.0);
    CHECK(js.curvature_at_one() == 0.25);
    CHECK(hellinger.curvature_at_one() == 0.25);
    CHECK(kldiv::f_divergence_estimator<fd::chi_squared>{}.curvature_at_one() == 2.0);
    CHECK_FALSE(kldiv::f_divergence_estimator<fd::total_variation>::tangent_corrected());
    CHECK_THROWS_AS(fd::alpha_divergence{1.0}, kldiv::domain_error);
    CHECK_THROWS_AS(fd::alpha_divergence{0.0}, kldiv::domain_error);
}

TEST_CASE("the recipe is exactly unbiased: enumeration over a categorical pair", "[estimators][f_divergence]") {
    const std::vector<double> q{0.1, 0.2, 0.3, 0.4}, p{0.25, 0.25, 0.4, 0.1};
    const auto check = [&](auto estimator) {
        double expected_estimate = 0, expected_plain = 0, divergence = 0;
        for (std::size_t i = 0; i < q.size(); ++i) {
            const double l = std::log(p[i]) - std::log(q[i]);
            expected_estimate += q[i] * estimator(l);
            expected_plain += q[i] * estimator.plain(l);
            divergence += q[i] * estimator.generator().value(p[i] / q[i]);
        }
        CHECK(expected_estimate == Approx(divergence).epsilon(1e-13));
        CHECK(expected_plain == Approx(divergence).epsilon(1e-13));
    };
    check(kldiv::f_divergence_estimator<fd::kl_pq>{});
    check(kldiv::f_divergence_estimator<fd::kl_qp>{});
    check(kldiv::f_divergence_estimator<fd::chi_squared>{});
    check(kldiv::f_divergence_estimator<fd::squared_hellinger>{});
    check(kldiv::f_divergence_estimator<fd::jensen_shannon>{});
    check(kldiv::f_divergence_estimator<fd::total_variation>{});
    check(kldiv::f_divergence_estimator<fd::alpha_divergence>{fd::alpha_divergence{0.5}});
}

namespace {
/// A user's generator with only f and f' (the Neyman χ², f(r) = (r − 1)²/r).
struct neyman_chi_squared {
    double value(double r) const { return (r - 1) * (r - 1) / r; }
    double derivative(double r) const { return 1 - 1 / (r * r); }
};
}  // namespace

TEST_CASE("a user-defined generator works through f and f' alone", "[estimators][f_divergence]") {
    const kldiv::f_divergence_estimator<neyman_chi_squared> neyman;
    CHECK(std::isnan(neyman.curvature_at_one()));
    for (const double l : {-2.0, -0.5, 0.3, 1.5}) {
        const double r = std::exp(l);
        CHECK(neyman(l) == Approx((r - 1) * (r - 1) / r).epsilon(1e-12));  // f'(1) = 0
    }
    const std::vector<double> log_q{0.0, 0.0, 0.0}, log_p{0.5, -0.5, 0.0};
    const auto stats = neyman.estimate(log_q, log_p);
    CHECK(stats.count() == 3);
    CHECK(stats.mean() == Approx((neyman(0.5) + neyman(-0.5)) / 3));
    const std::vector<double> short_p{0.5};
    CHECK_THROWS_AS(neyman.estimate(log_q, short_p), kldiv::domain_error);
}
