// low_rank_mv_normal (issue 17) against mpmath (tests/data/gen_low_rank.py, on the dense
// covariance): validation, log_pdf, entropy, sampling, KL to itself and both ways to mv_normal,
// a Monte Carlo cross-check (the library's kl_estimates on log-densities of samples: the scalar
// fallback kl_divergence(p, q, monte_carlo) draws scalars), and d = 10⁴ with rank 8.
#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <limits>
#include <vector>

#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "kldiv/estimators.hpp"
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"

namespace {
#include "data/low_rank.inc"

using lr = kldiv::low_rank_mv_normal<double>;
using vector = lr::vector;
using matrix = lr::matrix;

template <std::size_t D, std::size_t F>
lr make(const double (&mean)[D], const double (&factor)[F], int rank, const double (&diagonal)[D]) {
    const auto d = static_cast<Eigen::Index>(D);
    matrix w(d, rank);
    for (Eigen::Index i = 0; i < d; ++i)
        for (Eigen::Index j = 0; j < rank; ++j) w(i, j) = factor[static_cast<std::size_t>(i * rank + j)];
    return lr(Eigen::Map<const vector>(mean, d), w, Eigen::Map<const vector>(diagonal, d));
}

void check_relative(double got, double reference, double tolerance) {
    INFO(std::setprecision(17) << "got " << got << ", reference " << reference);
    CHECK(std::fabs(got - reference) <= tolerance * std::fabs(reference));
}

lr random_member(kldiv::random_engine& e, Eigen::Index d, Eigen::Index r) {
    matrix w(d, r);
    vector m(d), diagonal(d);
    for (Eigen::Index i = 0; i < d; ++i) {
        m[i] = kldiv::uniform01(e) - 0.5;
        diagonal[i] = 0.5 + kldiv::uniform01(e);
        for (Eigen::Index j = 0; j < r; ++j) w(i, j) = (kldiv::uniform01(e) - 0.5) / std::sqrt(double(r));
    }
    return lr(m, w, diagonal);
}

}  // namespace

TEST_CASE("low_rank_mv_normal: validation names the problem", "[distributions][low_rank]") {
    const vector m = vector::Zero(3), dg = vector::Ones(3);
    const matrix w = matrix::Ones(3, 2);
    CHECK_THROWS_WITH(lr(vector(), matrix(0, 1), vector()), Catch::Contains("low_rank_mv_normal") && Catch::Contains("empty"));
    CHECK_THROWS_WITH(lr(m, matrix::Ones(2, 2), dg), Catch::Contains("factor must be 3×r"));
    CHECK_THROWS_WITH(lr(m, matrix(3, 0), dg), Catch::Contains("factor must be 3×r"));
    CHECK_THROWS_WITH(lr(m, w, vector::Ones(2)), Catch::Contains("diagonal must have 3 entries"));
    vector bad = dg;
    bad[1] = 0;
    CHECK_THROWS_WITH(lr(m, w, bad), Catch::Contains("diagonal[1] must be positive"));
    bad[1] = std::numeric_limits<double>::infinity();
    CHECK_THROWS_WITH(lr(m, w, bad), Catch::Contains("diagonal[1]"));
    vector bad_mean = m;
    bad_mean[2] = std::nan("");
    CHECK_THROWS_WITH(lr(bad_mean, w, dg), Catch::Contains("mean[2] must be finite"));
    matrix bad_w = w;
    bad_w(1, 1) = std::nan("");
    CHECK_THROWS_WITH(lr(m, bad_w, dg), Catch::Contains("factor(1, 1) must be finite"));
}

