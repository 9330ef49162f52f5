// The log-normal distribution: log X ~ N(mu, sigma²). Density, sampling, moments, entropy.
// Guarantees: validated at construction; support (0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <span>

#include "kldiv/core/constants.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/normal.hpp"

namespace kldiv {

/// LogNormal(mu, sigma): log X ~ N(mu, sigma²). Constructor log_normal(mu, sigma): mu finite,
/// sigma > 0 and finite, else kldiv::domain_error.
template <real T = double>
class log_normal {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::half_line(0, 0);

    log_normal(T mu, T sigma) : mu_(mu), sigma_(sigma) {
        detail::require_finite("log_normal", "mu", mu);
        detail::require_positive("log_normal", "sigma", sigma);
    }

    [[nodiscard]] T mu() const noexcept { return mu_; }
    [[nodiscard]] T sigma() const noexcept { return sigma_; }
    /// The normal distribution of log X.
    [[nodiscard]] normal<T> log_distribution() const { return normal<T>(mu_, sigma_); }

private:
    T mu_;
    T sigma_;
};

/// log N(log x; mu, sigma) − log x for x > 0, −inf for x ≤ 0, NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const log_normal<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (!(x > T(0))) return -std::numeric_limits<T>::infinity();
    const T log_x = std::log(x);
    const T z = (log_x - d.mu()) / d.sigma();
    return -T(0.5) * z * z - std::log(d.sigma()) - detail::half_log_two_pi<T> - log_x;
}
/// exp(μ + σZ), evaluated in double. A draw outside the positive finite numbers of T is returned
/// as the nearest one (the smallest subnormal instead of 0, max instead of +inf): the support
/// is (0, ∞). The log density of a sample is finite except where the format cannot hold it:
/// |μ| > 745 (every draw clamped) or σ < ~1e-140 (rounding x to a double moves log x by many
/// σ), where it is below −DBL_MAX and rounds to −inf.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const log_normal<T>& d, Engine& engine) noexcept {
    const double log_x = static_cast<double>(d.mu()) + static_cast<double>(d.sigma()) * standard_normal(engine);
    const T x = static_cast<T>(std::exp(log_x));
    if (x == T(0)) return std::numeric_limits<T>::denorm_min();
    return detail::clamp_to_finite(x);
}
/// mu + ½log(2πe sigma²) nats.
template <real T>
[[nodiscard]] T entropy(const log_normal<T>& d) noexcept {
    return d.mu() + std::log(d.sigma()) + detail::half_log_two_pi<T> + T(0.5);
}
/// e^(μ + σ²/2) (+inf once it exceeds the format's maximum).
template <real T>
[[nodiscard]] T mean(const log_normal<T>& d) noexcept {
    return std::exp(d.mu() + T(0.5) * d.sigma() * d.sigma());
}
namespace detail {
/// (e^{σ²} − 1)·e^{σ²}·e^{2μ} with no intermediate over- or underflow: e^{2μ} = 2ⁿ·eʳ (n = round(2μ/ln 2),
/// r by a two-part ln 2, |r| ≤ ln2/2), the factors multiplied in range and 2ⁿ applied last with
/// ldexp; σ below 1e-150 as its own mantissa and exponent (expm1(σ²) = σ² there). For σ² > 1,
/// e^(2(σ² + μ))·(1 − e^(−σ²)) with the exponent carried in two parts. ≤ 4 ulp while the
/// exponent is below ~1e3 in magnitude; +inf/0 only when the value does not fit.
inline double log_normal_variance(double mu, double sigma) noexcept {
    constexpr double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    // e^(x + x_lo)·factor·2^extra, x_lo a small correction carried beside x
    const auto exp_scaled = [&](double x, double x_lo, double factor, int extra_exponent) {
        if (!(std::fabs(x) < 1e5)) return x > 0 ? std::numeric_limits<double>::infinity() : 0.0;
        const double n = std::nearbyint(x / std::numbers::ln2);
        const double r = ((x - n * ln2_hi) - n * ln2_lo) + x_lo;
        return std::ldexp(factor * std::exp(r), static_cast<int>(n) + extra_exponent);
    };
    const double s2 = sigma * sigma;
    if (s2 > 1) {
        // e^(2(σ² + μ))·(1 − e^(−σ²)), the exponent as an exact sum σ² + μ plus the rounding
        // errors of σ² and of that sum (a rounded exponent near 600 would cost 1e-13).
        const double s2_error = std::fma(sigma, sigma, -s2);
        const double sum = s2 + mu, sum_error = (std::fabs(s2) > std::fabs(mu)) ? (s2 - sum) + mu : (mu - sum) + s2;
        return exp_scaled(2 * sum, 2 * (sum_error + s2_error), -std::expm1(-s2), 0);
    }
    if (sigma < 1e-150) {
        int e = 0;
        const double f = std::frexp(sigma, &e);
        return exp_scaled(2 * mu, 0.0, f * f, 2 * e);
    }
    return exp_scaled(2 * mu, 0.0, std::expm1(s2) * std::exp(s2), 0);
}
}  // namespace detail

/// (e^{σ²} − 1)·e^{2μ + σ²}, with expm1 so small σ keeps its digits and the power of e applied
/// as 2ⁿ·eʳ last, so that no intermediate overflows (log_normal(355, 1e-5) has variance 2.2e298)
/// or underflows (σ = 1e-200); +inf only when the value exceeds the format's maximum. Computed in
/// double; ≤ 4 ulp for |μ| ≲ 500 (tested against mpmath).
template <real T>
[[nodiscard]] T variance(const log_normal<T>& d) noexcept {
    return static_cast<T>(detail::log_normal_variance(static_cast<double>(d.mu()), static_cast<double>(d.sigma())));
}
template <real T>
[[nodiscard]] support_set<T> support(const log_normal<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
