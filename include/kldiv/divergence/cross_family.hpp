// KL(p‖q) for p and q of different families, grouped by the target q: the pairs with a target's
// shared form (detail::kl_to_normal, kl_to_gamma, kl_to_gumbel, kl_to_pareto) first use it, from
// the entropy and moments of p. A new cross pair goes under its target's section.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>

#include "kldiv/core/constants.hpp"
#include "kldiv/core/detail/error_free.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/divergence/float_closed_forms.hpp"
#include "kldiv/divergence/kl_divergence.hpp"
#include "kldiv/divergence/same_family.hpp"

namespace kldiv {

namespace detail {

/// E|X − m|/b for X ~ N(μ, σ²): (σ/b)√(2/π)·e^(−z²/2) + (δ/b)·erf(z/√2), δ = μ − m, z = δ/σ,
/// every quotient formed without intermediate overflow.
inline double normal_absolute_deviation_over(double mu, double sigma, double m, double b) noexcept {
    const double z = scaled_difference(mu, m, sigma);
    const double gauss = std::exp(-0.5 * z * z);
    const double spread = gauss == 0 ? 0.0 : (sigma / b) * std::sqrt(2 / std::numbers::pi) * gauss;
    return spread + scaled_difference(mu, m, b) * std::erf(z / std::numbers::sqrt2);
}

/// (mean − μ)/σ for a mean known as m = num/den and as m/σ = inverse (= num/(den·σ), formed
/// without overflow): the scaled difference while m is finite, else inverse − μ/σ (m beyond
/// DBL_MAX dominates any finite μ; an inf − inf there means both are beyond the format: +inf).
inline double offset_over_sigma(double m, double inverse, double mu, double sigma) noexcept {
    if (std::isfinite(m)) return scaled_difference(m, mu, sigma);
    const double offset = inverse - mu / sigma;
    return std::isnan(offset) ? std::numeric_limits<double>::infinity() : offset;
}

/// 1/(a·b) for a, b > 0 without over- or underflow of the product.
inline double inverse_product(double a, double b) noexcept {
    const double ab = a * b;
    if (ab >= std::numeric_limits<double>::min() && ab <= std::numeric_limits<double>::max()) return 1 / ab;
    return std::exp(-(std::log(a) + std::log(b)));
}

/// KL(p‖N(μ, σ²)) = log σ − H(p) + ½log 2π + ½[(sd_p/σ)² + ((E p − μ)/σ)²], from the parts
/// already divided by σ (so that σ² and sd_p² are never formed: they overflow at 1e154).
/// log_sigma_minus_entropy is log σ − H(p), formed by the caller from ratios (log_ratio) so that
/// KL(exponential(1e-200)‖normal(0, 1e200)) = 0.919 does not cancel two numbers near 461.
inline double kl_to_normal(double log_sigma_minus_entropy, double sd_over_sigma, double offset_over_sigma) noexcept {
    return log_sigma_minus_entropy + half_log_two_pi<double> +
           0.5 * (sd_over_sigma * sd_over_sigma + offset_over_sigma * offset_over_sigma);
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

/// KL(p‖Gumbel(μ, β)) = −H(p) + log β + (E x − μ)/β + e^(μ/β)·M_p(−1/β), M_p the moment
/// generating function of p (E e^(−z) with z = (x − μ)/β). log_mgf is log M_p(−1/β).
inline double kl_to_gumbel(double entropy_p, double mean_p, double log_mgf, double mu, double beta) noexcept {
    return -entropy_p + std::log(beta) + (mean_p - mu) / beta + std::exp(mu / beta + log_mgf);
}

/// KL(p‖Pareto(s, α)) = −H(p) − log α − α log s + (α + 1)E log x, for supp p ⊆ [s, ∞).
inline double kl_to_pareto(double entropy_p, double mean_log_p, double scale, double alpha) noexcept {
    return -entropy_p - std::log(alpha) - alpha * std::log(scale) + (alpha + 1) * mean_log_p;
}

/// KL(p‖Gamma(α, r)) = −H(p) − α log r + lnΓ(α) − (α − 1)E log x + r·E x.
inline double kl_to_gamma(double entropy_p, double mean_log_p, double mean_p, double shape, double rate) noexcept {
    return -entropy_p - shape * std::log(rate) + std::lgamma(shape) - (shape - 1) * mean_log_p + rate * mean_p;
}

}  // namespace detail

// ---- to the normal (through detail::kl_to_normal where the pair has its parts) ----------------------
/// KL(Exp(λ)‖N(μ, σ²)) = log λ − 1 + log σ + ½log 2π + [(1/λ − μ)² + 1/λ²]/(2σ²), every part
/// divided by σ before it is squared and log λσ taken as one log (exponential(1e-200) vs
/// normal(0, 1e200): 0.919). Accuracy ≤ 1e-14 relative (bounded away from 0: the families differ).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const normal<T>& q) noexcept {
    const double rate = p.rate(), sigma = q.stddev();
    const double inverse = detail::inverse_product(rate, sigma);  // (1/λ)/σ
    return static_cast<T>(detail::kl_to_normal(detail::log_product(rate, sigma) - 1, inverse,
                                               detail::offset_over_sigma(1 / rate, inverse, q.mean(), sigma)));
}

/// KL(Laplace(m, b)‖N(μ, σ²)) = −(1 + log 2b) + log σ + ½log 2π + [2b² + (m − μ)²]/(2σ²), in
/// ratios b/σ and (m − μ)/σ (no overflow, no cancellation of large logs).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const laplace<T>& p, const normal<T>& q) noexcept {
    const double b = p.scale(), sigma = q.stddev();
    return static_cast<T>(detail::kl_to_normal(log_ratio(sigma, b) - 1 - std::numbers::ln2, std::numbers::sqrt2 * (b / sigma),
                                               detail::scaled_difference<double>(p.loc(), q.mean(), sigma)));
}

