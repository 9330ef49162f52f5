// The beta distribution Beta(alpha, beta) on [0, 1]: density, sampling, moments, entropy.
// Guarantees: validated at construction.
#pragma once

#include <cmath>
#include <limits>
#include <random>

#include "kldiv/core/log_gamma_bregman.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/gamma.hpp"

namespace kldiv {

/// Beta(α, β): density x^(α−1)(1 − x)^(β−1)/B(α, β) on [0, 1]. Constructor beta(alpha, beta):
/// both > 0 and finite, else kldiv::domain_error.
template <real T = double>
class beta {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::interval({0, 0}, {1, 1});

    beta(T alpha, T beta_parameter) : alpha_(alpha), beta_(beta_parameter) {
        detail::require_positive("beta", "alpha", alpha);
        detail::require_positive("beta", "beta", beta_parameter);
    }

    [[nodiscard]] T alpha() const noexcept { return alpha_; }
    [[nodiscard]] T beta_parameter() const noexcept { return beta_; }

private:
    T alpha_;
    T beta_;
};

namespace detail {
inline double log_beta_function(double a, double b) noexcept { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }
}  // namespace detail

/// (α − 1) log x + (β − 1) log(1 − x) − log B(α, β) on (0, 1) (end points by the limits),
/// −inf outside [0, 1], NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const beta<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < T(0) || x > T(1)) return -std::numeric_limits<T>::infinity();
    const double a = static_cast<double>(d.alpha()), b = static_cast<double>(d.beta_parameter()), xd = x;
    const double left = (a == 1) ? 0.0 : (a - 1) * std::log(xd);
    const double right = (b == 1) ? 0.0 : (b - 1) * std::log1p(-xd);
    return static_cast<T>(left + right - detail::log_beta_function(a, b));
}
/// G_α/(G_α + G_β) from two gamma variates.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const beta<T>& d, Engine& engine) noexcept {
    const double x = detail::standard_gamma(static_cast<double>(d.alpha()), engine);
    const double y = detail::standard_gamma(static_cast<double>(d.beta_parameter()), engine);
    return static_cast<T>(x / (x + y));
}
/// log B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β) nats.
template <real T>
[[nodiscard]] T entropy(const beta<T>& d) noexcept {
    const double a = static_cast<double>(d.alpha()), b = static_cast<double>(d.beta_parameter());
    return static_cast<T>(detail::log_beta_function(a, b) - (a - 1) * digamma(a) - (b - 1) * digamma(b) +
                          (a + b - 2) * digamma(a + b));
}
template <real T>
[[nodiscard]] T mean(const beta<T>& d) noexcept {
    return d.alpha() / (d.alpha() + d.beta_parameter());
}
template <real T>
[[nodiscard]] T variance(const beta<T>& d) noexcept {
    const T s = d.alpha() + d.beta_parameter();
    return d.alpha() * d.beta_parameter() / (s * s * (s + T(1)));
}
template <real T>
[[nodiscard]] support_set<T> support(const beta<T>&) noexcept {
    return {T(0), T(1), support_kind::interval};
}

}  // namespace kldiv
