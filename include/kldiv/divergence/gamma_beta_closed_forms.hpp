// Closed-form KL for the gamma and beta families and the cross pairs PyTorch registers with
// them, built on the Bregman divergence of lnΓ (accurate at tiny KL); +inf on support mismatch.
#pragma once

#include <cmath>
#include <limits>
#include <numbers>

#include "kldiv/core/detail/error_free.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/divergence/float_closed_forms.hpp"
#include "kldiv/distributions/beta.hpp"
#include "kldiv/distributions/exponential.hpp"
#include "kldiv/distributions/gamma.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/uniform.hpp"

namespace kldiv {
namespace detail {

/// a·φ(w) ≥ 0 without overflow of e^w where a is small (a·e^w may still fit).
inline double scaled_expm1mx(double a, double w) noexcept {
    const double f = expm1mx(w);
    if (std::isfinite(f)) return a * f;
    return std::exp(w + std::log(a)) - a * (1 + w);
}

/// KL(Gamma(α₁, β₁)‖Gamma(α₂, β₂)) = α₂·φ(w) + B_g(α₂, α₁), two non-negative terms: w = log(m₁/m₂)
/// compares the means m = α/β, and B_g is the Bregman divergence of g(a) = lnΓ(a) − a·log a + a
/// (stirling_gap_bregman). The textbook B_lnΓ(α₂, α₁) + α₁·φ(log(β₂/β₁)) + (α₁ − α₂)·log(β₂/β₁)
/// has a third, signed term: it cancels by a factor up to ~α² (gamma(1e8, 1e8) against
/// exponential(1) is 8.79 from terms near 1e9; nearly equal shapes near 1e5 at KL 1e-19), this
/// form by at most ~40. w is log1p of (β₂α₁ − β₁α₂)/(β₁α₂) formed from exact products, so it
/// keeps its digits when the means nearly agree.
inline double gamma_kl(double a1, double b1, double a2, double b2) noexcept {
    double w = log_ratio(b2, b1) - log_ratio(a2, a1);
    const auto x = two_product(b2, a1), y = two_product(b1, a2);
    if (std::fabs(w) < 0.5 && std::isfinite(x.hi) && std::isfinite(y.hi) && y.hi > 1e-290 && x.hi > 1e-290)
        w = std::log1p(((x.hi - y.hi) + (x.lo - y.lo)) / y.hi);
    return std::max(0.0, scaled_expm1mx(a2, w) + stirling_gap_bregman(a2, a1));
}

/// E[log X] − log b for X ~ Uniform(b − w, b), ε = w/b ∈ (0, 1]: −1 − (1 − ε)·log(1 − ε)/ε
/// = −ε − (1 − ε)·log1pmx(−ε)/ε (no difference of antiderivatives: a width far below b, as in
/// uniform(0, 1e-20) seen from 1 − x, keeps its digits); −1 at ε = 1.
inline double uniform_mean_log_excess(double epsilon) noexcept {
    if (epsilon >= 1) return -1;
    return -epsilon - (1 - epsilon) * (log1pmx(-epsilon) / epsilon);
}

/// E[log X] for X ~ Uniform(a, b), 0 ≤ a < b.
inline double uniform_mean_log(double a, double b) noexcept {
    return std::log(b) + uniform_mean_log_excess((b - a) / b);
}

/// E[log(1 − X)] for X ~ Uniform(a, b) ⊆ [0, 1]: 1 − X is uniform on [1 − b, 1 − a], whose top is
/// taken as log1p(−a) and whose relative width (b − a)/(1 − a) is formed without rounding 1 − b.
inline double uniform_mean_log_complement(double a, double b) noexcept {
    return std::log1p(-a) + uniform_mean_log_excess((b - a) / (1 - a));
}

}  // namespace detail

/// KL(Gamma(α₁, β₁)‖Gamma(α₂, β₂)) as α₂·φ(log(m₁/m₂)) + B_g(α₂, α₁) (detail::gamma_kl), two
/// non-negative terms. Accuracy ≤ 1e-13 relative in double at every α and every size of KL
/// (measured by the family sweep, docs/accuracy.md).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const gamma<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.shape(), p.rate(), q.shape(), q.rate()));
}

