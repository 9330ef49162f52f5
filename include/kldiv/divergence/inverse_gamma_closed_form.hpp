// Closed-form KL between inverse gamma distributions: the gamma pair of the reciprocals.
#pragma once

#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/divergence/gamma_beta_closed_forms.hpp"
#include "kldiv/distributions/inverse_gamma.hpp"

namespace kldiv {

/// KL(InvGamma(α₁, β₁)‖InvGamma(α₂, β₂)) = KL(Gamma(α₁, β₁)‖Gamma(α₂, β₂)) (rates β): x ↦ 1/x is
/// a bijection of (0, ∞) and KL is invariant under bijections (TFP's pair). The gamma pair's
/// Bregman form: ≤ 1e-13·max(1, α) relative in double, down to KL ~ 1e-20.
template <real T>
[[nodiscard]] T kl_divergence(const inverse_gamma<T>& p, const inverse_gamma<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.shape(), p.scale(), q.shape(), q.scale()));
}

}  // namespace kldiv
