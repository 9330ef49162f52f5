// Closed-form KL for the chi-squared, chi and Weibull families and their pairs with the gamma
// family, through the Bregman divergence of lnΓ (sums of non-negative terms, accurate at tiny KL).
#pragma once

#include <cmath>
#include <numbers>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/divergence/cross_family_closed_forms.hpp"
#include "kldiv/divergence/gamma_beta_closed_forms.hpp"
#include "kldiv/distributions/chi.hpp"
#include "kldiv/distributions/chi_squared.hpp"
#include "kldiv/distributions/gamma.hpp"
#include "kldiv/distributions/weibull.hpp"

namespace kldiv {

/// KL(χ²(k₁)‖χ²(k₂)) = KL(Gamma(k₁/2, ½)‖Gamma(k₂/2, ½)) = B_lnΓ(k₂/2, k₁/2), the gamma pair's
/// non-negative form with equal rates. ≤ 1e-13·max(1, k) relative in double.
template <real T>
[[nodiscard]] T kl_divergence(const chi_squared<T>& p, const chi_squared<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.dof() / 2.0, 0.5, q.dof() / 2.0, 0.5));
}
/// KL(χ²(k)‖Gamma(α, β)) = KL(Gamma(k/2, ½)‖Gamma(α, β)). ≤ 1e-13·max(1, k) relative.
template <real T>
[[nodiscard]] T kl_divergence(const chi_squared<T>& p, const gamma<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.dof() / 2.0, 0.5, q.shape(), q.rate()));
}
/// KL(Gamma(α, β)‖χ²(k)) = KL(Gamma(α, β)‖Gamma(k/2, ½)). ≤ 1e-13·max(1, α) relative.
template <real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const chi_squared<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.shape(), p.rate(), q.dof() / 2.0, 0.5));
}
/// KL(χ(k₁)‖χ(k₂)) = KL(χ²(k₁)‖χ²(k₂)): x ↦ x² is a bijection of (0, ∞), and KL is invariant
/// under bijections. ≤ 1e-13·max(1, k) relative.
template <real T>
[[nodiscard]] T kl_divergence(const chi<T>& p, const chi<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.dof() / 2.0, 0.5, q.dof() / 2.0, 0.5));
}

/// KL(Weibull(λ₁, k₁)‖Weibull(λ₂, k₂)) = φ(w) + B(ρ), ρ = k₂/k₁, w = k₂·log(λ₁/λ₂) + lnΓ(1 + ρ),
/// B(ρ) = lnΓ(ρ) + γ(ρ − 1) (from the step ρ − 1), φ = expm1mx: two non-negative terms
/// (log X is a Gumbel of the minimum, and this is the Gumbel pair's form); lnΓ(1 + ρ) is formed
/// as log ρ + B(ρ) − γ(ρ − 1) so that it keeps its digits at ρ ≈ 1.
/// Accuracy ≤ 1e-13 relative in double, down to KL ~ 1e-20.
template <real T>
[[nodiscard]] T kl_divergence(const weibull<T>& p, const weibull<T>& q) noexcept {
    const double k1 = p.concentration(), k2 = q.concentration();
    const double rho_minus_one = (k2 - k1) / k1;
    // B(ρ) from the step ρ − 1 itself: a rounded ρ would cost log₂(1/|ρ − 1|) bits at ρ ≈ 1.
    const double bregman = detail::log_gamma_bregman_step(1.0, rho_minus_one);
    const double log_gamma_one_plus_rho = log_ratio(k2, k1) + bregman - std::numbers::egamma * rho_minus_one;
    const double w = k2 * log_ratio(static_cast<double>(p.scale()), static_cast<double>(q.scale())) + log_gamma_one_plus_rho;
    return static_cast<T>(expm1mx(w) + bregman);
}

/// KL(Weibull(λ, k)‖Gamma(α, β)) = −H(p) − α log β + lnΓ(α) − (α − 1)E log X + β·E X, with
/// E log X = log λ − γ/k and E X = λΓ(1 + 1/k). Accuracy ≤ 1e-14 absolute times the size of the
/// largest term for k ≠ 1 (the families coincide only at k = α = 1, and k = 1 — an exponential —
/// takes the gamma pair's residual form, ≤ 1e-13 relative).
template <real T>
[[nodiscard]] T kl_divergence(const weibull<T>& p, const gamma<T>& q) noexcept {
    const double k = p.concentration(), lambda = p.scale();
    if (k == 1) return static_cast<T>(detail::gamma_kl(1.0, 1 / lambda, q.shape(), q.rate()));
    const double mean_log = std::log(lambda) - std::numbers::egamma / k;
    return static_cast<T>(detail::kl_to_gamma(entropy(p), mean_log, mean(p), q.shape(), q.rate()));
}

}  // namespace kldiv