/// KL(U[a, b]‖N(μ, σ²)) = −log(b − a) + log σ + ½log 2π + [(b − a)²/12 + ((a + b)/2 − μ)²]/(2σ²),
/// in ratios to σ (uniform(0, 1e-300) or widths beyond DBL_MAX stay finite).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const normal<T>& q) noexcept {
    const double low = p.low(), high = p.high(), sigma = q.stddev(), width = high - low;
    const double log_sigma_minus_entropy =
        std::isfinite(width) ? log_ratio(sigma, width) : std::log(sigma) - detail::log_width(low, high);
    const double width_over_sigma = detail::scaled_difference(high, low, sigma);
    return static_cast<T>(detail::kl_to_normal(log_sigma_minus_entropy, width_over_sigma / std::sqrt(12.0),
                                               detail::scaled_difference<double>(mean(p), q.mean(), sigma)));
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

/// KL(Gumbel(μ, β)‖N(m, s²)): −H(p) + log s + ½log 2π + [π²β²/6 + (μ + βγ − m)²]/(2s²), with
/// log(s/β) as one log_ratio and every part divided by s before squaring.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const gumbel<T>& p, const normal<T>& q) noexcept {
    const double beta = p.scale(), s = q.stddev();
    return static_cast<T>(detail::kl_to_normal(log_ratio(s, beta) - std::numbers::egamma - 1,
                                               std::numbers::pi / std::sqrt(6.0) * (beta / s),
                                               detail::scaled_difference<double>(mean(p), q.mean(), s)));
}

/// KL(Pareto(s, α)‖N(μ, σ²)) (+inf for α ≤ 2).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const pareto<T>& p, const normal<T>& q) noexcept {
    if (p.alpha() <= T(2)) return std::numeric_limits<T>::infinity();
    const double s = p.scale(), a = p.alpha(), sigma = q.stddev();
    // log σ − H = log(σ/s) + log α − 1/α − 1; sd = s/(α − 1)·√(α/(α − 2)).
    const double sd_over_sigma = (s / sigma) / (a - 1) * std::sqrt(a / (a - 2));
    return static_cast<T>(detail::kl_to_normal(log_ratio(sigma, s) + std::log(a) - 1 / a - 1, sd_over_sigma,
                                               detail::scaled_difference<double>(mean(p), q.mean(), sigma)));
}

/// KL(CB(λ)‖N(μ, σ²)) = −H(p) + log σ + ½log 2π + [Var p + (E p − μ)²]/(2σ²). ≤ 1e-14 absolute
/// times the largest term.
template <real T>
[[nodiscard]] T kl_divergence(const continuous_bernoulli<T>& p, const normal<T>& q) noexcept {
    const double sigma = q.stddev(), offset = detail::cb_mean(p.natural()) - q.mean();
    return static_cast<T>(-static_cast<double>(entropy(p)) + std::log(sigma) + detail::half_log_two_pi<double> +
                          (detail::cb_variance(p.natural()) + offset * offset) / (2 * sigma * sigma));
}

