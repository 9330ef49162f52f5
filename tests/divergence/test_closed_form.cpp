// Closed-form KL: quad references (also at KL ~ 1e-20), bad-inputs.md rows 15, 17, 20, 21,
// support mismatch, and a Monte Carlo cross-check of every pair with bounds in standard errors.
#include <cmath>
#include <limits>

#include "kldiv/core/running_stats.hpp"
#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"
#include "support/closed_form_checks.hpp"
#include "support/quad_reference.hpp"

using kldiv::test::quad;

namespace {

using kldiv::test::inf;

double relative_error(double got, quad reference) {
    return std::fabs(double((quad(got) - reference) / reference));
}

/// Quad references written as the textbook formulas with the near-cancellation handled by
/// quad's 113 bits (expm1q(u) − u loses ≤ 40 bits at u ~ 1e-12, leaving ~70).
quad ref_normal(double mp, double sp, double mq, double sq) {
    const quad u = 2 * logq(quad(sp) / quad(sq));
    const quad z = (quad(mp) - quad(mq)) / quad(sq);
    return (expm1q(u) - u + z * z) / 2;
}
quad ref_exponential(double lp, double lq) {
    const quad u = logq(quad(lq) / quad(lp));
    return expm1q(u) - u;
}
quad ref_laplace(double mp, double bp, double mq, double bq) {
    const quad d = fabsq(quad(mp) - quad(mq));
    return logq(quad(bq) / quad(bp)) + d / quad(bq) + quad(bp) / quad(bq) * expq(-d / quad(bp)) - 1;
}

using kldiv::test::check_against_monte_carlo;

}  // namespace

TEST_CASE("same-family closed forms within 1e-13 of quad, down to KL ~ 1e-20", "[divergence][closed_form]") {
    for (const double ratio : {1 + 1e-10, 1 - 1e-10, 1 + 1e-6, 1.5, 0.2, 7.0}) {
        INFO("parameter ratio " << ratio);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::normal<double>(0, ratio), kldiv::normal<double>(0, 1)),
                             ref_normal(0, ratio, 0, 1)) < 1e-13);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::normal<double>(1e-9, 1.3 * ratio), kldiv::normal<double>(0, 1.3)),
                             ref_normal(1e-9, 1.3 * ratio, 0, 1.3)) < 1e-13);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::exponential<double>(ratio), kldiv::exponential<double>(1)),
                             ref_exponential(ratio, 1)) < 1e-13);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::laplace<double>(0, 2 * ratio), kldiv::laplace<double>(0, 2)),
                             ref_laplace(0, 2 * ratio, 0, 2)) < 1e-13);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::laplace<double>(1e-7, ratio), kldiv::laplace<double>(0, 1)),
                             ref_laplace(1e-7, ratio, 0, 1)) < 1e-13);
    }
    // The cancellation-prone Laplace curve b_p/b_q = e^(−|Δμ|/b_p).
    const double a = 1e-6;
    const double bp = 1.0, bq = std::exp(a);
    CHECK(relative_error(kldiv::kl_divergence(kldiv::laplace<double>(a, bp), kldiv::laplace<double>(0, bq)),
                         ref_laplace(a, bp, 0, bq)) < 1e-13);
    CHECK(kldiv::kl_divergence(kldiv::normal<double>(0, 1), kldiv::normal<double>(0, 1)) == 0.0);
    CHECK(kldiv::kl_divergence(kldiv::uniform<double>(0, 1), kldiv::uniform<double>(-1, 3)) == Approx(std::log(4.0)));
}

TEST_CASE("extreme parameters: no overflow in ratios (bad-inputs.md rows 17, 20, 21)", "[divergence][closed_form]") {
    // σ 1e-200 vs 1e200: log(σq/σp) − ½ = 920.5..., where (σp/σq)² would underflow.
    CHECK(kldiv::kl_divergence(kldiv::normal<double>(0, 1e-200), kldiv::normal<double>(0, 1e200)) ==
          Approx(400 * std::log(10.0) - 0.5).epsilon(1e-14));
    CHECK(kldiv::kl_divergence(kldiv::normal<double>(0, 1e200), kldiv::normal<double>(0, 1e-200)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::exponential<double>(1e-300), kldiv::exponential<double>(1e300)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::exponential<double>(1e300), kldiv::exponential<double>(1e-300)) ==
          Approx(600 * std::log(10.0) - 1).epsilon(1e-14));
    // Exact underflow of a tiny KL: 0 or a positive subnormal, never negative.
    const double tiny = kldiv::kl_divergence(kldiv::normal<double>(0, 1 + 1e-200), kldiv::normal<double>(0, 1));
    CHECK(tiny >= 0.0);
}

