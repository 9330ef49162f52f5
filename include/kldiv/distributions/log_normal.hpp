// The log-normal distribution: log X ~ N(mu, sigma²). Density, sampling, moments, entropy.
// Guarantees: validated at construction; support (0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <random>
#include <span>

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
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const log_normal<T>& d, Engine& engine) noexcept {
    return std::exp(d.mu() + d.sigma() * static_cast<T>(standard_normal(engine)));
}
/// mu + ½log(2πe sigma²) nats.
template <real T>
[[nodiscard]] T entropy(const log_normal<T>& d) noexcept {
    return d.mu() + std::log(d.sigma()) + detail::half_log_two_pi<T> + T(0.5);
}
template <real T>
[[nodiscard]] T mean(const log_normal<T>& d) noexcept {
    return std::exp(d.mu() + T(0.5) * d.sigma() * d.sigma());
}
/// (e^{σ²} − 1)·e^{2μ + σ²}, with expm1 so small σ keeps its digits.
template <real T>
[[nodiscard]] T variance(const log_normal<T>& d) noexcept {
    const T s2 = d.sigma() * d.sigma();
    return std::expm1(s2) * std::exp(T(2) * d.mu() + s2);
}
template <real T>
[[nodiscard]] support_set<T> support(const log_normal<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