// ---- to the Laplace ---------------------------------------------------------------------------------
/// KL(N(μ, σ²)‖Laplace(m, b)) = −½log(2πeσ²) + log 2b + E|X − m|/b, with log(b/σ) as one
/// log_ratio and E|X − m|/b from quotients that do not overflow.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const normal<T>& p, const laplace<T>& q) noexcept {
    const double sigma = p.stddev(), b = q.scale();
    return static_cast<T>(log_ratio(b, sigma) + std::numbers::ln2 - 0.5 - detail::half_log_two_pi<double> +
                          detail::normal_absolute_deviation_over(p.mean(), sigma, q.loc(), b));
}

/// KL(U[a, b]‖Laplace(m, s)) = −log(b − a) + log 2s + E|X − m|/s.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const laplace<T>& q) noexcept {
    const double m = q.loc(), a = p.low(), b = p.high(), s = q.scale(), width = b - a, centre = mean(p);
    double deviation_over_s;
    if (m <= a)
        deviation_over_s = detail::scaled_difference(centre, m, s);
    else if (m >= b)
        deviation_over_s = detail::scaled_difference(m, centre, s);
    else if (std::isfinite(width))  // ((m − a)² + (b − m)²)/(2(b − a)s), squares split into bounded quotients
        deviation_over_s = 0.5 * ((m - a) / width * ((m - a) / s) + (b - m) / width * ((b - m) / s));
    else {  // b − a overflows: the same in halves of the differences (0·inf was NaN, or 0 for inf·0)
        const double half_width = 0.5 * b - 0.5 * a, left = 0.5 * m - 0.5 * a, right = 0.5 * b - 0.5 * m;
        deviation_over_s = left / half_width * (left / s) + right / half_width * (right / s);
    }
    const double log_two_s_over_width =
        std::isfinite(width) ? log_ratio(s, width) : std::log(s) - detail::log_width(a, b);
    return static_cast<T>(log_two_s_over_width + std::numbers::ln2 + deviation_over_s);
}

/// KL(Exp(λ)‖Laplace(m, s)) = log λ − 1 + log 2s + E|X − m|/s, with E|X − m| = 1/λ − m for
/// m ≤ 0 and (1/λ)·(2e^(−t) − 1 + t), t = λm, for m > 0 — taken as (1 − t + 2φ(−t))/λ for t ≤ 1
/// (φ = expm1mx: m − 1/λ + 2e^(−λm)/λ cancels when λm is small) and as (m − 1/λ) + 2e^(−t)/λ
/// beyond; log λs as one log and every quotient by s formed without overflow.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const laplace<T>& q) noexcept {
    const double m = q.loc(), rate = p.rate(), s = q.scale(), inverse_rate = 1 / rate;
    const double inverse = detail::inverse_product(rate, s);  // (1/λ)/s
    double deviation_over_s;
    if (m <= 0) {
        deviation_over_s = std::isfinite(inverse_rate) ? detail::scaled_difference(inverse_rate, m, s)
                                                       : inverse * (1 - rate * m);
    } else {
        const double t = rate * m, tail = std::exp(-t);
        deviation_over_s = t <= 1 ? (1 - t + 2 * expm1mx(-t)) * inverse
                                  : detail::scaled_difference(m, inverse_rate, s) + (tail == 0 ? 0.0 : 2 * tail * inverse);
    }
    return static_cast<T>(detail::log_product(rate, s) - 1 + std::numbers::ln2 + deviation_over_s);
}

// ---- to the exponential -----------------------------------------------------------------------------
/// KL(U[a, b]‖Exp(λ)) = −log(b − a) − log λ + λ(a + b)/2 for a ≥ 0, +inf for a < 0.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const exponential<T>& q) noexcept {
    if (p.low() < T(0)) return detail::infinity<T>;
    const double rate = q.rate(), width = static_cast<double>(p.high()) - static_cast<double>(p.low());
    return static_cast<T>(-detail::log_product(width, rate) + rate * static_cast<double>(mean(p)));
}