TEST_CASE("support mismatch gives +inf", "[divergence][closed_form]") {
    const kldiv::normal<double> n(0, 1);
    const kldiv::exponential<double> e(1);
    const kldiv::laplace<double> l(0, 1);
    const kldiv::uniform<double> u(0, 1), wide(-1, 2), negative(-1, 1);
    CHECK(kldiv::kl_divergence(n, e) == inf);
    CHECK(kldiv::kl_divergence(n, u) == inf);
    CHECK(kldiv::kl_divergence(l, e) == inf);
    CHECK(kldiv::kl_divergence(l, u) == inf);
    CHECK(kldiv::kl_divergence(e, u) == inf);
    CHECK(kldiv::kl_divergence(wide, u) == inf);
    CHECK(kldiv::kl_divergence(negative, e) == inf);
    CHECK(std::isfinite(kldiv::kl_divergence(u, wide)));
    CHECK(kldiv::cross_entropy(n, e) == inf);
}

TEST_CASE("every closed form agrees with a Monte Carlo estimate", "[divergence][closed_form][monte_carlo]") {
    kldiv::random_engine engine(42);
    const auto check = [&](const auto& p, const auto& q) {
        check_against_monte_carlo(p, q, engine);
        CHECK(kldiv::cross_entropy(p, q) == Approx(kldiv::entropy(p) + kldiv::kl_divergence(p, q)));
    };
    const kldiv::normal<double> n1(0.3, 1.2), n2(-0.5, 0.8);
    const kldiv::exponential<double> e1(1.5), e2(0.6);
    const kldiv::laplace<double> l1(0.2, 0.9), l2(1.0, 1.7);
    const kldiv::uniform<double> u1(0.5, 2.0), u2(0.0, 3.0);
    check(n1, n2);
    check(e1, e2);
    check(l1, l2);
    check(u1, u2);
    check(e1, n1);
    check(l1, n2);
    check(n1, l2);
    check(u1, n1);
    check(u1, e2);
    check(u1, l1);
    check(e1, l2);
    check(e2, kldiv::laplace<double>(-0.5, 1.0));
    check(u2, kldiv::laplace<double>(4.0, 2.0));
    check(u2, kldiv::laplace<double>(-1.0, 0.5));
    CHECK_THROWS_AS(kldiv::kl_divergence(n1, n2, kldiv::monte_carlo{1}, engine), kldiv::domain_error);
}

namespace {
quad ref_bernoulli(double p, double q) {
    const quad P = p, Q = q;
    return P * logq(P / Q) + (1 - P) * logq((1 - P) / (1 - Q));
}
}  // namespace

