// Fisher information: scores have mean 0 and covariance F (Monte Carlo), F = −E[∇² log p]
// (finite differences of the score), ½δᵀFδ matches KL to second order with an O(‖δ‖³) error,
// parametrization tags by the chain rule, natural gradients and the empirical Fisher.
#include <Eigen/Dense>
#include <cmath>
#include <numbers>
#include <random>
#include <vector>

#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "kldiv/fisher.hpp"
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"

namespace {

using vec = Eigen::VectorXd;
using mat = Eigen::MatrixXd;

/// Scores at n samples: mean within 5 SE of 0, covariance within 5 SE of F entrywise, and
/// −E[∇² log p] (central differences of the score in each parameter) within 5 SE of F.
template <class D>
void check_score_moments(const D& d, std::uint64_t seed, int n = 100000) {
    kldiv::random_engine engine(seed);
    const mat f = kldiv::fisher_information(d);
    const vec theta = kldiv::parameters(d);
    const Eigen::Index k = f.rows();
    std::vector<vec> scores;
    std::vector<mat> hessians;
    for (int i = 0; i < n; ++i) {
        const double x = sample(d, engine);
        scores.push_back(kldiv::score(d, x));
        mat h(k, k);
        for (Eigen::Index j = 0; j < k; ++j) {
            const double step = 1e-5 * std::max(1.0, std::fabs(theta[j]));
            vec up = theta, down = theta;
            up[j] += step, down[j] -= step;
            h.col(j) = -(kldiv::score(kldiv::with_parameters(d, up), x) - kldiv::score(kldiv::with_parameters(d, down), x)) /
                       (2 * step);
        }
        hessians.push_back(h);
    }
    for (Eigen::Index a = 0; a < k; ++a) {
        double m = 0, m2 = 0;
        for (const auto& s : scores) m += s[a], m2 += s[a] * s[a];
        m /= n;
        CHECK(std::fabs(m) < 5 * std::sqrt((m2 / n - m * m) / n) + 1e-12);
        for (Eigen::Index b = 0; b < k; ++b) {
            double c = 0, c2 = 0, h = 0, h2 = 0;
            for (int i = 0; i < n; ++i) {
                const double v = scores[i][a] * scores[i][b];
                c += v, c2 += v * v;
                h += hessians[i](a, b), h2 += hessians[i](a, b) * hessians[i](a, b);
            }
            c /= n, h /= n;
            INFO("entry (" << a << ", " << b << "): F = " << f(a, b) << ", Cov(s) = " << c << ", −E[H] = " << h);
            CHECK(std::fabs(c - f(a, b)) < 5 * std::sqrt((c2 / n - c * c) / n) + 1e-9 * std::fabs(f(a, b)));
            CHECK(std::fabs(h - f(a, b)) < 5 * std::sqrt(std::max(0.0, h2 / n - h * h) / n) + 1e-6 * std::fabs(f(a, b)) + 1e-9);
        }
    }
}

/// (KL(p_θ‖p_θ+tu) − ½t²uᵀFu)/t³ stays bounded as t → 0, and the ratio KL/quadratic → 1.
template <class D>
void check_quadratic(const D& d, const vec& direction) {
    const vec theta = kldiv::parameters(d);
    double first = 0;
    for (const double t : {1e-2, 1e-3, 1e-4}) {
        const vec delta = t * direction;
        const double kl = kldiv::kl_divergence(d, kldiv::with_parameters(d, vec(theta + delta)));
        const double quadratic = kldiv::kl_quadratic(d, delta);
        const double third_order = (kl - quadratic) / (t * t * t);
        INFO("t = " << t << ": KL " << kl << ", ½δᵀFδ " << quadratic << ", (KL − quad)/t³ " << third_order);
        if (t == 1e-2) first = std::fabs(third_order);
        CHECK(std::fabs(third_order) <= 2 * first + 1.0);
        CHECK(kl / quadratic == Approx(1.0).epsilon(20 * t));
    }
}

}  // namespace

TEST_CASE("scores have mean zero, covariance F, and F = −E[Hessian]", "[fisher][score]") {
    check_score_moments(kldiv::normal<double>(0.5, 1.5), 1);
    check_score_moments(kldiv::log_normal<double>(0.2, 0.7), 2);
    check_score_moments(kldiv::half_normal<double>(1.3), 3);
    check_score_moments(kldiv::gumbel<double>(0.5, 1.2), 5);
    check_score_moments(kldiv::cauchy<double>(-0.3, 0.8), 6);
    check_score_moments(kldiv::exponential<double>(1.7), 7);
    check_score_moments(kldiv::gamma<double>(2.5, 1.5), 8);
    check_score_moments(kldiv::beta<double>(2.0, 3.5), 9);
    check_score_moments(kldiv::pareto<double>(1.0, 3.0), 10);
    check_score_moments(kldiv::bernoulli<double>(0.3), 11);
    check_score_moments(kldiv::binomial<double>(12, 0.4), 12);
    check_score_moments(kldiv::geometric<double>(0.35), 13);
    check_score_moments(kldiv::poisson<double>(3.2), 14);
    const std::vector<double> probs{0.2, 0.5, 0.3};
    check_score_moments(kldiv::categorical<double>(probs), 15);
}