/// KL(Gamma(α, β)‖Exponential(λ)): against Gamma(1, λ).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const exponential<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.shape(), p.rate(), 1.0, q.rate()));
}

/// KL(Beta(a, b)‖Exponential(λ)) = −H(p) − log λ + λ·E p.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const exponential<T>& q) noexcept {
    return -entropy(p) - std::log(q.rate()) + q.rate() * mean(p);
}

/// KL(Pareto(s, α)‖Exponential(λ)) = −H(p) − log λ + λ·E x (+inf for α ≤ 1).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const pareto<T>& p, const exponential<T>& q) noexcept {
    return -entropy(p) - std::log(q.rate()) + q.rate() * mean(p);
}

/// KL(CB(λ)‖Exp(r)) = −H(p) − log r + r·E X. ≤ 1e-14 absolute times the largest term.
template <real T>
[[nodiscard]] T kl_divergence(const continuous_bernoulli<T>& p, const exponential<T>& q) noexcept {
    return static_cast<T>(-static_cast<double>(entropy(p)) - std::log(static_cast<double>(q.rate())) +
                          q.rate() * detail::cb_mean(p.natural()));
}

// ---- to the gamma (detail::kl_to_gamma) -------------------------------------------------------------
/// KL(Exponential(λ)‖Gamma(α, β)): the exponential is Gamma(1, λ).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const gamma<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(1.0, p.rate(), q.shape(), q.rate()));
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

/// KL(Pareto(s, α)‖Gamma(k, r)) (+inf for α ≤ 1).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const pareto<T>& p, const gamma<T>& q) noexcept {
    const double mean_log = std::log(double(p.scale())) + 1.0 / p.alpha();
    return static_cast<T>(detail::kl_to_gamma(entropy(p), mean_log, mean(p), q.shape(), q.rate()));
}

/// KL(Beta(a, b)‖Gamma(k, r)) = −H(p) − k log r + lnΓ(k) − (k − 1)(ψ(a) − ψ(a + b)) + r·a/(a + b),
/// regrouped so that the large ψ(a) and lnΓ terms cancel analytically (for a ≪ 1 they are ~1e6
/// and the KL ~1e-6): with B the Bregman divergence of lnΓ and s = a + b,
/// KL = B(k, a) + (k − a)ψ(s) + B(b + a, b) + aψ(b) − (b − 1)/a·[B(b + a, b) + B(b, b + a)]
///    − k log r + r·a/s, using ψ(s) − ψ(b) = [B(s, b) + B(b, s)]/a. Computed in double.
/// Accuracy ≤ 1e-13 relative (the terms can be ~40× the KL: beta(50, ½) against gamma(3, 4)).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const gamma<T>& q) noexcept {
    const double a = p.alpha(), b = p.beta_parameter(), k = q.shape(), r = q.rate(), s = a + b;
    const double up = detail::log_gamma_bregman_step(b, a), down = detail::log_gamma_bregman_step(s, -a);
    compensated_sum<double> total;
    total.add(log_gamma_bregman(k, a));
    total.add((k - a) * digamma(s));
    total.add(up);
    total.add(a * digamma(b));
    total.add(b == 1 ? 0.0 : -(b - 1) * ((up + down) / a));
    total.add(-k * std::log(r));
    total.add(r * (a / s));
    return static_cast<T>(std::max(0.0, total.value()));
}

/// KL(χ²(k)‖Gamma(α, β)) = KL(Gamma(k/2, ½)‖Gamma(α, β)). ≤ 1e-13·max(1, k) relative.
template <real T>
[[nodiscard]] T kl_divergence(const chi_squared<T>& p, const gamma<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.dof() / 2.0, 0.5, q.shape(), q.rate()));
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

// ---- to the chi-squared -----------------------------------------------------------------------------
/// KL(Gamma(α, β)‖χ²(k)) = KL(Gamma(α, β)‖Gamma(k/2, ½)). ≤ 1e-13·max(1, α) relative.
template <real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const chi_squared<T>& q) noexcept {
    return static_cast<T>(detail::gamma_kl(p.shape(), p.rate(), q.dof() / 2.0, 0.5));
}