TEST_CASE("discrete closed forms: tiny KLs, end points, Monte Carlo agreement", "[divergence][discrete]") {
    for (const double delta : {1e-10, -1e-10, 1e-6, 0.1}) {
        const double p = 0.3, q = p + delta * p;
        INFO("relative perturbation " << delta);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::bernoulli<double>(p), kldiv::bernoulli<double>(q)),
                             ref_bernoulli(p, q)) < 1e-13);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::geometric<double>(p), kldiv::geometric<double>(q)),
                             ref_bernoulli(p, q) / quad(p)) < 1e-13);
        const quad u = logq(quad(q) / quad(p));
        CHECK(relative_error(kldiv::kl_divergence(kldiv::poisson<double>(p), kldiv::poisson<double>(q)),
                             quad(p) * (expm1q(u) - u)) < 1e-13);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::binomial<double>(12, p), kldiv::binomial<double>(12, q)),
                             12 * ref_bernoulli(p, q)) < 1e-13);
    }
    // End points and support (bad-inputs.md: Binomial(10,.5)‖Binomial(10,0) is inf, not 173.3).
    CHECK(kldiv::kl_divergence(kldiv::binomial<double>(10, 0.5), kldiv::binomial<double>(10, 0.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.5), kldiv::bernoulli<double>(0.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.0), kldiv::bernoulli<double>(0.5)) == Approx(std::log(2.0)));
    CHECK(kldiv::kl_divergence(kldiv::poisson<double>(0.0), kldiv::poisson<double>(2.5)) == 2.5);  // not NaN
    CHECK(kldiv::kl_divergence(kldiv::poisson<double>(1.0), kldiv::poisson<double>(0.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::binomial<double>(10, 0.5), kldiv::binomial<double>(5, 0.5)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::poisson<double>(1.0), kldiv::bernoulli<double>(0.5)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.3), kldiv::bernoulli<double>(0.3)) == 0.0);
    CHECK(kldiv::kl_divergence(kldiv::bernoulli<double>(0.3), kldiv::bernoulli<double>(0.4)) >= 0.0);
    const std::vector<double> three{0.2, 0.3, 0.5}, two{0.5, 0.5};
    CHECK_THROWS_AS(kldiv::kl_divergence(kldiv::categorical<double>(three), kldiv::categorical<double>(two)),
                    kldiv::domain_error);

    kldiv::random_engine engine(7);
    const auto check = [&](const auto& p, const auto& q) { check_against_monte_carlo(p, q, engine); };
    check(kldiv::bernoulli<double>(0.3), kldiv::bernoulli<double>(0.6));
    check(kldiv::geometric<double>(0.3), kldiv::geometric<double>(0.2));
    check(kldiv::poisson<double>(3.0), kldiv::poisson<double>(4.5));
    check(kldiv::binomial<double>(10, 0.3), kldiv::binomial<double>(10, 0.45));
    check(kldiv::binomial<double>(6, 0.3), kldiv::binomial<double>(10, 0.45));  // the finite-sum case
    check(kldiv::bernoulli<double>(0.3), kldiv::poisson<double>(0.8));
    const std::vector<double> pc{0.1, 0.2, 0.3, 0.4}, qc{0.25, 0.25, 0.25, 0.25};
    check(kldiv::categorical<double>(pc), kldiv::categorical<double>(qc));
}

TEST_CASE("log-normal, half-normal, Cauchy, Pareto closed forms", "[divergence][continuous]") {
    for (const double delta : {1e-10, -1e-10, 1e-5, 0.3}) {
        INFO("relative perturbation " << delta);
        const double s = 1.3, t = s * (1 + delta);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::log_normal<double>(0.1, t), kldiv::log_normal<double>(0.1, s)),
                             ref_normal(0.1, t, 0.1, s)) < 1e-13);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::half_normal<double>(t), kldiv::half_normal<double>(s)),
                             ref_normal(0, t, 0, s)) < 1e-13);
        const quad gp = t, gq = s, dm = quad(1e-3 * delta);
        const quad cauchy_ref = logq(((gp + gq) * (gp + gq) + dm * dm) / (4 * gp * gq));
        CHECK(relative_error(kldiv::kl_divergence(kldiv::cauchy<double>(1e-3 * delta, t), kldiv::cauchy<double>(0, s)),
                             cauchy_ref) < 1e-13);
        const quad ap = 2.5 * (1 + delta), aq = 2.5;
        const quad pareto_ref = logq(ap / aq) + aq * logq(quad(s * 1.01) / quad(s)) + (aq - ap) / ap;
        CHECK(relative_error(kldiv::kl_divergence(kldiv::pareto<double>(s * 1.01, double(ap)), kldiv::pareto<double>(s, 2.5)),
                             pareto_ref) < 1e-13);
    }
    CHECK(kldiv::kl_divergence(kldiv::pareto<double>(1.0, 2.0), kldiv::pareto<double>(2.0, 2.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::cauchy<double>(0, 1), kldiv::cauchy<double>(0, 1)) == 0.0);
    kldiv::random_engine engine(8);
    const auto check = [&](const auto& p, const auto& q) { check_against_monte_carlo(p, q, engine); };
    check(kldiv::log_normal<double>(0.2, 0.5), kldiv::log_normal<double>(-0.1, 0.8));
    check(kldiv::half_normal<double>(1.0), kldiv::half_normal<double>(1.6));
    check(kldiv::cauchy<double>(0.5, 1.0), kldiv::cauchy<double>(-0.3, 2.0));
    check(kldiv::pareto<double>(1.5, 3.0), kldiv::pareto<double>(1.0, 2.0));
}