TEST_CASE("Laplace: score covariance is F (its log-density has no second derivative in loc)", "[fisher][score]") {
    const kldiv::laplace<double> d(0.4, 1.3);
    kldiv::random_engine engine(4);
    const int n = 200000;
    mat c = mat::Zero(2, 2);
    for (int i = 0; i < n; ++i) {
        const vec s = kldiv::score(d, sample(d, engine));
        c += s * s.transpose();
    }
    c /= n;
    const mat f = kldiv::fisher_information(d);
    CHECK(c(0, 0) == Approx(f(0, 0)).epsilon(0.02));
    CHECK(c(1, 1) == Approx(f(1, 1)).epsilon(0.02));
    CHECK(std::fabs(c(0, 1)) < 0.02);
}

TEST_CASE("½δᵀFδ approximates KL with an O(‖δ‖³) error, for every family", "[fisher][quadratic]") {
    const vec u1 = (vec(1) << 0.7).finished(), u2 = (vec(2) << 0.6, -0.8).finished();
    check_quadratic(kldiv::normal<double>(0.5, 1.5), u2);
    check_quadratic(kldiv::log_normal<double>(0.2, 0.7), u2);
    check_quadratic(kldiv::half_normal<double>(1.3), u1);
    check_quadratic(kldiv::laplace<double>(0.4, 1.3), u2);
    check_quadratic(kldiv::gumbel<double>(0.5, 1.2), u2);
    check_quadratic(kldiv::cauchy<double>(-0.3, 0.8), u2);
    check_quadratic(kldiv::exponential<double>(1.7), u1);
    check_quadratic(kldiv::gamma<double>(2.5, 1.5), u2);
    check_quadratic(kldiv::beta<double>(2.0, 3.5), u2);
    check_quadratic(kldiv::pareto<double>(1.0, 3.0), u1);
    check_quadratic(kldiv::bernoulli<double>(0.3), u1);
    check_quadratic(kldiv::binomial<double>(12, 0.4), u1);
    check_quadratic(kldiv::geometric<double>(0.35), u1);
    check_quadratic(kldiv::poisson<double>(3.2), u1);
    const std::vector<double> probs{0.2, 0.5, 0.3};
    check_quadratic(kldiv::categorical<double>(probs), u2);
    const std::vector<double> alpha{2.0, 0.7, 3.0};
    check_quadratic(kldiv::dirichlet<double>(alpha), (vec(3) << 0.5, -0.3, 0.8).finished());
    mat s(2, 2);
    s << 1.5, 0.3, 0.3, 0.8;
    const kldiv::mv_normal<double> mvn((vec(2) << 0.1, -0.4).finished(), s);
    check_quadratic(mvn, (vec(5) << 0.3, -0.2, 0.5, 0.1, -0.4).finished());
}

TEST_CASE("parametrization tags agree with the chain rule", "[fisher][tags]") {
    const kldiv::normal<double> n(0.7, 1.8);
    const mat f = kldiv::fisher_information(n);
    // (μ, log σ): J = ∂(μ, σ)/∂(μ, log σ) = diag(1, σ).
    const mat j = (vec(2) << 1.0, 1.8).finished().asDiagonal();
    const mat f_log = kldiv::fisher_information(n, kldiv::parametrization::mean_log_stddev{});
    CHECK((f_log - j.transpose() * f * j).norm() < 1e-14);
    // Natural (η₁, η₂) = (μ/σ², −1/(2σ²)): μ = −η₁/(2η₂), σ = (−2η₂)^(−½).
    const double e1 = 0.7 / (1.8 * 1.8), e2 = -1 / (2 * 1.8 * 1.8);
    mat jn(2, 2);
    jn << -1 / (2 * e2), e1 / (2 * e2 * e2), 0, std::pow(-2 * e2, -1.5);
    const mat f_nat = kldiv::fisher_information(n, kldiv::parametrization::natural{});
    CHECK((f_nat - jn.transpose() * f * jn).norm() < 1e-12 * f_nat.norm());
    // Bernoulli logits: dp/dη = p(1 − p).
    const kldiv::bernoulli<double> b(0.3);
    CHECK(kldiv::fisher_information(b, kldiv::parametrization::logits{})(0, 0) ==
          Approx(0.21 * 0.21 * kldiv::fisher_information(b)(0, 0)).epsilon(1e-14));
    // Categorical logits: diag(p) − ppᵀ, singular along the ones vector.
    const std::vector<double> probs{0.2, 0.5, 0.3};
    const mat fc = kldiv::fisher_information(kldiv::categorical<double>(probs), kldiv::parametrization::logits{});
    CHECK((fc * vec::Ones(3)).norm() < 1e-15);
    // mv_normal: mean only is Σ⁻¹, the top-left block of the full matrix.
    mat s(2, 2);
    s << 1.5, 0.3, 0.3, 0.8;
    const kldiv::mv_normal<double> mvn(vec::Zero(2), s);
    CHECK((kldiv::fisher_information(mvn, kldiv::parametrization::mean_only{}) - s.inverse()).norm() < 1e-14);
    CHECK((kldiv::fisher_information(mvn).topLeftCorner(2, 2) - s.inverse()).norm() < 1e-14);
}