// ---- to the Gumbel (detail::kl_to_gumbel) -----------------------------------------------------------
/// KL(N(m, s²)‖Gumbel(μ, β)), with M(t) = e^(mt + s²t²/2).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const normal<T>& p, const gumbel<T>& q) noexcept {
    const double t = -1.0 / q.scale(), m = p.mean(), s = p.stddev();
    return static_cast<T>(detail::kl_to_gumbel(entropy(p), m, m * t + 0.5 * s * s * t * t, q.loc(), q.scale()));
}

/// KL(Exponential(λ)‖Gumbel(μ, β)), with M(t) = λ/(λ − t).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const gumbel<T>& q) noexcept {
    const double t = -1.0 / q.scale(), l = p.rate();
    return static_cast<T>(detail::kl_to_gumbel(entropy(p), 1 / l, std::log(l / (l - t)), q.loc(), q.scale()));
}

/// KL(Gamma(α, r)‖Gumbel(μ, β)), with M(t) = (1 − t/r)^(−α).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const gamma<T>& p, const gumbel<T>& q) noexcept {
    const double t = -1.0 / q.scale();
    return static_cast<T>(detail::kl_to_gumbel(entropy(p), mean(p), -double(p.shape()) * std::log1p(-t / p.rate()),
                                               q.loc(), q.scale()));
}

/// KL(Uniform(a, b)‖Gumbel(μ, β)), with M(t) = (e^(tb) − e^(ta))/(t(b − a)).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const gumbel<T>& q) noexcept {
    const double t = -1.0 / q.scale(), a = p.low(), b = p.high();
    // log M = ta + log(expm1(t(b − a))/(t(b − a))), stable for small t(b − a).
    const double w = t * (b - a);
    return static_cast<T>(detail::kl_to_gumbel(entropy(p), mean(p), t * a + std::log(std::expm1(w) / w), q.loc(), q.scale()));
}

// ---- to the Pareto (detail::kl_to_pareto) -----------------------------------------------------------
/// KL(Uniform(a, b)‖Pareto(s, α)) for a ≥ s (E log x of the uniform); +inf otherwise.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const pareto<T>& q) noexcept {
    if (p.low() < q.scale()) return std::numeric_limits<T>::infinity();
    const double a = p.low(), b = p.high();
    const double mean_log = (b * std::log(b) - b - (a * std::log(a) - a)) / (b - a);
    return static_cast<T>(detail::kl_to_pareto(entropy(p), mean_log, q.scale(), q.alpha()));
}

// ---- to the uniform ---------------------------------------------------------------------------------
/// KL(Beta(a, b)‖Uniform(l, h)) = −H(p) + log(h − l) when [0, 1] ⊆ [l, h], else +inf.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const uniform<T>& q) noexcept {
    if (q.low() > T(0) || q.high() < T(1)) return std::numeric_limits<T>::infinity();
    return -entropy(p) + std::log(q.high() - q.low());
}

/// KL(CB(λ)‖U(a, b)) = −H(p) + log(b − a) when [0, 1] ⊆ [a, b] (two non-negative terms, ≤ 1e-14
/// relative), else +inf.
template <real T>
[[nodiscard]] T kl_divergence(const continuous_bernoulli<T>& p, const uniform<T>& q) noexcept {
    if (q.low() > T(0) || q.high() < T(1)) return std::numeric_limits<T>::infinity();
    return -entropy(p) + std::log(q.high() - q.low());
}

// ---- to the beta ------------------------------------------------------------------------------------
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

// ---- to the continuous Bernoulli --------------------------------------------------------------------
/// KL(Beta(α, β)‖CB(λ)) = −H(p) − η·α/(α + β) + A(η). ≤ 1e-14 absolute times the largest term.
template <real T>
[[nodiscard]] T kl_divergence(const beta<T>& p, const continuous_bernoulli<T>& q) noexcept {
    const double a = p.alpha(), b = p.beta_parameter(), eta = q.natural();
    return static_cast<T>(-static_cast<double>(entropy(p)) - eta * a / (a + b) + detail::cb_log_normalizer(eta));
}

/// KL(U(a, b)‖CB(λ)) for [a, b] ⊆ [0, 1] (+inf otherwise): −log(b − a) − η(a + b)/2 + A(η); for
/// U(0, 1) = CB(½) it is the same-family integral from 0 (≤ 1e-13 relative, tiny KLs included).
template <real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const continuous_bernoulli<T>& q) noexcept {
    if (p.low() < T(0) || p.high() > T(1)) return std::numeric_limits<T>::infinity();
    const double eta = q.natural();
    if (p.low() == T(0) && p.high() == T(1)) return static_cast<T>(detail::cb_variance_integral(0, eta, true));
    const double a = p.low(), b = p.high();
    return static_cast<T>(-std::log(b - a) - eta * (a + b) / 2 + detail::cb_log_normalizer(eta));
}

