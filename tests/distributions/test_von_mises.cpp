// The von Mises family (issue 17) and its Bessel functions against mpmath
// (tests/data/gen_von_mises.py): log I₀, I₁/I₀, 1 − I₁/I₀ and (I₁/I₀)' from 1e-8 to 1e8;
// validation, log_pdf (scalar and batched), entropy, circular mean and variance, support,
// sampling from κ = 1e-8 (nearly uniform) to 1e8 (nearly normal), Fisher information, the
// closed-form KL (also at KL ~ 1e-20) and the Monte Carlo fallback.
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <limits>
#include <numbers>
#include <vector>

#include "kldiv/core/modified_bessel.hpp"
#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "kldiv/fisher.hpp"
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"

namespace {
#include "data/von_mises.inc"

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double pi = std::numbers::pi;

void check_relative(double got, double reference, double tolerance) {
    INFO(std::setprecision(17) << "got " << got << ", mpmath " << reference);
    if (reference == 0)
        CHECK(got == 0.0);
    else
        CHECK(std::fabs(got - reference) <= tolerance * std::fabs(reference));
}

/// Mean of f over n draws within 5 standard errors of expected.
template <class F>
void check_sample_mean(const std::vector<double>& x, F f, double expected, const char* what) {
    double s = 0, s2 = 0;
    for (const double v : x) {
        const double y = f(v);
        s += y, s2 += y * y;
    }
    const double n = static_cast<double>(x.size()), m = s / n, se = std::sqrt(std::max(s2 / n - m * m, 0.0) / n);
    INFO(what << ": sample mean " << std::setprecision(17) << m << " ± " << se << ", expected " << expected);
    CHECK(std::fabs(m - expected) <= 5 * se + 1e-15 * std::fabs(expected));
}

}  // namespace

TEST_CASE("modified Bessel: log I0, I1/I0, its complement and derivative against mpmath", "[core][bessel][von_mises]") {
    for (const auto& r : bessel_values) {
        INFO("x = " << r[0]);
        check_relative(kldiv::log_bessel_i0(r[0]), r[1], 1e-14);
        check_relative(kldiv::log_bessel_i0e(r[0]), r[2], 1e-14);
        check_relative(kldiv::bessel_i1_i0_ratio(r[0]), r[3], 1e-14);
        check_relative(kldiv::bessel_i1_i0_ratio_complement(r[0]), r[4], 1e-14);
        check_relative(kldiv::bessel_i1_i0_ratio_derivative(r[0]), r[5], 1e-14);
        check_relative(kldiv::bessel_i1_i0_ratio(-r[0]), -r[3], 1e-14);
    }
    CHECK(kldiv::log_bessel_i0(0.0) == 0.0);
    CHECK(kldiv::bessel_i1_i0_ratio(0.0) == 0.0);
    CHECK(kldiv::bessel_i1_i0_ratio_derivative(0.0) == 0.5);
    CHECK(kldiv::bessel_i1_i0_ratio_complement(0.0) == 1.0);
    CHECK(kldiv::log_bessel_i0(inf) == inf);
    CHECK(kldiv::bessel_i1_i0_ratio(inf) == 1.0);
    CHECK(kldiv::bessel_i1_i0_ratio_derivative(inf) == 0.0);
    CHECK(std::isnan(kldiv::bessel_i1_i0_ratio(std::nan(""))));
    CHECK(std::isnan(kldiv::bessel_i1_i0_ratio_derivative(-1.0)));
    CHECK(std::isfinite(kldiv::log_bessel_i0e(1e300)));
}

TEST_CASE("von_mises: validation names the parameter", "[distributions][von_mises]") {
    CHECK_THROWS_WITH(kldiv::von_mises<double>(std::nan(""), 1), Catch::Contains("von_mises: loc"));
    CHECK_THROWS_WITH(kldiv::von_mises<double>(inf, 1), Catch::Contains("von_mises: loc"));
    CHECK_THROWS_WITH(kldiv::von_mises<double>(0, 0), Catch::Contains("von_mises: concentration"));
    CHECK_THROWS_WITH(kldiv::von_mises<double>(0, -1), Catch::Contains("von_mises: concentration"));
    CHECK_THROWS_WITH(kldiv::von_mises<double>(0, inf), Catch::Contains("von_mises: concentration"));
    CHECK_NOTHROW(kldiv::von_mises<double>(100, 1e-300));
}

