// Bregman divergences of log Γ, B(y, x) = lnΓ(y) − lnΓ(x) − ψ(x)(y − x) ≥ 0, accurate when y ≈ x
// (where the direct difference cancels): the building block of Gamma, Beta, Dirichlet and Gumbel KL.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/summation.hpp"

namespace kldiv {
namespace detail {

/// ζ(k) for k = 2…61 (ζ(2), ζ(4), ζ(6), ζ(8) from π; odd values to double precision; k ≥ 10 by
/// the direct sum Σ n⁻ᵏ, n ≤ 30, whose tail is below 30¹⁻ᵏ/(k − 1) < 1e-14 relative).
inline double zeta(int k) noexcept {
    constexpr double pi2 = std::numbers::pi * std::numbers::pi;
    switch (k) {
        case 2: return pi2 / 6;
        case 3: return 1.2020569031595942854;
        case 4: return pi2 * pi2 / 90;
        case 5: return 1.0369277551433699263;
        case 6: return pi2 * pi2 * pi2 / 945;
        case 7: return 1.0083492773819228268;
        case 8: return pi2 * pi2 * pi2 * pi2 / 9450;
        case 9: return 1.0020083928260822144;
        default: {
            double sum = 0;
            for (int n = 30; n >= 1; --n) sum += std::pow(double(n), -double(k));
            return sum;
        }
    }
}

/// The Stirling remainder s(k) = lnΓ(k + 1) − (k + ½)·log k + k − ½·log 2π for k ≥ 1 (equally lnΓ(a) − (a − ½)·log a + a − ½·log 2π at a = k): a table
/// of exact values (mpmath, 40 digits) for the integers below 16, the series
/// 1/12k − 1/360k³ + 1/1260k⁵ − 1/1680k⁷ + 1/1188k⁹ above (first omitted term 691/360360k¹¹
/// < 2e-16 at k = 16, and s ≥ 5e-3 there). Non-integers below 16 through lgamma.
inline double stirling_remainder(double k) noexcept {
    static constexpr std::array<double, 16> table = {
        0.0,  // unused: k = 0 is handled by the callers
        0.081061466795327261, 0.041340695955409297, 0.027677925684998338, 0.020790672103765093,
        0.016644691189821193, 0.013876128823070748, 0.01189670994589177,  0.010411265261972096,
        0.0092554621827127329, 0.0083305634333628708, 0.0075736754879518406, 0.0069428401072095299,
        0.0064089941880042071, 0.0059513701127588475, 0.0055547335519628011};
    if (k >= 16) {
        const double r = 1 / (k * k);
        return (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r / 1188)))) / k;
    }
    if (k == std::floor(k)) return table[static_cast<std::size_t>(k)];
    return std::lgamma(k + 1) - (k + 0.5) * std::log(k) + k - 0.5 * std::log(2 * std::numbers::pi);
}

}  // namespace detail

/// B(x) = lnΓ(x) + γ·(x − 1), the Bregman divergence of the convex lnΓ between x and 1
/// (ψ(1) = −γ). Domain x > 0. For |x − 1| ≤ ½ it is the series Σₖ≥₂ (−1)ᵏ ζ(k)(x − 1)ᵏ/k, whose
/// terms need no cancellation against lnΓ; beyond, lnΓ(x) + γ(x − 1) directly.
/// Accuracy: ≤ 1e-14 relative (tested against quad lgammaq). x ≤ 0 or NaN gives NaN.
[[nodiscard]] inline double log_gamma_bregman_at_one(double x) noexcept {
    if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();
    const double d = x - 1;
    if (std::fabs(d) > 0.5) return std::lgamma(x) + std::numbers::egamma * d;
    // Σ (−1)ᵏ ζ(k) dᵏ/k: for |d| ≤ ½ the terms fall like 2⁻ᵏ; 60 terms reach 1e-19 relative.
    // Horner in −d on the coefficients ζ(k)/k, since (−1)ᵏdᵏ = (−d)ᵏ.
    double sum = 0;
    for (int k = 61; k >= 2; --k) sum = sum * (-d) + detail::zeta(k) / k;
    return sum * d * d;
}