/// KL(Exponential(λ)‖Gamma(α, β)): the exponential is Gamma(1, λ).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const gamma<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(1.0, p.rate(), q.shape(), q.rate()));
}

/// KL(Gamma(α, β)‖Exponential(λ)): against Gamma(1, λ).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const exponential<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.shape(), p.rate(), 1.0, q.rate()));
}

/// KL(Gamma(α, β)‖N(μ, σ²)) = −H(p) + log σ + ½log 2π + [Var p + (E p − μ)²]/(2σ²).
/// With t = log(√α/(βσ)) (the gamma's standard deviation against σ) it is
/// ½φ(2t) + ½((α/β − μ)/σ)² − η(α), η(α) = H(Gamma(α, 1)) − ½log(2πeα) ≤ 0 (gamma_entropy_excess):
/// three non-negative terms, so the KL to the moment-matched normal, about 1/(3α), keeps its digits
/// (gamma(1e8, 1) against normal(1e8, 1e4) is 3.3e-9; the entropy form lost 2.5e-7 of it).
/// No σ², no cancellation of log σ against log β (gamma(1, 1e-200)‖normal(0, 1e200) is finite).
/// Accuracy ≤ 1e-13 relative.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const normal<T>& q) noexcept {
    const double a = p.shape(), rate = p.rate(), sigma = q.stddev();
    const double inverse = detail::inverse_product(rate, sigma);  // 1/(βσ)
    const double offset = detail::offset_over_sigma(a / rate, a * inverse, q.mean(), sigma);
    if (a < 16) {
        const double shape_part = entropy(gamma<double>(a, 1.0));  // α + lnΓ(α) + (1 − α)ψ(α)
        return static_cast<T>(
            detail::kl_to_normal(detail::log_product(rate, sigma) - shape_part, std::sqrt(a) * inverse, offset));
    }
    const double t = 0.5 * std::log(a) - detail::log_product(rate, sigma);
    return static_cast<T>(0.5 * expm1mx(2 * t) + 0.5 * offset * offset - detail::gamma_entropy_excess(a));
}

/// KL(Beta(a₁, b₁)‖Beta(a₂, b₂)) = B(a₂, a₁) + B(b₂, b₁) − B(a₂ + b₂, a₁ + b₁), B the Bregman
/// divergence of lnΓ (the beta family's log-partition is lnΓ(a) + lnΓ(b) − lnΓ(a + b)).
/// Evaluated as the Dirichlet log-partition's Bregman divergence at K = 2
/// (detail::dirichlet_log_partition_bregman: S_β·KL of the means plus a Stirling-gap part), the
/// form above for sums near DBL_MAX. Accuracy ≤ 1e-13 relative in double, tiny KLs included,
/// except when one parameter is far below the other and the other nearly agrees: then
/// ≤ 1e-16/min(a, b) relative. Never negative.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const beta<T>& q) noexcept {
    const double a1 = p.alpha(), b1 = p.beta_parameter(), a2 = q.alpha(), b2 = q.beta_parameter();
    const double split = detail::dirichlet_log_partition_bregman(
        2, [&](std::size_t i) { return i == 0 ? a1 : b1; }, [&](std::size_t i) { return i == 0 ? a2 : b2; });
    if (split == split) return static_cast<T>(std::max(0.0, split));
    // The step of the sum is formed from the steps, not as a difference of two rounded sums.
    const double step_a = a2 - a1, step_b = b2 - b1;
    const double kl = detail::log_gamma_bregman_step(a1, step_a) + detail::log_gamma_bregman_step(b1, step_b) -
                      detail::log_gamma_bregman_step(a1 + b1, step_a + step_b);
    return static_cast<T>(std::max(0.0, kl));
}

