// The continuous Bernoulli distribution CB(λ) on [0, 1] (Loaiza-Ganem & Cunningham 2019; PyTorch's
// ContinuousBernoulli): density, sampling, moments, entropy, written in the natural parameter
// η = log(λ/(1 − λ)) so that nothing cancels near λ = ½. Guarantees: validated at construction.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <random>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// ContinuousBernoulli(λ): density C(λ)·λˣ(1 − λ)¹⁻ˣ on [0, 1], C(λ) = 2·atanh(1 − 2λ)/(1 − 2λ)
/// (2 at λ = ½). Equivalently e^(ηx − A(η)) with η = log(λ/(1 − λ)) and the log-normaliser
/// A(η) = log((e^η − 1)/η). Constructor continuous_bernoulli(lambda): 0 < λ < 1, else
/// kldiv::domain_error.
template <real T = double>
class continuous_bernoulli {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::interval({0, 0}, {1, 1});

    explicit continuous_bernoulli(T lambda) : lambda_(lambda) {
        if (!(lambda > T(0) && lambda < T(1))) detail::fail("continuous_bernoulli", "lambda must be in (0, 1)", lambda);
        const double l = static_cast<double>(lambda);
        eta_ = std::log(l) - std::log1p(-l);
    }

    /// The constructor's parameter λ.
    [[nodiscard]] T lambda() const noexcept { return lambda_; }
    /// The natural parameter η = log(λ/(1 − λ)) (in double).
    [[nodiscard]] double natural() const noexcept { return eta_; }

private:
    T lambda_;
    double eta_;
};

