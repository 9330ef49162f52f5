// Closed-form KL for the gamma and beta families and the cross pairs PyTorch registers with
// them, built on the Bregman divergence of lnΓ (accurate at tiny KL); +inf on support mismatch.
#pragma once

#include <cmath>
#include <limits>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_gamma_bregman.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/distributions/beta.hpp"
#include "kldiv/distributions/exponential.hpp"
#include "kldiv/distributions/gamma.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/uniform.hpp"

namespace kldiv {
namespace detail {

/// KL(Gamma(α₁, β₁)‖Gamma(α₂, β₂)) = B_lnΓ(α₂, α₁) + α₁·φ(u) + (α₁ − α₂)·u, u = log(β₂/β₁):
/// the first two terms are non-negative; the third is what remains of the rate terms.
inline double gamma_kl(double a1, double b1, double a2, double b2) noexcept {
    const double u = log_ratio(b2, b1);
    return std::max(0.0, log_gamma_bregman(a2, a1) + a1 * expm1mx(u) + (a1 - a2) * u);
}

/// E[log X] and E[log(1 − X)] for X ~ Uniform(a, b) ⊆ [0, 1], with 0·log 0 = 0.
inline double uniform_mean_log(double a, double b) noexcept {
    const auto antiderivative = [](double x) { return x == 0 ? 0.0 : x * std::log(x) - x; };
    return (antiderivative(b) - antiderivative(a)) / (b - a);
}

}  // namespace detail

/// KL(Gamma(α₁, β₁)‖Gamma(α₂, β₂)) via the Bregman divergence of lnΓ. Accuracy ≤ 1e-13·max(1, α)
/// relative in double (the Fisher matrix of the gamma family grows ill-conditioned like α).
template <real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const gamma<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.shape(), p.rate(), q.shape(), q.rate()));
}

/// KL(Exponential(λ)‖Gamma(α, β)): the exponential is Gamma(1, λ).
template <real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const gamma<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(1.0, p.rate(), q.shape(), q.rate()));
}

/// KL(Gamma(α, β)‖Exponential(λ)): against Gamma(1, λ).
template <real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const exponential<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.shape(), p.rate(), 1.0, q.rate()));
}

/// KL(Gamma(α, β)‖N(μ, σ²)) = −H(p) + log σ + ½log 2π + [Var p + (E p − μ)²]/(2σ²).
template <real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const normal<T>& q) noexcept {
    const T offset = mean(p) - q.mean();
    return -entropy(p) + std::log(q.stddev()) + detail::half_log_two_pi<T> +
           (variance(p) + offset * offset) / (T(2) * q.stddev() * q.stddev());
}

/// KL(Beta(a₁, b₁)‖Beta(a₂, b₂)) = B(a₂, a₁) + B(b₂, b₁) − B(a₂ + b₂, a₁ + b₁), B the Bregman
/// divergence of lnΓ (the beta family's log-partition is lnΓ(a) + lnΓ(b) − lnΓ(a + b)).
/// Accuracy ≤ 1e-12 relative in double; never negative.
template <real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const beta<T>& q) noexcept {
    const double a1 = p.alpha(), b1 = p.beta_parameter(), a2 = q.alpha(), b2 = q.beta_parameter();
    // The step of the sum is formed from the steps, not as a difference of two rounded sums.
    const double step_a = a2 - a1, step_b = b2 - b1;
    const double kl = detail::log_gamma_bregman_step(a1, step_a) + detail::log_gamma_bregman_step(b1, step_b) -
                      detail::log_gamma_bregman_step(a1 + b1, step_a + step_b);
    return static_cast<T>(std::max(0.0, kl));
}

/// KL(Beta(a, b)‖N(μ, σ²)) = −H(p) + log σ + ½log 2π + [Var p + (E p − μ)²]/(2σ²).
template <real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const normal<T>& q) noexcept {
    const T offset = mean(p) - q.mean();
    return -entropy(p) + std::log(q.stddev()) + detail::half_log_two_pi<T> +
           (variance(p) + offset * offset) / (T(2) * q.stddev() * q.stddev());
}

/// KL(Beta(a, b)‖Exponential(λ)) = −H(p) − log λ + λ·E p.
template <real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const exponential<T>& q) noexcept {
    return -entropy(p) - std::log(q.rate()) + q.rate() * mean(p);
}

/// KL(Beta(a, b)‖Uniform(l, h)) = −H(p) + log(h − l) when [0, 1] ⊆ [l, h], else +inf.
template <real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const uniform<T>& q) noexcept {
    if (q.low() > T(0) || q.high() < T(1)) return std::numeric_limits<T>::infinity();
    return -entropy(p) + std::log(q.high() - q.low());
}

/// KL(Uniform(l, h)‖Beta(a, b)) for [l, h] ⊆ [0, 1]: −log(h − l) − (a − 1)E log X − (b − 1)E log(1 − X)
/// + log B(a, b); +inf otherwise.
template <real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const beta<T>& q) noexcept {
    if (p.low() < T(0) || p.high() > T(1)) return std::numeric_limits<T>::infinity();
    const double l = p.low(), h = p.high(), a = q.alpha(), b = q.beta_parameter();
    const double mean_log_x = detail::uniform_mean_log(l, h);
    const double mean_log_one_minus_x = detail::uniform_mean_log(1 - h, 1 - l);
    return static_cast<T>(-std::log(h - l) - (a - 1) * mean_log_x - (b - 1) * mean_log_one_minus_x +
                          detail::log_beta_function(a, b));
}

/// KL(Uniform(l, h)‖Gamma(α, β)) for l ≥ 0: −log(h − l) − α log β + lnΓ(α) − (α − 1)E log X + β·E X;
/// +inf for l < 0.
template <real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const gamma<T>& q) noexcept {
    if (p.low() < T(0)) return std::numeric_limits<T>::infinity();
    const double l = p.low(), h = p.high(), a = q.shape(), b = q.rate();
    return static_cast<T>(-std::log(h - l) - a * std::log(b) + std::lgamma(a) - (a - 1) * detail::uniform_mean_log(l, h) +
                          b * 0.5 * (l + h));
}


}  // namespace kldiv