TEST_CASE("von_mises: log_pdf, entropy, circular mean and variance, support against mpmath", "[distributions][von_mises]") {
    for (const auto& r : vm_values) {
        const kldiv::von_mises<double> d(r[0], r[1]);
        INFO("von_mises(" << r[0] << ", " << r[1] << ") at " << r[2]);
        CHECK(std::fabs(log_pdf(d, r[2]) - r[3]) <= 1e-14 * std::max(1.0, std::fabs(r[3])));
        CHECK(std::fabs(entropy(d) - r[4]) <= 1e-14 * std::max(1.0, std::fabs(r[4])));
        check_relative(variance(d), r[5], 1e-14);
        CHECK(mean(d) >= -pi);
        CHECK(mean(d) < pi);
        CHECK(std::fabs(std::remainder(mean(d) - r[0], 2 * pi)) < 1e-15);
    }
    const kldiv::von_mises<double> d(0.5, 3.0);
    CHECK(log_pdf(d, 3.2) == -inf);
    CHECK(log_pdf(d, -3.2) == -inf);
    CHECK(std::isfinite(log_pdf(d, pi)));
    CHECK(std::isnan(log_pdf(d, std::nan(""))));
    const auto s = support(d);
    CHECK(s.lower == -pi);
    CHECK(s.upper == pi);
    CHECK(s.kind == kldiv::support_kind::interval);
    CHECK(kldiv::von_mises<double>::support_at_compile_time.kind == kldiv::support_kind::interval);
    // The density is 2π-periodic in loc and integrates to 1 (trapezoid rule: exact for periodic functions).
    const kldiv::von_mises<double> shifted(0.5 + 2 * pi, 3.0);
    double total = 0;
    const int n = 400;
    for (int i = 0; i < n; ++i) {
        const double x = -pi + 2 * pi * i / n;
        CHECK(std::fabs(log_pdf(shifted, x) - log_pdf(d, x)) < 1e-13);
        total += std::exp(log_pdf(d, x));
    }
    CHECK(std::fabs(total * 2 * pi / n - 1) < 1e-14);
    // Batched log_pdf equals the scalar one.
    std::vector<double> x{-3.0, -1.0, 0.0, 0.5, 2.0, 3.1}, lp(x.size());
    log_pdf(d, std::span<const double>(x), std::span<double>(lp));
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(lp[i] == log_pdf(d, x[i]));
    // float: the double evaluation rounded once.
    const kldiv::von_mises<float> f(0.5f, 3.0f);
    CHECK(std::fabs(log_pdf(f, 1.0f) - static_cast<float>(log_pdf(d, 1.0))) <= 1e-6f);
}

TEST_CASE("von_mises: samples from κ = 1e-8 to 1e8 have the right circular moments", "[distributions][von_mises][sampling]") {
    kldiv::random_engine engine(17);
    for (const double kappa : {1e-8, 1e-3, 0.5, 2.0, 50.0, 999999.0, 1e6, 1e8}) {
        for (const double loc : {0.7, pi - 1e-5, -3.0}) {
            const kldiv::von_mises<double> d(loc, kappa);
            std::vector<double> x(100000);
            sample(d, engine, std::span<double>(x));
            INFO("von_mises(" << loc << ", " << kappa << ")");
            bool inside = true;
            for (const double v : x) inside = inside && v >= -pi && v < pi;
            CHECK(inside);
            const double a = kldiv::bessel_i1_i0_ratio(kappa);
            // E cos(X − μ) = A, E sin(X − μ) = 0, E κ(1 − cos(X − μ)) = κ(1 − A) (≈ ½ for large κ),
            // E cos 2(X − μ) = I₂/I₀ = 1 − 2A/κ.
            // (cos itself is rounded to 1 at κ ≥ 1e6: there the 1 − cos and sin² forms are checked.)
            if (kappa < 1e6) check_sample_mean(x, [&](double v) { return std::cos(v - loc); }, a, "cos");
            check_sample_mean(x, [&](double v) { return std::sin(v - loc); }, 0.0, "sin");
            check_sample_mean(
                x, [&](double v) { return kappa * kldiv::detail::one_minus_cos_difference(v, loc); },
                kappa * kldiv::bessel_i1_i0_ratio_complement(kappa), "kappa (1 - cos)");
            if (kappa < 1e6)
                check_sample_mean(x, [&](double v) { return std::cos(2 * (v - loc)); }, 1 - 2 * (a / kappa), "cos 2");
            // κ·sin²(X − μ) = κ(1 − cos 2(X − μ))/2 has mean A (≈ 1 when nearly normal: κθ² ~ χ²₁).
            check_sample_mean(
                x, [&](double v) { const double s = std::sin(v - loc); return kappa * s * s; }, a, "kappa sin^2");
        }
    }
    // Nearly uniform: E X² = π²/3 within the sampling error.
    const kldiv::von_mises<double> flat(0.0, 1e-8);
    std::vector<double> x(200000);
    sample(flat, engine, std::span<double>(x));
    check_sample_mean(x, [](double v) { return v * v; }, pi * pi / 3, "x^2 (uniform)");
}

