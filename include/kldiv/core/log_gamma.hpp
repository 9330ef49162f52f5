// lnΓ and what is derived from it: ζ(k), Stirling's remainder and gap, digamma, trigamma, log B,
// and the Bregman divergences of lnΓ, B(y, x) = lnΓ(y) − lnΓ(x) − ψ(x)(y − x) ≥ 0, accurate when
// y ≈ x (where the direct difference cancels): the building block of Gamma, Beta, Dirichlet and
// Gumbel KL.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <utility>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/detail/error_free.hpp"
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
/// The two-argument form takes d = x − 1 from the caller, for an x that is a rounded ratio
/// whose difference from 1 is known exactly (βp/βq with d = (βp − βq)/βq): B ≈ ζ(2)d²/2 then
/// keeps the digits of d, which x − 1 of the rounded x would lose (ε/|d| relative).
[[nodiscard]] inline double log_gamma_bregman_at_one(double x, double d) noexcept {
    if (!(x > 0)) return std::numeric_limits<double>::quiet_NaN();
    if (std::fabs(d) > 0.5) return std::lgamma(x) + std::numbers::egamma * d;
    // Σ (−1)ᵏ ζ(k) dᵏ/k: for |d| ≤ ½ the terms fall like 2⁻ᵏ; 60 terms reach 1e-19 relative.
    // Horner in −d on the coefficients ζ(k)/k, since (−1)ᵏdᵏ = (−d)ᵏ.
    double sum = 0;
    for (int k = 61; k >= 2; --k) sum = sum * (-d) + detail::zeta(k) / k;
    return sum * d * d;
}
[[nodiscard]] inline double log_gamma_bregman_at_one(double x) noexcept { return log_gamma_bregman_at_one(x, x - 1); }

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

/// The Bregman divergence, between x(1 + u) and x ≥ 16, of Stirling's remainder s(z) ≈ 1/(12z) −
/// 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) + 1/(1188z⁹) − 691/(360360z¹¹) (log1p_u = log1p(u)): the
/// 1/(12z) term gives u²/((1 + u)·12x); for g = z⁻ᵖ the Bregman divergence is
/// x⁻ᵖ[(1 + u)⁻ᵖ − 1 + p·u] = x⁻ᵖ[φ(−p·log1p(u)) − p·log1pmx(u)], two non-negative terms. The
/// first omitted term is below 1e-17 of the whole at x = 16.
inline void add_stirling_remainder_bregman(compensated_sum<double>& total, double x, double u,
                                           double log1p_u) noexcept {
    total.add(u * u / ((1 + u) * 12 * x));
    const auto bregman_power = [&](double coefficient, int power) {
        return coefficient * std::pow(x, -power) * (expm1mx(-power * log1p_u) - power * log1pmx(u));
    };
    total.add(bregman_power(-1.0 / 360, 3));
    total.add(bregman_power(1.0 / 1260, 5));
    total.add(bregman_power(-1.0 / 1680, 7));
    total.add(bregman_power(1.0 / 1188, 9));
    total.add(bregman_power(-691.0 / 360360, 11));
}

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
    add_stirling_remainder_bregman(total, xs, u, log1p_u);
    const double value = total.value();
    return value > 0 ? value : 0.0;
}

/// g(a) = lnΓ(a) − a·log a + a = ½log 2π − ½log a + s(a), what is left of lnΓ after the
/// entropy-like part a·log a − a; convex (g″ = ψ′(a) − 1/a > 0). lgamma below 16, Stirling's
/// remainder above. Accuracy ≤ 4e-16·(|lnΓ(a)| + a·|log a| + a) below 16, 2 ulp above.
inline double stirling_gap(double a) noexcept {
    if (a < 16) return std::lgamma(a) - a * std::log(a) + a;
    return 0.5 * std::log(2 * std::numbers::pi) - 0.5 * std::log(a) + stirling_remainder(a);
}

/// g′(a) = ψ(a) − log a: −1/(2a) − 1/(12a²) + 1/(120a⁴) − … (to 691/(32760a¹²)) from 16 on.
inline double stirling_gap_derivative(double a) noexcept;

/// B_g(y, x) = g(y) − g(x) − g′(x)·(y − x) ≥ 0 for the g of stirling_gap. Near x (|y − x| ≤ x/2,
/// both ≥ 16) term by term: −½·log1pmx(u) plus the remainder's Bregman divergence, u = (y − x)/x,
/// all non-negative; elsewhere from the values (the terms are then of the size of the result, or
/// cancel by at most a factor ~40 below 16). Accuracy ≤ 1e-14 relative (≤ 1e-13 below 16).
/// The three-argument form takes δ = y − x from the caller (a sum's step summed from its parts,
/// more accurate than the difference of the rounded sums) for the near branch.
inline double stirling_gap_bregman(double y, double x, double delta) noexcept;
inline double stirling_gap_bregman(double y, double x) noexcept { return stirling_gap_bregman(y, x, y - x); }

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