TEST_CASE("Gumbel closed form: tiny KLs and Monte Carlo agreement", "[divergence][gumbel]") {
    const quad euler = strtoflt128("0.57721566490153286060651209008240243104215933593992", nullptr);
    const auto reference = [&](double mp, double bp, double mq, double bq) {
        const quad rho = quad(bp) / quad(bq), d = (quad(mp) - quad(mq)) / quad(bq);
        return -logq(rho) + d + rho * euler + expq(lgammaq(1 + rho) - d) - 1 - euler;
    };
    for (const double delta : {1e-7, -1e-7, 1e-4, 0.2, -0.4}) {
        INFO("relative perturbation " << delta);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::gumbel<double>(0.0, 1.0 + delta), kldiv::gumbel<double>(0.0, 1.0)),
                             reference(0.0, 1.0 + delta, 0.0, 1.0)) < 1e-13);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::gumbel<double>(0.5 * delta, 2.0), kldiv::gumbel<double>(0.0, 2.0)),
                             reference(0.5 * delta, 2.0, 0.0, 2.0)) < 1e-13);
    }
    CHECK(kldiv::kl_divergence(kldiv::gumbel<double>(1, 2), kldiv::gumbel<double>(1, 2)) == 0.0);
    kldiv::random_engine engine(9);
    check_against_monte_carlo(kldiv::gumbel<double>(0.5, 1.0), kldiv::gumbel<double>(-0.2, 1.7), engine);
    check_against_monte_carlo(kldiv::gumbel<double>(0.0, 2.0), kldiv::gumbel<double>(1.0, 0.8), engine);
}

TEST_CASE("gamma and beta closed forms: tiny KLs, cross pairs, Monte Carlo agreement", "[divergence][gamma][beta]") {
    const auto gamma_reference = [](double a1, double b1, double a2, double b2) {
        const quad A1 = a1, B1 = b1, A2 = a2, B2 = b2;
        return (A1 - A2) * kldiv::test::ref_digamma(A1) - lgammaq(A1) + lgammaq(A2) + A2 * (logq(B1) - logq(B2)) +
               A1 * (B2 - B1) / B1;
    };
    const auto beta_reference = [](double a1, double b1, double a2, double b2) {
        const quad A1 = a1, B1 = b1, A2 = a2, B2 = b2;
        const auto lbeta = [](quad a, quad b) { return lgammaq(a) + lgammaq(b) - lgammaq(a + b); };
        return lbeta(A2, B2) - lbeta(A1, B1) + (A1 - A2) * kldiv::test::ref_digamma(A1) +
               (B1 - B2) * kldiv::test::ref_digamma(B1) + (A2 - A1 + B2 - B1) * kldiv::test::ref_digamma(A1 + B1);
    };
    for (const double delta : {1e-6, -1e-6, 1e-3, 0.2, -0.4}) {
        INFO("relative perturbation " << delta);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::gamma<double>(2.0 * (1 + delta), 1.5), kldiv::gamma<double>(2.0, 1.5)),
                             gamma_reference(2.0 * (1 + delta), 1.5, 2.0, 1.5)) < 1e-12);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::gamma<double>(2.0, 1.5 * (1 + delta)), kldiv::gamma<double>(2.0, 1.5)),
                             gamma_reference(2.0, 1.5 * (1 + delta), 2.0, 1.5)) < 1e-12);
        CHECK(relative_error(kldiv::kl_divergence(kldiv::beta<double>(2.0 * (1 + delta), 3.0), kldiv::beta<double>(2.0, 3.0)),
                             beta_reference(2.0 * (1 + delta), 3.0, 2.0, 3.0)) < 1e-11);
    }
    CHECK(kldiv::kl_divergence(kldiv::gamma<double>(2, 3), kldiv::gamma<double>(2, 3)) == 0.0);
    CHECK(kldiv::kl_divergence(kldiv::beta<double>(2, 3), kldiv::beta<double>(2, 3)) == 0.0);
    CHECK(kldiv::kl_divergence(kldiv::exponential<double>(2), kldiv::gamma<double>(1, 2)) == 0.0);
    CHECK(kldiv::kl_divergence(kldiv::normal<double>(0, 1), kldiv::gamma<double>(1, 2)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::beta<double>(2, 2), kldiv::uniform<double>(0.1, 1)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::uniform<double>(-0.5, 1), kldiv::gamma<double>(2, 2)) == inf);
    kldiv::random_engine engine(10);
    check_against_monte_carlo(kldiv::gamma<double>(2.5, 1.5), kldiv::gamma<double>(1.7, 0.9), engine);
    check_against_monte_carlo(kldiv::gamma<double>(0.6, 2.0), kldiv::gamma<double>(1.2, 1.0), engine);
    check_against_monte_carlo(kldiv::beta<double>(2.0, 5.0), kldiv::beta<double>(3.0, 2.0), engine);
    check_against_monte_carlo(kldiv::exponential<double>(1.5), kldiv::gamma<double>(2.0, 1.0), engine);
    check_against_monte_carlo(kldiv::gamma<double>(3.0, 2.0), kldiv::exponential<double>(0.7), engine);
    check_against_monte_carlo(kldiv::gamma<double>(3.0, 2.0), kldiv::normal<double>(1.0, 1.2), engine);
    check_against_monte_carlo(kldiv::beta<double>(2.0, 3.0), kldiv::normal<double>(0.3, 0.5), engine);
    check_against_monte_carlo(kldiv::beta<double>(2.0, 3.0), kldiv::exponential<double>(2.0), engine);
    check_against_monte_carlo(kldiv::beta<double>(2.0, 3.0), kldiv::uniform<double>(-0.5, 1.5), engine);
    check_against_monte_carlo(kldiv::uniform<double>(0.2, 0.7), kldiv::beta<double>(2.0, 3.0), engine);
    check_against_monte_carlo(kldiv::uniform<double>(0.0, 1.0), kldiv::beta<double>(2.0, 3.0), engine);
    check_against_monte_carlo(kldiv::uniform<double>(0.5, 3.0), kldiv::gamma<double>(2.0, 1.5), engine);
}