TEST_CASE("von_mises: samples pass a Kolmogorov–Smirnov test against the density's CDF", "[distributions][von_mises][sampling]") {
    // The CDF of the offset θ = X − loc (reduced to [−π, π)) by the trapezoid rule on a fine grid
    // over the range that holds the mass (±40/√κ, at most ±π): independent of the sampler.
    kldiv::random_engine engine(123);
    for (const double kappa : {1e-8, 0.01, 2.0, 50.0, 5e5, 2e6, 1e8}) {
        const double loc = 0.5, half = std::min(pi, 40 / std::sqrt(kappa));
        const int grid = 200000;
        std::vector<double> cdf(grid + 1, 0.0);
        const double step = 2 * half / grid;
        const auto density = [&](double t) { const double s = std::sin(t / 2); return std::exp(-2 * kappa * s * s); };
        for (int i = 1; i <= grid; ++i)
            cdf[static_cast<std::size_t>(i)] = cdf[static_cast<std::size_t>(i - 1)] +
                                               0.5 * step * (density(-half + (i - 1) * step) + density(-half + i * step));
        const double total = cdf.back();
        const kldiv::von_mises<double> d(loc, kappa);
        std::vector<double> offsets(100000);
        for (auto& t : offsets) t = kldiv::detail::wrap_angle(sample(d, engine) - loc);
        std::sort(offsets.begin(), offsets.end());
        double worst = 0;
        const double n = static_cast<double>(offsets.size());
        for (std::size_t i = 0; i < offsets.size(); ++i) {
            const double position = std::clamp((offsets[i] + half) / step, 0.0, double(grid));
            const auto below = std::min(static_cast<std::size_t>(position), static_cast<std::size_t>(grid - 1));
            const double frac = position - double(below);
            const double f = ((1 - frac) * cdf[below] + frac * cdf[below + 1]) / total;
            worst = std::max({worst, std::fabs(f - double(i) / n), std::fabs(f - double(i + 1) / n)});
        }
        INFO("κ = " << kappa << ": √n·D = " << std::sqrt(n) * worst);
        CHECK(std::sqrt(n) * worst < 1.95);  // the 0.1% point of the Kolmogorov distribution
    }
}

TEST_CASE("von_mises: Fisher information against quadrature and the Bessel ratio", "[fisher][von_mises]") {
    const auto& r = vm_fisher[0];
    const kldiv::von_mises<double> d(r[0], r[1]);
    const Eigen::MatrixXd f = kldiv::fisher_information(d);
    check_relative(f(0, 0), r[2], 1e-14);
    check_relative(f(1, 1), r[3], 1e-14);
    CHECK(f(0, 1) == 0.0);
    CHECK(f(1, 0) == 0.0);
    CHECK(kldiv::parameters(d)[1] == r[1]);
    CHECK(kldiv::with_parameters(d, kldiv::parameters(d)).concentration() == r[1]);
    // At large κ the κκ entry is ≈ 1/(2κ²) with every digit (its definition 1 − A/κ − A² cancels).
    const Eigen::MatrixXd big = kldiv::fisher_information(kldiv::von_mises<double>(0.0, 1e8));
    check_relative(big(1, 1), bessel_values[std::size(bessel_values) - 1][5], 1e-14);
    // The score's outer product averages to F (Monte Carlo, 5 standard errors).
    kldiv::random_engine engine(5);
    double s00 = 0, s11 = 0, q00 = 0, q11 = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const auto s = kldiv::score(d, sample(d, engine));
        s00 += s[0] * s[0], s11 += s[1] * s[1], q00 += std::pow(s[0], 4), q11 += std::pow(s[1], 4);
    }
    s00 /= n, s11 /= n, q00 /= n, q11 /= n;
    CHECK(std::fabs(s00 - r[2]) < 5 * std::sqrt((q00 - s00 * s00) / n));
    CHECK(std::fabs(s11 - r[3]) < 5 * std::sqrt((q11 - s11 * s11) / n));
}