namespace detail {

inline double stirling_gap_derivative(double a) noexcept {
    if (a < 16) return digamma(a) - std::log(a);
    const double r = 1 / (a * a);
    return -0.5 / a - r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760))))));
}

inline double stirling_gap_bregman(double y, double x, double delta) noexcept {
    if (delta == 0) return 0;
    const double u = delta / x;
    double value;
    if (std::fabs(u) <= 0.5 && std::min(x, y) >= 16) {
        compensated_sum<double> total;
        total.add(-0.5 * log1pmx(u));
        add_stirling_remainder_bregman(total, x, u, std::log1p(u));
        value = total.value();
    } else if (std::fabs(u) <= 0.5) {  // near 1…16: B_lnΓ − B_(a log a − a), which cancel by ≤ ~40
        value = log_gamma_bregman_step(x, delta) - x * rlogr_residual(std::log1p(u));
    } else {
        value = stirling_gap(y) - stirling_gap(x) - stirling_gap_derivative(x) * delta;
    }
    return value > 0 ? value : 0.0;
}

/// The Bregman divergence of the Dirichlet log-partition A(α) = Σ lnΓ(αᵢ) − lnΓ(Σαᵢ) from α to β,
/// which is KL(Dir(α)‖Dir(β)) (and, for K = 2, the beta family's KL), for positive finite αᵢ, βᵢ
/// (alpha(i), beta(i) give them as doubles). Split lnΓ = g + (a·log a − a) (g: stirling_gap):
///   KL = (S_β/S_α)·Σ αᵢ·ρ(ℓᵢ) + [Σ B_g(βᵢ, αᵢ) − B_g(S_β, S_α)],   ℓᵢ = log((βᵢ·S_α)/(αᵢ·S_β)),
/// S the sums, ρ = rlogr_residual. The first part is S_β·KL(β/S_β ‖ α/S_α) of the two means, a sum
/// of non-negative terms; it carries the O(S) size of the family's curvature that made the three
/// lnΓ Bregman divergences of the textbook form cancel (beta(5e6, 743) against beta(1.5e-7, 18)
/// lost 1e-5; nearly equal beta(1e4, 4e-5) pairs 1e-7). ℓᵢ is log1p of (βᵢS_α − αᵢS_β)/(αᵢS_β) from
/// exact products and the sums to twice the working precision. The g part is signed but of the
/// size of log-ratios, not of S; its cancellation is what remains (about ε·min(αᵢ)⁻¹ relative when
/// one concentration is tiny and the others nearly equal). Returns NaN when a sum or product
/// overflows (the caller then uses the lnΓ form).
template <class Alpha, class Beta>
double dirichlet_log_partition_bregman(std::size_t k, Alpha alpha, Beta beta) noexcept {
    compensated_sum<double> sum_alpha, sum_beta, step;
    for (std::size_t i = 0; i < k; ++i) {
        sum_alpha.add(alpha(i));
        sum_beta.add(beta(i));
        step.add(beta(i) - alpha(i));
    }
    const double s_alpha = sum_alpha.value(), s_beta = sum_beta.value();
    if (!std::isfinite(s_alpha) || !std::isfinite(s_beta)) return std::numeric_limits<double>::quiet_NaN();
    const auto [sa_hi, sa_lo] = sum_alpha.parts();
    const auto [sb_hi, sb_lo] = sum_beta.parts();
    compensated_sum<double> mean_part, gap_part;
    for (std::size_t i = 0; i < k; ++i) {
        const double a = alpha(i), b = beta(i);
        const auto x = two_product(b, sa_hi), y = two_product(a, sb_hi);
        if (!std::isfinite(x.hi) || !std::isfinite(y.hi) || std::fabs(y.hi) < 1e-290 || std::fabs(x.hi) < 1e-290)
            return std::numeric_limits<double>::quiet_NaN();
        const double numerator = (x.hi - y.hi) + ((x.lo - y.lo) + (b * sa_lo - a * sb_lo));
        const double ratio = numerator / y.hi;  // βᵢS_α/(αᵢS_β) − 1
        if (ratio <= std::numbers::e - 1) {
            mean_part.add(a * rlogr_residual(std::log1p(ratio)));
        } else {  // αᵢ·ρ(ℓ) = r′ℓ − r′ + αᵢ with r′ = αᵢe^ℓ = βᵢS_α/S_β: no overflow of e^ℓ
            const double l = std::log1p(ratio), r = b * (s_alpha / s_beta);
            mean_part.add(r * (l - 1) + a);
        }
        gap_part.add(stirling_gap_bregman(b, a, b - a));
    }
    gap_part.add(-stirling_gap_bregman(s_beta, s_alpha, step.value()));
    return (s_beta / s_alpha) * mean_part.value() + gap_part.value();
}

}  // namespace detail