TEST_CASE("Dirichlet: validation, sampling, entropy, KL against quad and Monte Carlo", "[divergence][dirichlet]") {
    const std::vector<double> a{2.0, 0.5, 3.5}, b{1.0, 1.5, 2.0};
    const kldiv::dirichlet<double> p(a), q(b);
    const std::vector<double> bad{1.0, -2.0};
    CHECK_THROWS_WITH(kldiv::dirichlet<double>(bad), Catch::Contains("concentration[1] must be positive and finite, got -2"));
    const std::vector<double> one{1.0};
    CHECK_THROWS_AS(kldiv::dirichlet<double>(one), kldiv::domain_error);
    const std::vector<double> two{0.5, 0.5};
    CHECK_THROWS_AS(kldiv::kl_divergence(p, kldiv::dirichlet<double>(two)), kldiv::domain_error);
    // Monte Carlo: KL by k1 with samples of p, and entropy by −E log p.
    kldiv::random_engine engine(11);
    const int n = 200000;
    kldiv::running_stats kl_samples, h_samples;
    std::vector<double> x(3);
    for (int i = 0; i < n; ++i) {
        sample(p, engine, std::span<double>(x));
        const double lp = log_pdf(p, std::span<const double>(x)), lq = log_pdf(q, std::span<const double>(x));
        kl_samples.push(lp - lq);
        h_samples.push(-lp);
    }
    CHECK(std::fabs(kl_samples.mean() - kldiv::kl_divergence(p, q)) < 5 * kl_samples.standard_error());
    CHECK(std::fabs(h_samples.mean() - kldiv::entropy(p)) < 5 * h_samples.standard_error());
    // Tiny KL against quad: a perturbation of 1e-7 in one concentration.
    const std::vector<double> a_perturbed{2.0 * (1 + 1e-7), 0.5, 3.5};
    const auto reference = [](const std::vector<double>& s, const std::vector<double>& t) {
        quad s0 = 0, t0 = 0, sum = 0;
        for (std::size_t i = 0; i < s.size(); ++i) s0 += s[i], t0 += t[i];
        sum = lgammaq(s0) - lgammaq(t0);
        for (std::size_t i = 0; i < s.size(); ++i)
            sum += lgammaq(quad(t[i])) - lgammaq(quad(s[i])) +
                   (quad(s[i]) - quad(t[i])) * (kldiv::test::ref_digamma(quad(s[i])) - kldiv::test::ref_digamma(s0));
        return sum;
    };
    CHECK(relative_error(kldiv::kl_divergence(kldiv::dirichlet<double>(a_perturbed), p), reference(a_perturbed, a)) < 1e-11);
    CHECK(relative_error(kldiv::kl_divergence(p, q), reference(a, b)) < 1e-13);
    CHECK(kldiv::kl_divergence(p, p) == 0.0);
    const std::vector<double> off_simplex{0.5, 0.6, 0.1};
    CHECK(log_pdf(p, std::span<const double>(off_simplex)) == -inf);
}