TEST_CASE("natural gradients and the empirical Fisher", "[fisher][natural_gradient]") {
    mat f(2, 2);
    f << 2.0, 0.5, 0.5, 1.0;
    const vec g = (vec(2) << 1.0, -1.0).finished();
    const vec x = kldiv::natural_gradient(f, g);
    CHECK((f * x - g).norm() < 1e-15);
    const vec damped = kldiv::natural_gradient(f, g, 0.1);
    CHECK(((f + 0.1 * mat::Identity(2, 2)) * damped - g).norm() < 1e-15);
    mat singular(2, 2);
    singular << 1.0, 1.0, 1.0, 1.0;
    CHECK_THROWS_WITH(kldiv::natural_gradient(singular, g), Catch::Contains("singular or not positive definite"));
    CHECK_NOTHROW(kldiv::natural_gradient(singular, g, 1e-6));
    CHECK_THROWS_AS(kldiv::natural_gradient(f, g, -1.0), kldiv::domain_error);
    CHECK_THROWS_AS(kldiv::natural_gradient(f, vec(3)), kldiv::domain_error);
    // The empirical Fisher of many scores converges to F.
    const kldiv::gamma<double> d(2.5, 1.5);
    kldiv::random_engine engine(20);
    mat scores(200000, 2);
    for (Eigen::Index i = 0; i < scores.rows(); ++i) scores.row(i) = kldiv::score(d, sample(d, engine)).transpose();
    const mat empirical = kldiv::empirical_fisher(scores);
    CHECK((empirical - kldiv::fisher_information(d)).norm() < 0.02 * kldiv::fisher_information(d).norm());
    CHECK_THROWS_AS(kldiv::empirical_fisher(mat(0, 2)), kldiv::domain_error);
}

TEST_CASE("vector-valued families: scores have mean zero and covariance F", "[fisher][score]") {
    const auto check = [](const auto& d, int dimension, std::uint64_t seed) {
        kldiv::random_engine engine(seed);
        const mat f = kldiv::fisher_information(d);
        const int n = 200000;
        vec mean = vec::Zero(f.rows());
        mat second = mat::Zero(f.rows(), f.cols());
        std::vector<double> x(static_cast<std::size_t>(dimension));
        for (int i = 0; i < n; ++i) {
            sample(d, engine, std::span<double>(x));
            const vec s = kldiv::score(d, std::span<const double>(x));
            mean += s;
            second += s * s.transpose();
        }
        mean /= n;
        second /= n;
        for (Eigen::Index a = 0; a < f.rows(); ++a) {
            CHECK(std::fabs(mean[a]) < 5 * std::sqrt(f(a, a) / n));
            for (Eigen::Index b = 0; b < f.cols(); ++b)
                CHECK(std::fabs(second(a, b) - f(a, b)) < 0.03 * std::sqrt(f(a, a) * f(b, b)));
        }
    };
    const std::vector<double> alpha{2.0, 3.5, 4.0};
    check(kldiv::dirichlet<double>(alpha), 3, 30);
    mat s(2, 2);
    s << 1.5, 0.3, 0.3, 0.8;
    check(kldiv::mv_normal<double>((vec(2) << 0.1, -0.4).finished(), s), 2, 31);
}