TEST_CASE("low_rank_mv_normal: log_pdf, entropy, moments against mpmath", "[distributions][low_rank]") {
    const lr a = make(lr_a_mean, lr_a_factor, lr_a_rank, lr_a_diagonal);
    const lr d = make(lr_d_mean, lr_d_factor, lr_d_rank, lr_d_diagonal);  // rank 3 > dimension 2
    check_relative(log_pdf(a, std::span<const double>(lr_point)), low_rank_values[0][0], 1e-14);
    check_relative(entropy(a), low_rank_values[0][1], 1e-14);
    check_relative(entropy(d), low_rank_values[0][2], 1e-14);
    CHECK(mean(a) == a.mean());
    const matrix c = covariance(a);
    CHECK((c - (a.factor() * a.factor().transpose() + matrix(a.diagonal().asDiagonal()))).cwiseAbs().maxCoeff() < 1e-15);
    CHECK(c == c.transpose());
    CHECK(std::fabs(log_pdf(kldiv::as_mv_normal(a), std::span<const double>(lr_point)) - low_rank_values[0][0]) < 1e-13);
    CHECK(a.rank() == 2);
    CHECK(a.dimension() == 5);
    CHECK_THROWS_AS(log_pdf(a, std::span<const double>(lr_point, 3)), kldiv::domain_error);
    // Samples: mean and covariance within 5 standard errors (entry by entry).
    kldiv::random_engine engine(3);
    const int n = 200000;
    std::vector<double> x(5);
    vector s = vector::Zero(5);
    matrix s2 = matrix::Zero(5, 5);
    std::vector<vector> draws;
    for (int i = 0; i < n; ++i) {
        sample(a, engine, std::span<double>(x));
        const vector v = Eigen::Map<const vector>(x.data(), 5);
        s += v;
        s2 += v * v.transpose();
    }
    const vector m = s / n;
    const matrix cov = s2 / n - m * m.transpose();
    for (int i = 0; i < 5; ++i) {
        CHECK(std::fabs(m[i] - a.mean()[i]) < 5 * std::sqrt(c(i, i) / n));
        for (int j = 0; j < 5; ++j)
            CHECK(std::fabs(cov(i, j) - c(i, j)) < 5 * std::sqrt((c(i, i) * c(j, j) + c(i, j) * c(i, j)) / n));
    }
}

TEST_CASE("low_rank_mv_normal: KL to itself and both ways to mv_normal against mpmath", "[divergence][low_rank]") {
    const lr a = make(lr_a_mean, lr_a_factor, lr_a_rank, lr_a_diagonal);
    const lr b = make(lr_b_mean, lr_b_factor, lr_b_rank, lr_b_diagonal);
    const lr d = make(lr_d_mean, lr_d_factor, lr_d_rank, lr_d_diagonal);
    const lr e = make(lr_e_mean, lr_e_factor, lr_e_rank, lr_e_diagonal);
    const kldiv::mv_normal<double> dense(Eigen::Map<const vector>(dense_mean, 5), Eigen::Map<const matrix>(dense_covariance, 5, 5));
    const auto& r = low_rank_kl[0];
    check_relative(kldiv::kl_divergence(a, b), r[0], 1e-13);
    check_relative(kldiv::kl_divergence(b, a), r[1], 1e-13);
    check_relative(kldiv::kl_divergence(a, dense), r[2], 1e-13);
    check_relative(kldiv::kl_divergence(dense, a), r[3], 1e-13);
    check_relative(kldiv::kl_divergence(d, e), r[4], 1e-13);
    check_relative(kldiv::kl_divergence(e, d), r[5], 1e-13);
    // Nearly equal parameters: KL ~ 1e-19 .. 1e-38 keeps its digits.
    const lr t1 = make(lr_t1_mean, lr_t1_factor, lr_t1_rank, lr_t1_diagonal);
    const lr t2 = make(lr_t2_mean, lr_t2_factor, lr_t2_rank, lr_t2_diagonal);
    const lr t3 = make(lr_t3_mean, lr_t3_factor, lr_t3_rank, lr_t3_diagonal);
    const lr t4 = make(lr_t4_mean, lr_t4_factor, lr_t4_rank, lr_t4_diagonal);
    const auto& tiny = low_rank_tiny_kl[0];
    check_relative(kldiv::kl_divergence(a, t1), tiny[0], 1e-13);
    check_relative(kldiv::kl_divergence(t1, a), tiny[1], 1e-13);
    check_relative(kldiv::kl_divergence(a, t2), tiny[2], 1e-13);
    check_relative(kldiv::kl_divergence(t3, a), tiny[3], 1e-13);
    check_relative(kldiv::kl_divergence(a, t4), tiny[4], 1e-13);
    check_relative(kldiv::kl_divergence(t4, a), tiny[5], 1e-13);
    CHECK(kldiv::kl_divergence(a, a) == 0.0);
    CHECK(kldiv::kl_divergence(d, d) == 0.0);
    check_relative(kldiv::cross_entropy(a, b), entropy(a) + r[0], 1e-13);
    CHECK_THROWS_AS(kldiv::kl_divergence(a, d), kldiv::domain_error);
    STATIC_REQUIRE(kldiv::closed_form_kl<lr, lr>);
    STATIC_REQUIRE(kldiv::closed_form_kl<lr, kldiv::mv_normal<double>>);
    STATIC_REQUIRE(kldiv::closed_form_kl<kldiv::mv_normal<double>, lr>);
    STATIC_REQUIRE_FALSE(kldiv::closed_form_kl<lr, kldiv::normal<double>>);
    STATIC_REQUIRE_FALSE(kldiv::closed_form_kl<kldiv::dirichlet<double>, lr>);
}