// ---- to the Poisson ---------------------------------------------------------------------------------
/// KL(Bernoulli(p)‖Poisson(λ)) = −H(p) + λ − p·log λ = bd0(p, λ) + [(1 − p)·log1pmx(−p) + p²], a
/// Poisson deviance and the Bernoulli-vs-Poisson remainder, both ≥ 0 (no cancellation at p ≈ λ);
/// +inf for λ = 0 < p. Computed in double.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const bernoulli<T>& p, const poisson<T>& q) noexcept {
    const double pp = p.p(), lambda = q.rate();
    if (lambda == 0) return pp == 0 ? T(0) : std::numeric_limits<T>::infinity();
    const double remainder = pp == 1 ? 1.0 : (1 - pp) * log1pmx(-pp) + pp * pp;
    return static_cast<T>(detail::count_deviance(pp, lambda) + remainder);
}

/// KL(Binomial(n, p)‖Poisson(λ)): the exact finite sum over k = 0…n, written as non-negative
/// terms: Σ P_λ(k)·ρ(ℓₖ) + P_λ(K > n), ρ = rlogr_residual, ℓₖ = log(Bₖ/P_λ(k)) formed as
/// k·log(np/λ) + Σ_{j<k} log1p(−j/n) + n·log1pmx(−p) − k·log1p(−p) + (λ − np) (no difference of
/// large log-factorials). +inf for λ = 0 < p. Cost O(n) (a loop over the support).
/// Accuracy ≤ 1e-12 relative in double for n ≤ 10⁶, including KL ~ 1e-20.
template <real T>
[[nodiscard]] T kl_divergence(const binomial<T>& p, const poisson<T>& q) noexcept {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const std::int64_t n = p.trials();
    const double pd = static_cast<double>(p.p()), lambda = static_cast<double>(q.rate()), nd = static_cast<double>(n);
    if (n == 0 || pd == 0) return static_cast<T>(lambda);  // the point mass at 0: −log e^(−λ)
    if (lambda == 0) return std::numeric_limits<T>::infinity();
    if (pd == 1) return static_cast<T>(lambda - nd * std::log(lambda) + std::lgamma(nd + 1));  // point mass at n
    const double log_ratio_np = log_ratio(nd * pd, lambda), log1p_minus_p = std::log1p(-pd);
    const double constant = nd * log1pmx(-pd) + (lambda - nd * pd);
    compensated_sum<double> total, poisson_mass;
    double falling = 0;  // Σ_{j<k} log1p(−j/n)
    for (std::int64_t k = 0; k <= n; ++k) {
        const double kd = static_cast<double>(k);
        if (k > 0) falling += std::log1p(-(kd - 1) / nd);
        const double log_q = kd * std::log(lambda) - lambda - std::lgamma(kd + 1);
        const double l = kd * log_ratio_np + falling + constant - kd * log1p_minus_p;
        const double q_k = std::exp(log_q);
        poisson_mass.add(q_k);
        if (q_k == 0 || l > 500) {
            // P_λ(k) underflows or Bₖ/P_λ(k) would overflow: the term Bₖ·ℓₖ − Bₖ + P_λ(k) from the log-masses.
            const double log_b = l + log_q;
            if (log_b == -inf) {
                total.add(q_k);
                continue;
            }
            const double b_k = std::exp(log_b);
            total.add(b_k * (l - 1) + q_k);
            continue;
        }
        total.add(q_k * rlogr_residual(l));
    }
    // P_λ(K > n) as 1 − P_λ(K ≤ n) loses digits when the tail is tiny; sum the tail directly then.
    double tail = 1 - poisson_mass.value();
    if (tail < 0.5) {
        compensated_sum<double> upper;
        for (double k = nd + 1;; k += 1) {
            const double t = std::exp(k * std::log(lambda) - lambda - std::lgamma(k + 1));
            upper.add(t);
            if (t <= 1e-18 * upper.value() || t == 0) break;
        }
        tail = upper.value();
    }
    return static_cast<T>(std::max(0.0, total.value() + tail));
}

