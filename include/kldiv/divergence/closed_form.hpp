// Closed-form KL(p‖q) for the normal, exponential, Laplace and uniform pairs, the support rule
// (+inf whenever the families' supports can never nest), and cross_entropy = entropy + KL.
#pragma once

#include <cmath>
#include <concepts>
#include <limits>
#include <numbers>
#include <type_traits>

#include "kldiv/core/constants.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/divergence/float_closed_forms.hpp"
#include "kldiv/divergence/support_rule.hpp"
#include "kldiv/distributions/exponential.hpp"
#include "kldiv/distributions/laplace.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/uniform.hpp"

namespace kldiv {

namespace detail {
template <class>
inline constexpr bool always_false = false;

template <class T>
inline constexpr T infinity = std::numeric_limits<T>::infinity();

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
}  // namespace detail

// ---- same family ----------------------------------------------------------------------------

/// KL(N(μp, σp²)‖N(μq, σq²)) = ½[φ(2·log(σp/σq)) + ((μp − μq)/σq)²], φ = expm1mx: two
/// non-negative terms, so it keeps its digits at KL ~ 1e-20 (σp/σq = 1 + 1e-10), and the log of
/// the ratio is taken before squaring (σ 1e-200 vs 1e200 gives 920.5, not inf), and μp − μq is
/// formed without overflow (normal(1e308, 1e300) vs normal(−1e308, 1e300): 2e16). +inf only
/// when the value exceeds the format. Accuracy: ≤ 1e-13 relative in double. Never negative.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const normal<T>& p, const normal<T>& q) noexcept {
    const T z = detail::scaled_difference(p.mean(), q.mean(), q.stddev());
    return T(0.5) * (expm1mx(T(2) * log_ratio(p.stddev(), q.stddev())) + z * z);
}

/// KL(Exp(λp)‖Exp(λq)) = φ(log(λq/λp)). Accuracy ≤ 1e-13 relative. Never negative.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const exponential<T>& q) noexcept {
    return expm1mx(log_ratio(q.rate(), p.rate()));
}

/// KL(Laplace(μp, bp)‖Laplace(μq, bq)) = φ(t) + eᵗ·φ(−a), t = log(bp/bq), a = |μp − μq|/bp:
/// a sum of non-negative terms (the textbook form cancels). μp − μq without overflow; eᵗ·φ(−a)
/// taken as exp(t + log φ(−a)) when eᵗ alone overflows (and 0 when φ(−a) is 0: no inf·0).
/// +inf only when the value exceeds the format. Accuracy ≤ 1e-13 relative.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const laplace<T>& p, const laplace<T>& q) noexcept {
    const T t = log_ratio(p.scale(), q.scale());
    const T a = std::fabs(detail::scaled_difference(p.loc(), q.loc(), p.scale()));
    const T location = expm1mx(-a), scale_part = expm1mx(t);
    if (location == T(0) || std::isinf(scale_part)) return scale_part;
    if (a >= T(1)) {
        // eᵗ·φ(−a) = |μp − μq|/bq − eᵗ + e^(t − a) ≥ e^(−1)·|μp − μq|/bq: no 0·inf when eᵗ
        // underflows and a overflows.
        const T offset = std::fabs(detail::scaled_difference(p.loc(), q.loc(), q.scale()));
        if (std::isinf(offset)) return offset;
        return scale_part + ((offset - std::exp(t)) + std::exp(t - a));
    }
    const T e_t = std::exp(t);
    return expm1mx(t) + (std::isfinite(e_t) ? e_t * location : std::exp(t + std::log(location)));
}

/// KL(U[a, b]‖U[c, d]) = log((d − c)/(b − a)) when [a, b] ⊆ [c, d], else +inf, evaluated as
/// log1p(((a − c) + (d − b))/(b − a)): the two overhangs are ≥ 0 and taken from the endpoints
/// themselves, so a tiny KL keeps its digits (d − c rounded first would lose them: U[0, 1] in
/// U[−1e-15, 1] has KL 1.0e-15, once 11 % off). Accuracy ≤ 4 ulp. Widths that overflow are
/// taken from their halves.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const uniform<T>& q) noexcept {
    if (p.low() < q.low() || p.high() > q.high()) return detail::infinity<T>;
    const T wq = q.high() - q.low(), wp = p.high() - p.low();
    const T overhang = (p.low() - q.low()) + (q.high() - p.high());
    if (std::isfinite(wp) && std::isfinite(overhang) && std::isfinite(overhang / wp))
        return std::log1p(overhang / wp);
    if (std::isfinite(wq) && std::isfinite(wp)) return log_ratio(wq, wp);
    return detail::log_width(q.low(), q.high()) - detail::log_width(p.low(), p.high());
}