/// KL(Beta(a, b)‖N(μ, σ²)) = −H(p) + log σ + ½log 2π + [Var p + (E p − μ)²]/(2σ²).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const normal<T>& q) noexcept {
    const double sigma = q.stddev(), a = p.alpha(), b = p.beta_parameter(), s = a + b, mu = q.mean();
    // sd = √(a/s)·√(b/s)/√(s + 1) and E p − μ = (1 − μ) − b/s near 1, a/s − μ below: neither the
    // variance (below 1e-308 for a = 1e226) nor a mean rounded to 1 is formed.
    // s overflows for a, b near DBL_MAX: then a/s, b/s and √(s + 1) from the halves.
    const bool finite_s = std::isfinite(s);
    const double half_s = a / 2 + b / 2;
    const double m = finite_s ? a / s : (a / 2) / half_s, one_minus_m = finite_s ? b / s : (b / 2) / half_s;
    const double sd = std::sqrt(m) * std::sqrt(one_minus_m) /
                      (finite_s ? std::sqrt(s + 1) : std::sqrt(half_s) * std::numbers::sqrt2);
    const double offset = mu > 0.5 ? (1 - mu) - one_minus_m : m - mu;
    return static_cast<T>(detail::kl_to_normal(std::log(sigma) - static_cast<double>(entropy(p)), sd / sigma,
                                               offset / sigma));
}

/// KL(Beta(a, b)‖Exponential(λ)) = −H(p) − log λ + λ·E p.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const exponential<T>& q) noexcept {
    return -entropy(p) - std::log(q.rate()) + q.rate() * mean(p);
}

/// KL(Beta(a, b)‖Uniform(l, h)) = −H(p) + log(h − l) when [0, 1] ⊆ [l, h], else +inf.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const uniform<T>& q) noexcept {
    if (q.low() > T(0) || q.high() < T(1)) return std::numeric_limits<T>::infinity();
    return -entropy(p) + std::log(q.high() - q.low());
}

/// KL(Uniform(l, h)‖Beta(a, b)) for [l, h] ⊆ [0, 1]: −log(h − l) − (a − 1)E log X − (b − 1)E log(1 − X)
/// + log B(a, b); +inf otherwise.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const beta<T>& q) noexcept {
    if (p.low() < T(0) || p.high() > T(1)) return std::numeric_limits<T>::infinity();
    const double l = p.low(), h = p.high(), a = q.alpha(), b = q.beta_parameter();
    const double mean_log_x = detail::uniform_mean_log(l, h);
    const double mean_log_one_minus_x = detail::uniform_mean_log_complement(l, h);
    // a = 1 or b = 1 removes its term exactly (no 0·(−inf) at an end point).
    return static_cast<T>(-std::log(h - l) - (a == 1 ? 0.0 : (a - 1) * mean_log_x) -
                          (b == 1 ? 0.0 : (b - 1) * mean_log_one_minus_x) + detail::log_beta_function(a, b));
}

/// KL(Uniform(l, h)‖Gamma(α, β)) for l ≥ 0: −log(h − l) − α log β + lnΓ(α) − (α − 1)E log X + β·E X,
/// regrouped with Stirling's form of lnΓ(α) as −log(h − l) + E bd0(α, βX) + E log X − ½log(α/2π)
/// + μ(α), E bd0(α, βX) = α(log(α/β) − E log X) + (β·E X − α), so that α log β and lnΓ(α) are
/// never formed (they overflow together for α near 1e306). +inf for l < 0. Accuracy ≤ 1e-13
/// relative while α·|log(α/β) − E log X| stays below ~1e3·KL (the regrouped terms cancel beyond).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const gamma<T>& q) noexcept {
    if (p.low() < T(0)) return std::numeric_limits<T>::infinity();
    const double l = p.low(), h = p.high(), a = q.shape(), b = q.rate();
    const double mean_log = detail::uniform_mean_log(l, h), centre = 0.5 * l + 0.5 * h;
    double deviance = a * (log_ratio(a, b) - mean_log) + (b * centre - a);
    // E bd0 ≥ 0; inf − inf only when both parts leave the format, where it is ≳ α ≈ DBL_MAX.
    if (std::isnan(deviance)) deviance = std::numeric_limits<double>::infinity();
    return static_cast<T>(-std::log(h - l) + deviance + mean_log - 0.5 * std::log(a / (2 * std::numbers::pi)) +
                          detail::stirling_remainder(a));
}


}  // namespace kldiv