TEST_CASE("mixtures: density, sampling, moments, Monte Carlo KL and entropy", "[distributions][mixture]") {
    const std::vector<double> w{0.3, 0.7};
    const kldiv::mixture<kldiv::normal<double>> m(w, {kldiv::normal<double>(-2.0, 0.5), kldiv::normal<double>(1.0, 1.0)});
    const std::vector<double> bad_w{0.3, 0.6};
    CHECK_THROWS_WITH((kldiv::mixture<kldiv::normal<double>>(bad_w, {kldiv::normal<double>(0, 1), kldiv::normal<double>(1, 1)})),
                      Catch::Contains("weights does not sum to 1"));
    CHECK_THROWS_AS((kldiv::mixture<kldiv::normal<double>>(w, {kldiv::normal<double>(0, 1)})), kldiv::domain_error);
    const double x = 0.4;
    const double expected = std::log(0.3 * std::exp(log_pdf(kldiv::normal<double>(-2.0, 0.5), x)) +
                                     0.7 * std::exp(log_pdf(kldiv::normal<double>(1.0, 1.0), x)));
    CHECK(log_pdf(m, x) == Approx(expected).epsilon(1e-14));
    CHECK(std::isfinite(log_pdf(m, -1e6)));  // log-sum-exp: no underflow to −inf in the far tail
    CHECK(kldiv::mean(m) == Approx(0.3 * -2.0 + 0.7 * 1.0));
    CHECK(kldiv::variance(m) == Approx(0.3 * (0.25 + 2.1 * 2.1) + 0.7 * (1.0 + 0.9 * 0.9)));
    kldiv::random_engine engine(12);
    kldiv::running_stats draws;
    for (int i = 0; i < 200000; ++i) draws.push(sample(m, engine));
    CHECK(std::fabs(draws.mean() - kldiv::mean(m)) < 5 * draws.standard_error());
    // KL has no closed form: the Monte Carlo fallback, checked against quadrature on a fine grid.
    const kldiv::normal<double> q(0.0, 2.0);
    const auto estimate = kldiv::kl_divergence(m, q, kldiv::monte_carlo{400000}, engine);
    double integral = 0;
    for (double t = -20; t <= 20; t += 1e-3) {
        const double lp = log_pdf(m, t);
        integral += std::exp(lp) * (lp - log_pdf(q, t)) * 1e-3;
    }
    CHECK(std::fabs(estimate.value - integral) < 5 * estimate.standard_error + 1e-6);
    const auto h = kldiv::entropy(m, 200000, engine);
    double h_integral = 0;
    for (double t = -20; t <= 20; t += 1e-3) h_integral -= std::exp(log_pdf(m, t)) * log_pdf(m, t) * 1e-3;
    CHECK(std::fabs(h.value - h_integral) < 5 * h.standard_error + 1e-6);
}

TEST_CASE("cross-family closed forms through E_p[log q] agree with Monte Carlo", "[divergence][cross]") {
    kldiv::random_engine engine(13);
    const kldiv::gumbel<double> g(0.5, 1.5);
    check_against_monte_carlo(kldiv::normal<double>(0.3, 1.2), g, engine);
    check_against_monte_carlo(kldiv::exponential<double>(0.8), g, engine);
    check_against_monte_carlo(kldiv::gamma<double>(2.5, 1.5), g, engine);
    check_against_monte_carlo(kldiv::uniform<double>(-1.0, 2.0), g, engine);
    check_against_monte_carlo(g, kldiv::normal<double>(1.0, 2.0), engine);
    const kldiv::pareto<double> pa(1.5, 4.0);
    check_against_monte_carlo(kldiv::uniform<double>(2.0, 5.0), pa, engine);
    check_against_monte_carlo(pa, kldiv::exponential<double>(0.7), engine);
    check_against_monte_carlo(pa, kldiv::gamma<double>(2.0, 1.0), engine);
    check_against_monte_carlo(kldiv::pareto<double>(1.0, 6.0), kldiv::normal<double>(1.0, 1.0), engine);
    check_against_monte_carlo(kldiv::beta<double>(2.0, 3.0), kldiv::gamma<double>(1.5, 2.0), engine);
    CHECK(kldiv::kl_divergence(kldiv::uniform<double>(1.0, 5.0), pa) == inf);
    CHECK(kldiv::kl_divergence(kldiv::exponential<double>(1.0), pa) == inf);
    CHECK(kldiv::kl_divergence(g, kldiv::exponential<double>(1.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::pareto<double>(1.0, 0.5), kldiv::exponential<double>(1.0)) == inf);
    CHECK(kldiv::kl_divergence(kldiv::pareto<double>(1.0, 1.5), kldiv::normal<double>(1.0, 1.0)) == inf);
}
