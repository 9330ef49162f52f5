// Closed-form KL between von Mises distributions: the Bregman divergence of log I₀ as a
// one-signed integral plus a non-negative angular term, so tiny KLs keep their digits.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

#include "kldiv/core/modified_bessel.hpp"
#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/distributions/von_mises.hpp"

namespace kldiv {

namespace detail {

/// log I₀(κ₂) − log I₀(κ₁) − A(κ₁)·(κ₂ − κ₁) = ∫ from κ₁ to κ₂ of (κ₂ − s)·A'(s) ds ≥ 0 (the
/// Bregman divergence of the convex log I₀, whose derivative is A = I₁/I₀), with h = κ₂ − κ₁.
/// Written from the smaller end κ_lo as ∫₀^|h| g(w)·A'(κ_lo + w) dw, g = |h| − w when κ₂ is the
/// larger, w when it is the smaller: every argument κ_lo + w is a sum of positive numbers (so
/// A' is evaluated at relative accuracy even at s = 1e-8 on a step from 1e8) and every node
/// contributes a positive term. Gauss–Legendre (8 nodes) on panels of width ≤ max(½, s/5) at the
/// panel's lower end s: A' is analytic in the right half-plane up to the zeros of I₀ on the
/// imaginary axis and behaves like 1/(2s²) for large s, so each panel is exact to rounding.
/// h = κ₂ − κ₁ is exact when the concentrations are close, and κ_lo is taken as given (not as
/// κ₁ + h, which loses κ₂ = 1e-8 against κ₁ = 1e8).
/// Cost: at most ~100 panels (κ from 1e-8 to 1e8), one when the concentrations are close.
inline double log_bessel_i0_bregman(double kappa1, double kappa2) noexcept {
    const double h = kappa2 - kappa1;
    static constexpr std::array<double, 4> node{0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
    static constexpr std::array<double, 4> weight{0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
    if (h == 0) return 0;
    const bool ascending = h > 0;
    const double length = std::fabs(h), low = ascending ? kappa1 : kappa2;
    double w = 0, total = 0, compensation = 0;
    while (w < length) {
        const double width = std::min(length - w, std::max(0.5, (low + w) / 5));
        const double hi = w + width < length ? w + width : length;
        const double mid = (w + hi) / 2, half = (hi - w) / 2;
        double panel = 0;
        for (std::size_t i = 0; i < node.size(); ++i)
            for (const double sign : {-1.0, 1.0}) {
                const double u = mid + sign * half * node[i];
                panel += weight[i] * (ascending ? length - u : u) * bessel_i1_i0_ratio_derivative(low + u);
            }
        panel *= half;
        const double sum = total + panel;  // Neumaier
        compensation += std::fabs(total) >= std::fabs(panel) ? (total - sum) + panel : (panel - sum) + total;
        total = sum;
        w = hi;
    }
    return total + compensation;
}

}  // namespace detail

/// KL(VonMises(μ₁, κ₁)‖VonMises(μ₂, κ₂)) = log(I₀(κ₂)/I₀(κ₁)) + A(κ₁)(κ₁ − κ₂·cos(μ₁ − μ₂)),
/// A = I₁/I₀, written as two non-negative terms:
///   [log I₀(κ₂) − log I₀(κ₁) − A(κ₁)(κ₂ − κ₁)] + A(κ₁)·κ₂·2sin²((μ₁ − μ₂)/2),
/// the first the Bregman divergence of log I₀ as a one-signed integral of A' (no difference of
/// Bessel values is formed), the second without the cosine's cancellation. Locations are angles
/// (μ and μ + 2π give the same distribution and the same KL).
/// Accuracy: ≤ 1e-13 relative in double for κ from 1e-8 to 1e8, down to KL ~ 1e-20 (nearly
/// equal parameters); measured against mpmath in tests/distributions/test_von_mises.cpp.
template <real T>
[[nodiscard]] T kl_divergence(const von_mises<T>& p, const von_mises<T>& q) noexcept {
    const double k1 = static_cast<double>(p.concentration()), k2 = static_cast<double>(q.concentration());
    const double angular = bessel_i1_i0_ratio(k1) * k2 *
                           detail::one_minus_cos_difference(static_cast<double>(p.loc()), static_cast<double>(q.loc()));
    return static_cast<T>(detail::log_bessel_i0_bregman(k1, k2) + angular);
}

}  // namespace kldiv