TEST_CASE("von_mises: closed-form KL against mpmath, also at KL ~ 1e-20", "[divergence][von_mises]") {
    for (const auto& r : vm_kl) {
        const kldiv::von_mises<double> p(r[0], r[1]), q(r[2], r[3]);
        INFO("KL(vm(" << r[0] << ", " << r[1] << ") || vm(" << r[2] << ", " << r[3] << "))");
        check_relative(kldiv::kl_divergence(p, q), r[4], 1e-13);
        CHECK(kldiv::kl_divergence(p, p) == 0.0);
        CHECK(std::fabs(kldiv::cross_entropy(p, q) - (entropy(p) + r[4])) <= 1e-13 * std::max(1.0, std::fabs(entropy(p) + r[4])));
    }
    // Locations are angles: loc + 2π is the same distribution.
    const kldiv::von_mises<double> a(0.3, 2.0), b(-0.5, 3.0), b_turned(-0.5 + 4 * pi, 3.0);
    CHECK(std::fabs(kldiv::kl_divergence(a, b_turned) - kldiv::kl_divergence(a, b)) < 1e-14);
    // float goes through the double form.
    CHECK(std::fabs(kldiv::kl_divergence(kldiv::von_mises<float>(0.3f, 2.0f), kldiv::von_mises<float>(-0.5f, 3.0f)) -
                    static_cast<float>(vm_kl[0][4])) < 1e-6f);
}

TEST_CASE("von_mises: closed-form KL within 5 standard errors of the Monte Carlo fallback", "[divergence][von_mises][monte_carlo]") {
    kldiv::random_engine engine(29);
    for (const auto& r : vm_kl) {
        if (r[4] < 1e-3 || r[4] > 2) continue;  // beyond, k3's tail (q/p up to e^200) is not sampled
        const kldiv::von_mises<double> p(r[0], r[1]), q(r[2], r[3]);
        const double exact = kldiv::kl_divergence(p, q);
        const auto estimate = kldiv::kl_divergence(p, q, kldiv::monte_carlo{200000}, engine);
        INFO("exact " << exact << ", Monte Carlo " << estimate.value << " ± " << estimate.standard_error);
        CHECK(std::fabs(estimate.value - exact) < 5 * estimate.standard_error + 1e-12);
    }
}

TEST_CASE("von_mises: the support rule against the other families", "[divergence][von_mises][support_rule]") {
    const kldiv::von_mises<double> v(0.2, 3.0);
    // Unbounded families never fit inside [−π, π]; [−π, π] never fits in [0, ∞) or [0, 1].
    CHECK(kldiv::kl_divergence(kldiv::normal<double>(0, 1), v) == inf);
    CHECK(kldiv::kl_divergence(kldiv::exponential<double>(1), v) == inf);
    CHECK(kldiv::kl_divergence(v, kldiv::gamma<double>(2, 1)) == inf);
    CHECK(kldiv::kl_divergence(v, kldiv::beta<double>(2, 1)) == inf);
    CHECK(kldiv::kl_divergence(v, kldiv::poisson<double>(2)) == inf);
    // Nesting possible, no closed form: the readable compile error (Monte Carlo instead).
    STATIC_REQUIRE_FALSE(kldiv::closed_form_kl<kldiv::von_mises<double>, kldiv::normal<double>>);
    STATIC_REQUIRE_FALSE(kldiv::closed_form_kl<kldiv::uniform<double>, kldiv::von_mises<double>>);
    STATIC_REQUIRE_FALSE(kldiv::closed_form_kl<kldiv::beta<double>, kldiv::von_mises<double>>);
    STATIC_REQUIRE(kldiv::closed_form_kl<kldiv::von_mises<double>, kldiv::von_mises<double>>);
}