namespace detail {

/// A(η) = log((e^η − 1)/η) = log1p(expm1mx(η)/η): no cancellation at η → 0 (where PyTorch's
/// normaliser loses its digits). ≤ 2e-16 relative.
inline double cb_log_normalizer(double eta) noexcept {
    if (eta == 0) return 0;
    if (eta > 1) return eta + std::log(-std::expm1(-eta) / eta);
    return std::log1p(expm1mx(eta) / eta);
}

/// The variance at η: v = 1/η² − 1/(4sinh²(η/2)) = 2g/(1 + 2gη²) with g = (cosh η − 1 − η²/2)/η⁴
/// = Σₖ≥₂ η^(2k−4)/(2k)! for |η| < 2 (positive terms), the direct difference beyond (where the
/// second term is below a third of the first). ≤ 4e-16 relative.
inline double cb_variance(double eta) noexcept {
    const double a = std::fabs(eta);
    if (a < 2) {
        const double s = eta * eta;
        double g = 0, term = 1.0 / 24;  // η⁰/4!
        for (int k = 2; k < 20; ++k) {
            g += term;
            term *= s / ((2.0 * k + 1) * (2.0 * k + 2));
        }
        return 2 * g / (1 + 2 * g * s);
    }
    const double sh = std::sinh(a / 2);
    return 1 / (eta * eta) - 1 / (4 * sh * sh);
}

/// The mean at η: ½ + ½·L(η/2), L(x) = coth x − 1/x the Langevin function (series for |x| < 1).
inline double cb_mean(double eta) noexcept {
    const double x = eta / 2, a = std::fabs(x);
    double langevin;
    if (a < 1) {
        // x/3 − x³/45 + 2x⁵/945 − x⁷/4725 + 2x⁹/93555 − 1382x¹¹/638512875 + …: the coefficients
        // 2²ⁿB₂ₙ/(2n)!, to x¹⁹ (< 1e-17 at |x| < 1).
        constexpr std::array<double, 10> c{1.0 / 3, -1.0 / 45, 2.0 / 945, -1.0 / 4725, 2.0 / 93555,
                                           -1382.0 / 638512875, 4.0 / 18243225, -3617.0 / 162820783125.0,
                                           87734.0 / 38979295480125.0, -349222.0 / 1531329465290625.0};
        const double s = x * x;
        double p = 0;
        for (std::size_t i = c.size(); i-- > 0;) p = p * s + c[i];
        langevin = x * p;
    } else {
        langevin = 1 / std::tanh(x) - 1 / x;
    }
    return 0.5 + 0.5 * langevin;
}

/// The signed ∫ from 0 to δ of w(τ)·v(η₀ + τ) dτ, w(τ) = δ − τ (bregman, the KL) or η₀ + τ (the
/// entropy), by Gauss–Legendre (8 nodes) on panels of width ≤ max(½, |s|/8): v is analytic with its
/// nearest singularities at ±2πi, so each panel is exact to rounding. The integrand has one sign,
/// and δ is passed as computed from the parameters (not as a difference of two rounded η).
inline double cb_variance_integral(double eta0, double delta, bool bregman) noexcept {
    static constexpr std::array<double, 4> node{0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
    static constexpr std::array<double, 4> weight{0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
    if (delta == 0) return 0;
    const double direction = delta > 0 ? 1.0 : -1.0;
    double tau = 0, total = 0, compensation = 0;
    while ((delta - tau) * direction > 0) {
        const double width = std::min(std::fabs(delta - tau), std::max(0.5, std::fabs(eta0 + tau) / 8));
        const double lo = tau, hi = tau + direction * width, mid = (lo + hi) / 2, half = (hi - lo) / 2;
        double panel = 0;
        for (std::size_t i = 0; i < node.size(); ++i)
            for (const double sign : {-1.0, 1.0}) {
                const double t = mid + sign * half * node[i];
                panel += weight[i] * (bregman ? delta - t : eta0 + t) * cb_variance(eta0 + t);
            }
        panel *= half;
        const double sum = total + panel;  // Neumaier
        compensation += std::fabs(total) >= std::fabs(panel) ? (total - sum) + panel : (panel - sum) + total;
        total = sum;
        tau = (delta - hi) * direction > 0 ? hi : delta;
    }
    return total + compensation;
}

/// η₂ − η₁ from λ₁, λ₂: log1p((λ₂ − λ₁)/λ₁) − log1p((λ₁ − λ₂)/(1 − λ₁)), two terms of one sign (the
/// difference of the rounded η₁, η₂ would cost log₂(1/|η₂ − η₁|) bits).
inline double cb_natural_step(double l1, double l2) noexcept {
    return std::log1p((l2 - l1) / l1) - std::log1p((l1 - l2) / (1 - l1));
}

}  // namespace detail

/// ηx − A(η) for 0 ≤ x ≤ 1; −inf outside; NaN → NaN. ≤ 1e-15 absolute plus the rounding of ηx.
template <real T>
[[nodiscard]] T log_pdf(const continuous_bernoulli<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < T(0) || x > T(1)) return -std::numeric_limits<T>::infinity();
    return static_cast<T>(d.natural() * static_cast<double>(x) - detail::cb_log_normalizer(d.natural()));
}
/// Inverse CDF: log1p(U·expm1(η))/η (U at η = 0), U uniform on [0, 1).
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const continuous_bernoulli<T>& d, Engine& engine) noexcept {
    const double u = uniform01(engine), eta = d.natural();
    if (std::fabs(eta) < 1e-300) return static_cast<T>(u);
    return static_cast<T>(std::min(1.0, std::log1p(u * std::expm1(eta)) / eta));
}
/// H = A(η) − η·m = −∫₀^η s·v(s) ds ≤ 0 (0 at λ = ½, the uniform): a one-signed integral, so the
/// entropy keeps its digits near λ = ½ where A(η) − ηm cancels. ≤ 1e-14 relative.
template <real T>
[[nodiscard]] T entropy(const continuous_bernoulli<T>& d) noexcept {
    const double eta = d.natural();
    return static_cast<T>(-detail::cb_variance_integral(0, eta, false));
}
/// λ/(2λ − 1) + 1/(2·atanh(1 − 2λ)), formed as ½ + ½·L(η/2) (½ at λ = ½). ≤ 2e-16 relative.
template <real T>
[[nodiscard]] T mean(const continuous_bernoulli<T>& d) noexcept {
    return static_cast<T>(detail::cb_mean(d.natural()));
}
/// 1/η² − 1/(4sinh²(η/2)) (1/12 at λ = ½), without cancellation. ≤ 4e-16 relative.
template <real T>
[[nodiscard]] T variance(const continuous_bernoulli<T>& d) noexcept {
    return static_cast<T>(detail::cb_variance(d.natural()));
}
template <real T>
[[nodiscard]] support_set<T> support(const continuous_bernoulli<T>&) noexcept {
    return {T(0), T(1), support_kind::interval};
}

}  // namespace kldiv