/// The digamma function ψ(x) = d lnΓ(x)/dx for x > 0: recurrence up to x ≥ 10, then the
/// asymptotic series. Accuracy: ≤ 4e-15·max(1, |ψ(x)|) (relative accuracy is lost only near the root
/// x₀ ≈ 1.4616). NaN for x ≤ 0 or NaN (poles and the reflection region are not needed here).
[[nodiscard]] inline double digamma(double x) noexcept {
    if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(x)) return x;
    double shift = 0;
    while (x < 10) {
        shift -= 1 / x;
        x += 1;
    }
    const double r = 1 / (x * x);
    const double series =
        r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760))))));
    return shift + std::log(x) - 0.5 / x - series;
}

namespace detail {

/// B(x + δ, x) from x > 0 and the step δ itself (x + δ > 0): callers that know δ more
/// accurately than a rounded x + δ (sums of parameters) pass it directly.
inline double log_gamma_bregman_step(double x, double delta) noexcept {
    if (delta == 0) return 0;
    compensated_sum<double> total;
    const double shift = std::max(0.0, std::ceil(20.0 - std::min(x, x + delta)));
    for (double i = 0; i < shift; i += 1) total.add(-log1pmx(delta / (x + i)));
    const double xs = x + shift, u = delta / xs;
    const double log1p_u = std::log1p(u);
    total.add(xs * rlogr_residual(log1p_u) - 0.5 * log1pmx(u));
    total.add(u * u / ((1 + u) * 12 * xs));  // Bregman of 1/(12z)
    // −1/(360 z³) + 1/(1260 z⁵) − 1/(1680 z⁷): for g = z⁻ᵖ the Bregman divergence is
    // x'⁻ᵖ[(1 + u)⁻ᵖ − 1 + p·u] = x'⁻ᵖ[φ(−p·log1p(u)) − p·log1pmx(u)], two non-negative terms.
    const auto bregman_power = [&](double coefficient, int power) {
        return coefficient * std::pow(xs, -power) * (expm1mx(-power * log1p_u) - power * log1pmx(u));
    };
    total.add(bregman_power(-1.0 / 360, 3));
    total.add(bregman_power(1.0 / 1260, 5));
    total.add(bregman_power(-1.0 / 1680, 7));
    const double value = total.value();
    return value > 0 ? value : 0.0;
}

}  // namespace detail

/// The trigamma function ψ'(x) = d²lnΓ(x)/dx² for x > 0: recurrence up to x ≥ 20, then the
/// asymptotic series 1/x + 1/(2x²) + Σ B₂ₖ/x^(2k+1). Accuracy ≤ 4e-15 relative (tested against
/// quad). NaN for x ≤ 0 or NaN.
[[nodiscard]] inline double trigamma(double x) noexcept {
    if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();
    if (std::isinf(x)) return 0.0;
    double shift = 0;
    while (x < 20) {  // at 20 the first omitted term, (691/2730)/x¹³, is below 1e-17 relative
        shift += 1 / (x * x);
        x += 1;
    }
    const double r = 1 / (x * x);
    const double series = 1 / x + r / 2 + r / x * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66)))));
    return shift + series;
}

/// B(y, x) = lnΓ(y) − lnΓ(x) − ψ(x)(y − x) ≥ 0, the Bregman divergence of the convex lnΓ, for
/// x, y > 0, without forming ψ or the cancelling difference of lnΓ values:
/// shift both arguments by n so that they are ≥ 20 (B is linear in the function, and
/// lnΓ(z) = lnΓ(z + n) − Σ log(z + i), whose log terms contribute −log1pmx(δ/(x + i)) ≥ 0), then
/// take the Bregman divergence of Stirling's series term by term: for (z − ½)log z − z it is
/// x'·ρ(log1p(u)) − ½·log1pmx(u), u = δ/x', ρ = rlogr_residual; the 1/(12z) term gives
/// u²/((1 + u)·12x'); the smaller terms are added directly.
/// Accuracy: ≤ 2e-14 relative for x, y in [1e-3, 1e6] (tested against quad lgammaq).
/// NaN for non-positive or NaN arguments.
[[nodiscard]] inline double log_gamma_bregman(double y, double x) noexcept {
    if (!(x > 0) || !(y > 0)) return std::numeric_limits<double>::quiet_NaN();
    return detail::log_gamma_bregman_step(x, y - x);
}

}  // namespace kldiv