/// ψ′(x) − ψ′(x + δ) > 0 for x > 0, δ > 0 (δ given exactly: the Fisher entries ψ′(a) − ψ′(a + b) of
/// the beta and Dirichlet families), without the difference of two nearly equal trigammas, which
/// loses everything when δ ≪ x (beta(1e8, 1e-8): ψ′(a) − ψ′(a + b) ≈ b/a² = 1e-24 came out 1.65e-24).
/// Below 20 the recurrence gives positive terms δ(2z + δ)/(z²(z + δ)²), z = x + i; from 20 on each
/// term c·z⁻ᵖ of the asymptotic series gives −c·z⁻ᵖ·expm1(−p·log1p(δ/z)). Accuracy ≤ 4e-15 relative.
[[nodiscard]] inline double trigamma_difference(double x, double delta) noexcept {
    if (!(x > 0) || !(delta >= 0)) return std::numeric_limits<double>::quiet_NaN();
    if (delta == 0) return 0;
    if (std::isinf(delta)) return trigamma(x);
    compensated_sum<double> total;
    double z = x;
    while (z < 20) {
        const double w = z + delta;
        total.add(delta * ((z + w) / (z * z)) / (w * w));
        z += 1;
    }
    const double log1p_u = std::log1p(delta / z);
    // ψ′(z) ~ 1/z + 1/(2z²) + 1/(6z³) − 1/(30z⁵) + 1/(42z⁷) − 1/(30z⁹) + 5/(66z¹¹)
    constexpr std::array<std::pair<double, int>, 7> terms = {
        {{1.0, 1}, {0.5, 2}, {1.0 / 6, 3}, {-1.0 / 30, 5}, {1.0 / 42, 7}, {-1.0 / 30, 9}, {5.0 / 66, 11}}};
    for (const auto& [c, p] : terms) total.add(-c * std::pow(z, -p) * std::expm1(-p * log1p_u));
    return total.value();
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

namespace detail {

/// log B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b) without the cancellation of large lnΓ values
/// (a ≥ b below): both ≥ 16, Stirling-remainder form ½log 2π + ½log(s/ab) − a·log1p(b/a)
/// − b·log1p(a/b) + μ(a) + μ(b) − μ(s) (s = a + b, μ the Stirling remainder); only a ≥ 16,
/// lnΓ(b) − bψ(a) − B(a + b, a) with B the Bregman divergence of lnΓ (lgamma(1e300 + 2) −
/// lgamma(1e300) would be 0); else directly.
inline double log_beta_function(double a, double b) noexcept {
    if (a < b) std::swap(a, b);
    if (b >= 16) {
        const double s = a + b;
        return 0.5 * (std::log(2 * std::numbers::pi) + std::log(s) - std::log(a) - std::log(b)) - a * std::log1p(b / a) -
               b * std::log1p(a / b) + stirling_remainder(a) + stirling_remainder(b) - stirling_remainder(s);
    }
    if (a >= 16) return std::lgamma(b) - b * digamma(a) - log_gamma_bregman_step(a, b);
    return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}

/// ψ(a + b) − ψ(a) for a, b > 0: for b ≤ a as [B(a + b, a) + B(a, a + b)]/b (each Bregman
/// divergence accurate to its size, so b ≪ a keeps its digits); for b > a the digammas are far
/// apart and their difference does not cancel.
inline double digamma_step(double a, double b) noexcept {
    // ψ(x) = ψ(x + 1) − 1/x: for a < 1 the pole part b/(a(a + b)) apart (no 1/a² or 1/a overflow)
    if (a < 1) return (b / a) / (a + b) + digamma_step(a + 1, b);
    if (b > a) return digamma(a + b) - digamma(a);
    if (b <= 1e-8 * a) {
        // b·ψ′(a) + b²/2·ψ″(a) (next term (b/a)² smaller: below 1e-16), where the Bregman
        // divergences, of size b²/a, would underflow (a = 1e300, b = 2). ψ″ to a few digits
        // suffices: shifted to x ≥ 16, then −1/x² − 1/x³ − 1/(2x⁴).
        double x = a, second = 0;
        while (x < 16) {
            second -= 2 / (x * x * x);
            x += 1;
        }
        second += -1 / (x * x) - 1 / (x * x * x) - 0.5 / (x * x * x * x);
        return b * trigamma(a) + 0.5 * b * b * second;
    }
    return (log_gamma_bregman_step(a, b) + log_gamma_bregman_step(a + b, -b)) / b;
}

}  // namespace detail
}  // namespace kldiv