TEST_CASE("families of issue 17: scores have mean zero and covariance F; ½δᵀFδ approximates KL", "[fisher][issue17]") {
    check_score_moments(kldiv::chi_squared<double>(3.5), 21);
    check_score_moments(kldiv::chi<double>(2.5), 22);
    check_score_moments(kldiv::weibull<double>(1.5, 2.2), 23);
    check_score_moments(kldiv::transformed(kldiv::gamma<double>(2.5, 1.5), kldiv::affine{1.0, -2.0}), 24);
    const vec u1 = (vec(1) << 0.7).finished(), u2 = (vec(2) << 0.6, -0.8).finished();
    check_quadratic(kldiv::chi_squared<double>(3.5), u1);
    check_quadratic(kldiv::chi<double>(2.5), u1);
    check_quadratic(kldiv::weibull<double>(1.5, 2.2), u2);
    check_quadratic(kldiv::transformed(kldiv::normal<double>(0.5, 1.5), kldiv::affine{3.0, 0.25}), u2);
    const kldiv::independent<kldiv::gamma<double>> product({kldiv::gamma<double>(2.0, 1.0), kldiv::gamma<double>(0.7, 3.0)});
    check_quadratic(product, (vec(4) << 0.3, -0.2, 0.5, 0.1).finished());
    // Block-diagonal, each block the component's matrix.
    const mat f = kldiv::fisher_information(product);
    CHECK((f.topLeftCorner(2, 2) - kldiv::fisher_information(kldiv::gamma<double>(2.0, 1.0))).norm() == 0.0);
    CHECK((f.bottomRightCorner(2, 2) - kldiv::fisher_information(kldiv::gamma<double>(0.7, 3.0))).norm() == 0.0);
    CHECK(f.topRightCorner(2, 2).norm() == 0.0);
    CHECK_THROWS_AS(kldiv::with_parameters(product, vec(3)), kldiv::domain_error);
}

TEST_CASE("inverse_gamma, logistic, student_t, continuous_bernoulli, von_mises: scores have mean zero and covariance F", "[fisher][issue17]") {
    check_score_moments(kldiv::inverse_gamma<double>(3.5, 2.0), 31);
    check_score_moments(kldiv::logistic<double>(0.5, 1.5), 32);
    check_score_moments(kldiv::student_t<double>(6.0, 0.5, 1.5), 33);
    check_score_moments(kldiv::continuous_bernoulli<double>(0.3), 34);
    check_quadratic(kldiv::continuous_bernoulli<double>(0.3), (vec(1) << 0.7).finished());
    check_quadratic(kldiv::inverse_gamma<double>(3.5, 2.0), (vec(2) << 0.6, -0.8).finished());
    check_score_moments(kldiv::von_mises<double>(0.4, 2.5), 35);
    check_quadratic(kldiv::von_mises<double>(0.4, 2.5), (vec(2) << 0.6, -0.8).finished());
    check_quadratic(kldiv::von_mises<double>(-3.0, 0.05), (vec(2) << 0.6, -0.8).finished());
    // I_νν against mpmath quadrature of E[(∂ν log p)²] at ν = 4 (tests/data/gen_new_families.py).
    CHECK(kldiv::fisher_information(kldiv::student_t<double>(4.0, 0.0, 1.0))(0, 0) ==
          Approx(6.501220544140750017760671e-3).epsilon(1e-13));
}

TEST_CASE("scores at the edges of the support: x/scale is never formed where it over- or underflows",
          "[fisher][score][edges]") {
    const auto close = [](double value, double expected) {
        INFO(value << " vs " << expected);
        CHECK(std::fabs(value - expected) <= 1e-13 * std::fabs(expected));
    };
    const double ln2 = std::numbers::ln2, ln10 = std::numbers::ln10;
    // χ²(3) at the smallest subnormal x = 2⁻¹⁰⁷⁴: ½(log(x/2) − ψ(3/2)), ψ(3/2) = 2 − γ − 2·ln 2
    // (x/2 rounds to 0: the score was −inf).
    const double psi_three_halves = 2 - std::numbers::egamma - 2 * ln2;
    close(kldiv::score(kldiv::chi_squared<double>(3), 4.9406564584124654e-324)[0], 0.5 * (-1075 * ln2 - psi_three_halves));
    // Weibull(λ = 1e-200, k = 1e-3) at x = 1e200: log(x/λ) = 400·ln 10 (x/λ overflowed: NaN).
    const double l = 400 * ln10, z = std::exp(1e-3 * l);
    const auto w = kldiv::score(kldiv::weibull<double>(1e-200, 1e-3), 1e200);
    close(w[0], 1e-3 / 1e-200 * (z - 1));
    close(w[1], 1e3 + (1 - z) * l);
    // Pareto(scale 1e-300, α = 2) at x = 1e300: 1/α − log(x/scale) = ½ − 600·ln 10 (was −inf).
    close(kldiv::score(kldiv::pareto<double>(1e-300, 2), 1e300)[0], 0.5 - 600 * ln10);
}
