// The beta distribution Beta(alpha, beta) on [0, 1]: density, sampling, moments, entropy.
// Guarantees: validated at construction.
#pragma once

#include <cmath>
#include <utility>
#include <limits>
#include <numbers>
#include <random>

#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/distributions/count_asymptotics.hpp"
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
/// δ(x) = log x − 1/(2x) − ψ(x) = Σ B₂ₖ/(2k·x²ᵏ) for x ≥ 16 (to x⁻¹²; first omitted term
/// < 1e-17 relative at 16).
inline double digamma_remainder(double x) noexcept {
    const double r = 1 / (x * x);
    return r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760))))));
}
}  // namespace detail

/// (α − 1) log x + (β − 1) log(1 − x) − log B(α, β) on (0, 1) (end points by the limits),
/// −inf outside [0, 1], NaN → NaN. For α, β ≥ 16 in saddle-point form (no term grows with the
/// parameters; finite for α, β up to DBL_MAX wherever the density is representable).
template <real T>
[[nodiscard]] T log_pdf(const beta<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < T(0) || x > T(1)) return -std::numeric_limits<T>::infinity();
    const double a = static_cast<double>(d.alpha()), b = static_cast<double>(d.beta_parameter()), xd = x;
    if (a >= 16 && b >= 16) {
        // Saddle-point form (no term grows with α, β; the direct one is inf − inf near 1e308 and
        // returned 0 for log_pdf(beta(1e300, 1e300), ½), true 345.6): with s = α + β, m = α/s,
        //   α·log1pmx((x − m)/m) + β·log1pmx((m − x)/(1 − m)) − log x − log(1 − x)
        //   − ½log 2π + ½(log m + log(1 − m) + log s) − μ(α) − μ(β) + μ(s),
        // μ the Stirling remainder; both log1pmx terms ≤ 0. s is formed from halves.
        if (xd == 0 || xd == 1) return -std::numeric_limits<T>::infinity();
        const double half_s = a / 2 + b / 2, m = (a / 2) / half_s, one_minus_m = (b / 2) / half_s;
        const double s = a + b, mu_s = std::isfinite(s) ? detail::stirling_remainder(s) : 0.0;
        const double deviance = a * log1pmx((xd - m) / m) + b * log1pmx((m - xd) / one_minus_m);
        return static_cast<T>(deviance - std::log(xd) - std::log1p(-xd) - 0.5 * std::log(2 * std::numbers::pi) +
                              0.5 * (std::log(m) + std::log(one_minus_m) + std::log(half_s) + std::numbers::ln2) -
                              detail::stirling_remainder(a) - detail::stirling_remainder(b) + mu_s);
    }
    const double left = (a == 1) ? 0.0 : (a - 1) * std::log(xd);
    const double right = (b == 1) ? 0.0 : (b - 1) * std::log1p(-xd);
    return static_cast<T>(left + right - detail::log_beta_function(a, b));
}
/// G_α/(G_α + G_β) from two gamma variates taken in logs (for tiny α, β both G underflow;
/// 0/0 was NaN): 1/(1 + e^(log G_β − log G_α)), the exponent never positive. Always in [0, 1];
/// never an end point whose density is 0.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const beta<T>& d, Engine& engine) noexcept {
    const double log_x = detail::log_standard_gamma(static_cast<double>(d.alpha()), engine);
    const double log_y = detail::log_standard_gamma(static_cast<double>(d.beta_parameter()), engine);
    T x;
    if (log_x == -std::numeric_limits<double>::infinity() && log_y == log_x) {
        // Both variates below e^(−DBL_MAX) (α, β ≲ 1e-305): the continuous part is beyond the
        // format and Beta(α, β) is, to double precision, 1 with probability α/(α + β), else 0.
        const double a = d.alpha(), b = d.beta_parameter();
        x = uniform01(engine) * (a + b) < a ? T(1) : T(0);
    } else if (log_x >= log_y) {
        x = static_cast<T>(1 / (1 + std::exp(log_y - log_x)));
    } else {
        const double ratio = std::exp(log_x - log_y);
        x = static_cast<T>(ratio / (1 + ratio));
    }
    // A draw that rounds to an end point where the density is 0 (α > 1 at 0, β > 1 at 1) is
    // returned as the nearest interior number of T, so every sample has a finite log density.
    if (x == T(0) && d.alpha() > T(1)) return std::numeric_limits<T>::denorm_min();
    if (x == T(1) && d.beta_parameter() > T(1)) return std::nextafter(T(1), T(0));
    return x;
}
/// log B(α, β) − (α − 1)ψ(α) − (β − 1)ψ(β) + (α + β − 2)ψ(α + β) nats, computed in double as
/// log B(α, β) + (α − 1)(ψ(α + β) − ψ(α)) + (β − 1)(ψ(α + β) − ψ(β)), the digamma steps from
/// Bregman divergences (no ψ of size 1e6 cancelled, no inf − inf for a parameter near 1e308).
/// For α, β ≥ 16 the same regrouped with Stirling's series so that no term grows with the
/// parameters: ½log 2π + ½log(αβ/s³) + μ(α) + μ(β) − μ(s) + (α − 1)β/(2αs) + (β − 1)α/(2βs)
/// + (α − 1)(δ(α) − δ(s)) + (β − 1)(δ(β) − δ(s)), s = α + β, δ(x) = log x − 1/(2x) − ψ(x).
template <real T>
[[nodiscard]] T entropy(const beta<T>& d) noexcept {
    const double a = static_cast<double>(d.alpha()), b = static_cast<double>(d.beta_parameter());
    if (a >= 16 && b >= 16) {
        // s = α + β from halves where it overflows (beta(1e308, 1e308) was −inf).
        const double half_s = a / 2 + b / 2, s = a + b, m = (a / 2) / half_s, one_minus_m = (b / 2) / half_s;
        const double log_s = std::log(half_s) + std::numbers::ln2;
        const double ds = detail::digamma_remainder(s), mu_s = std::isfinite(s) ? detail::stirling_remainder(s) : 0.0;
        return static_cast<T>(0.5 * (std::log(2 * std::numbers::pi) + std::log(m) + std::log(one_minus_m) - log_s) +
                              detail::stirling_remainder(a) + detail::stirling_remainder(b) - mu_s +
                              0.5 * one_minus_m * (1 - 1 / a) + 0.5 * m * (1 - 1 / b) +  // (α − 1)β/(2αs), no 2α overflow
                              (a - 1) * (detail::digamma_remainder(a) - ds) + (b - 1) * (detail::digamma_remainder(b) - ds));
    }
    const double left = a == 1 ? 0.0 : (a - 1) * detail::digamma_step(a, b);
    const double right = b == 1 ? 0.0 : (b - 1) * detail::digamma_step(b, a);
    return static_cast<T>(detail::log_beta_function(a, b) + left + right);
}
/// α/(α + β), from the halves when the sum overflows (beta(1e308, 1e308) has mean ½).
template <real T>
[[nodiscard]] T mean(const beta<T>& d) noexcept {
    const T a = d.alpha(), b = d.beta_parameter(), s = a + b;
    return std::isfinite(s) ? a / s : (a / T(2)) / (a / T(2) + b / T(2));
}
/// αβ/((α + β)²(α + β + 1)) = (α/s)(β/s)/(s + 1), s = α + β: no overflow of α·β or s², and the
/// halves when s overflows. Tiny values underflow gracefully (beta(1e200, 1e200): 1.25e-201).
template <real T>
[[nodiscard]] T variance(const beta<T>& d) noexcept {
    const T a = d.alpha(), b = d.beta_parameter(), s = a + b;
    if (std::isfinite(s)) return (a / s) * (b / s) / (s + T(1));
    const T h = a / T(2) + b / T(2);
    return (a / T(2) / h) * (b / T(2) / h) / h / T(2);
}
template <real T>
[[nodiscard]] support_set<T> support(const beta<T>&) noexcept {
    return {T(0), T(1), support_kind::interval};
}

}  // namespace kldiv