// ---- across families (the pairs PyTorch registers among these, and more) -------------------

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

/// KL(N(μ, σ²)‖Laplace(m, b)) = −½log(2πeσ²) + log 2b + E|X − m|/b, with log(b/σ) as one
/// log_ratio and E|X − m|/b from quotients that do not overflow.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const normal<T>& p, const laplace<T>& q) noexcept {
    const double sigma = p.stddev(), b = q.scale();
    return static_cast<T>(log_ratio(b, sigma) + std::numbers::ln2 - 0.5 - detail::half_log_two_pi<double> +
                          detail::normal_absolute_deviation_over(p.mean(), sigma, q.loc(), b));
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

/// KL(U[a, b]‖Exp(λ)) = −log(b − a) − log λ + λ(a + b)/2 for a ≥ 0, +inf for a < 0.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const exponential<T>& q) noexcept {
    if (p.low() < T(0)) return detail::infinity<T>;
    const double rate = q.rate(), width = static_cast<double>(p.high()) - static_cast<double>(p.low());
    return static_cast<T>(-detail::log_product(width, rate) + rate * static_cast<double>(mean(p)));
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
    else  // ((m − a)² + (b − m)²)/(2(b − a)s), each square split into two bounded quotients
        deviation_over_s = 0.5 * ((m - a) / width * ((m - a) / s) + (b - m) / width * ((b - m) / s));
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

// ---- the support rule and the pairs without a closed form ---------------------------------

namespace detail {
/// What kl_divergence(p, q) returns for a pair with no closed form: a type no caller can use,
/// so that closed_form_kl<P, Q> is false while the call still reaches the readable static_assert.
template <class P, class Q>
struct no_closed_form {};
}  // namespace detail

/// +inf for every pair without a closed form whose compile-time supports prove supp p ⊄ supp q
/// (see never_nested: p continuous and q discrete or the reverse, or an end point of p always
/// beyond q's — gumbel → pareto, gamma → uniform, poisson → geometric, …): no overload to write.
/// Pairs with a closed form (which check nesting at run time where it depends on the
/// parameters) are more specialised and win.
template <distribution P, distribution Q>
    requires detail::never_nested_supports<P, Q>
[[nodiscard]] typename P::value_type kl_divergence(const P&, const Q&) noexcept {
    return detail::infinity<typename P::value_type>;
}

/// Any other pair: supp p ⊆ supp q is possible and kldiv knows no closed form, so this does not
/// compile. Pass Monte Carlo options and an engine instead: kl_divergence(p, q, kldiv::monte_carlo{n}, rng).
template <distribution P, distribution Q>
    requires detail::possibly_nested_supports<P, Q>
detail::no_closed_form<P, Q> kl_divergence(const P&, const Q&) {
    static_assert(detail::always_false<P>,
                  "kldiv::kl_divergence: this pair of distributions has no closed form; call "
                  "kl_divergence(p, q, kldiv::monte_carlo{samples}, engine) for an estimate with its standard error");
    return {};
}

/// Whether kl_divergence(p, q) has an answer without sampling: a closed form, or +inf by the
/// support rule. False exactly where the call would fail to compile.
template <class P, class Q>
concept closed_form_kl = distribution<P> && distribution<Q> && requires(const P& p, const Q& q) {
    { kl_divergence(p, q) } -> std::same_as<typename P::value_type>;
};

/// Cross-entropy H(p, q) = H(p) + KL(p‖q) in nats, for every pair with a closed-form KL.
/// +inf where the KL is. Accuracy: that of entropy(p) and the KL, added.
template <distribution P, distribution Q>
    requires requires(const P& p, const Q& q) {
        { entropy(p) };
    }
[[nodiscard]] typename P::value_type cross_entropy(const P& p, const Q& q) {
    return entropy(p) + kl_divergence(p, q);
}

}  // namespace kldiv