// ---- to the Bernoulli -------------------------------------------------------------------------------
/// KL(Poisson(λ)‖Bernoulli(q)): +inf unless λ = 0 (point mass at 0), then −log(1 − q).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const poisson<T>& p, const bernoulli<T>& q) noexcept {
    if (p.rate() == T(0)) return q.p() == T(1) ? std::numeric_limits<T>::infinity() : -std::log1p(-q.p());
    return std::numeric_limits<T>::infinity();
}

// ---- to the binomial --------------------------------------------------------------------------------
/// KL(Poisson(λ)‖Binomial(n, q)): +inf unless λ = 0 (Poisson(0) is the point mass at 0, which
/// every binomial can reach), then −log P_q(0) = −n·log(1 − q). Exact.
template <real T>
[[nodiscard]] T kl_divergence(const poisson<T>& p, const binomial<T>& q) noexcept {
    if (p.rate() != T(0)) return std::numeric_limits<T>::infinity();
    if (q.trials() == 0) return T(0);
    return q.p() == T(1) ? std::numeric_limits<T>::infinity() : -static_cast<T>(q.trials()) * std::log1p(-q.p());
}

/// KL(Bernoulli(p)‖Binomial(n, q)), the finite sum over {0, 1} written as two non-negative
/// terms: with S = P_q(0) + P_q(1) = (1 − q)ⁿ⁻¹(1 + (n − 1)q) and r = P_q(1)/S = nq/(1 + (n − 1)q),
/// KL = KL(Bernoulli(p)‖Bernoulli(r)) − log S, −log S = −(n − 1)·log1pmx(−q) − log1pmx((n − 1)q). n = 1 is the Bernoulli pair; n = 0 is the point
/// mass at 0 (0 for p = 0, +inf otherwise). Accuracy ≤ 1e-13 relative in double.
template <real T>
[[nodiscard]] T kl_divergence(const bernoulli<T>& p, const binomial<T>& q) noexcept {
    const std::int64_t n = q.trials();
    if (n == 0) return p.p() == T(0) ? T(0) : std::numeric_limits<T>::infinity();
    if (n == 1) return detail::bernoulli_kl(p.p(), q.p());
    if (q.p() == T(1)) return std::numeric_limits<T>::infinity();  // P_q(0) = P_q(1) = 0
    const double qd = static_cast<double>(q.p()), m = static_cast<double>(n - 1);
    const double r = (m + 1) * qd / (1 + m * qd);
    // −log S = −(n − 1)·log1p(−q) − log1p((n − 1)q) = −(n − 1)·log1pmx(−q) − log1pmx((n − 1)q): the
    // linear parts cancel exactly, leaving two non-negative terms.
    const double minus_log_s = -m * log1pmx(-qd) - log1pmx(m * qd);
    return static_cast<T>(detail::bernoulli_kl(static_cast<double>(p.p()), r) + minus_log_s);
}

// ---- to the multivariate normals --------------------------------------------------------------------
/// KL(low-rank p‖mv_normal q) = KL(as_mv_normal(p)‖q): q is dense anyway, so p's covariance is
/// formed (O(d²·r)) and mv_normal's form applies (eigenvalues for nearly equal covariances):
/// ≤ 1e-12·cond(Σq) relative in double; O(d³), fine to d = 1000 (mv_normal's range).
/// Throws kldiv::domain_error if the dimensions differ.
template <real T>
[[nodiscard]] T kl_divergence(const low_rank_mv_normal<T>& p, const mv_normal<T>& q) {
    detail::check_same_size("kl_divergence", static_cast<std::size_t>(p.dimension()), static_cast<std::size_t>(q.dimension()));
    return kl_divergence(as_mv_normal(p), q);
}

/// KL(mv_normal p‖low-rank q) = KL(p‖as_mv_normal(q)), as above. ≤ 1e-12·cond(Σq) relative;
/// O(d³). Throws kldiv::domain_error if the dimensions differ.
template <real T>
[[nodiscard]] T kl_divergence(const mv_normal<T>& p, const low_rank_mv_normal<T>& q) {
    detail::check_same_size("kl_divergence", static_cast<std::size_t>(p.dimension()), static_cast<std::size_t>(q.dimension()));
    return kl_divergence(p, as_mv_normal(q));
}

}  // namespace kldiv