TEST_CASE("low_rank_mv_normal: KL against the dense mv_normal form and Monte Carlo", "[divergence][low_rank][monte_carlo]") {
    kldiv::random_engine engine(41);
    for (int trial = 0; trial < 5; ++trial) {
        const Eigen::Index d = 3 + 7 * trial, r1 = 1 + trial, r2 = 1 + (trial * 3) % 4;
        const lr p = random_member(engine, d, r1), q = random_member(engine, d, r2);
        const double kl = kldiv::kl_divergence(p, q);
        INFO("d = " << d << ", ranks " << r1 << ", " << r2);
        check_relative(kl, kldiv::kl_divergence(kldiv::as_mv_normal(p), kldiv::as_mv_normal(q)), 1e-12);
        // x ~ p: ℓ = log q(x) − log p(x); k3 = e^ℓ − 1 − ℓ averages to KL(p‖q).
        const std::size_t n = 40000;
        std::vector<double> x(static_cast<std::size_t>(d)), lp(n), lq(n);
        for (std::size_t i = 0; i < n; ++i) {
            sample(p, engine, std::span<double>(x));
            lp[i] = log_pdf(p, std::span<const double>(x));
            lq[i] = log_pdf(q, std::span<const double>(x));
        }
        const auto estimates = kldiv::kl_estimates(std::span<const double>(lp), std::span<const double>(lq));
        INFO("closed form " << kl << ", Monte Carlo " << estimates.k3.mean() << " ± " << estimates.k3.standard_error());
        CHECK(std::fabs(estimates.k3.mean() - kl) < 5 * estimates.k3.standard_error());
    }
}

TEST_CASE("low_rank_mv_normal: d = 10^4 with rank 8 (and one pair of rank 64) runs in O(d r^2)", "[divergence][low_rank][large]") {
    kldiv::random_engine engine(97);
    const Eigen::Index d = 10000, r = 8;
    const auto start = std::chrono::steady_clock::now();
    lr p = random_member(engine, d, r);
    // Row 0 of the factor is zero, so a mean shift t·e₀ costs exactly t²/(2D₀).
    matrix w = p.factor();
    w.row(0).setZero();
    p = lr(p.mean(), w, p.diagonal());
    // The same covariance with the factor's columns rotated (and a zero column added): KL = 0.
    const Eigen::HouseholderQR<matrix> qr(matrix::Random(r, r));
    const matrix rotation = qr.householderQ();
    matrix rotated(d, r + 1);
    rotated << w * rotation, vector::Zero(d);
    const lr same(p.mean(), rotated, p.diagonal());
    CHECK(std::fabs(kldiv::kl_divergence(p, same)) < 1e-10);
    CHECK(std::fabs(kldiv::kl_divergence(same, p)) < 1e-10);
    vector shifted_mean = p.mean();
    shifted_mean[0] += 0.3;
    const lr shifted(shifted_mean, w, p.diagonal());
    check_relative(kldiv::kl_divergence(p, shifted), 0.09 / (2 * p.diagonal()[0]), 1e-12);
    // A general pair: finite, positive, and the entropy and log-density are finite.
    const lr q = random_member(engine, d, r);
    const double kl = kldiv::kl_divergence(p, q);
    CHECK(std::isfinite(kl));
    CHECK(kl > 0);
    std::vector<double> x(static_cast<std::size_t>(d));
    sample(q, engine, std::span<double>(x));
    CHECK(std::isfinite(log_pdf(p, std::span<const double>(x))));
    CHECK(std::isfinite(entropy(p)));
    // Rank 64, the largest the issue asks for: one KL.
    const lr p64 = random_member(engine, d, 64), q64 = random_member(engine, d, 64);
    const double kl64 = kldiv::kl_divergence(p64, q64);
    CHECK(std::isfinite(kl64));
    CHECK(kl64 > 0);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    INFO("d = 10^4, r = 8 and 64: " << seconds << " s");
    CHECK(seconds < 10);
}
