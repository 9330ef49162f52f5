// The gamma distribution Gamma(shape, rate): density, sampling, moments, entropy.
// Guarantees: validated at construction; support (0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/distributions/count_asymptotics.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/gamma.hpp"

namespace kldiv {

namespace detail {
/// H(Gamma(α, 1)) − ½·log(2πeα) ≤ 0, the entropy a gamma of shape α lacks against the normal of
/// its variance: −1/(2α) + s(α) + (α − 1)·(ψ(α) − log α + 1/(2α)), with s Stirling's remainder;
/// about −1/(3α) for large α, formed from the series (no cancellation of the O(log α) parts).
/// Only for α ≥ 16 (callers below 16 use lnΓ and ψ directly). Accuracy ≤ 1e-15 relative.
inline double gamma_entropy_excess(double a) noexcept {
    const double r = 1 / (a * a);  // −(ψ(α) − log α + 1/(2α)), the series of stirling_gap_derivative
    const double delta = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760))))));
    return -0.5 / a + stirling_remainder(a) - (1 - a) * delta;
}
}  // namespace detail

/// Gamma(shape α, rate β): density βᵅ x^(α−1) e^(−βx)/Γ(α) on x > 0. Constructor
/// gamma(shape, rate): both > 0 and finite, else kldiv::domain_error.
template <real T = double>
class gamma {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::half_line(0, 0);

    gamma(T shape, T rate) : shape_(shape), rate_(rate) {
        detail::require_positive("gamma", "shape", shape);
        detail::require_positive("gamma", "rate", rate);
    }

    [[nodiscard]] T shape() const noexcept { return shape_; }
    [[nodiscard]] T rate() const noexcept { return rate_; }

private:
    T shape_;
    T rate_;
};

/// α log β + (α − 1) log x − βx − lnΓ(α) for x > 0; at x = 0: log β for α = 1, +inf for α < 1,
/// −inf for α > 1; −inf for x < 0 and x = +inf; NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const gamma<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < T(0) || std::isinf(x)) return -std::numeric_limits<T>::infinity();
    const T a = d.shape();
    if (x == T(0))
        return a == T(1) ? std::log(d.rate()) : (a < T(1) ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity());
    // f(x) = (α/x)·P(Poisson(βx) = α): log α − log x − ½log 2πα − s(α) − bd0(α, βx) in double,
    // no lnΓ(α) against α·log(βx) (they overflow together near α = 1e308, cancel for large α).
    const double ad = a, xd = x, rate_x = static_cast<double>(d.rate()) * xd;
    if (rate_x >= std::numeric_limits<double>::min() && rate_x <= std::numeric_limits<double>::max())
        return static_cast<T>(std::log(ad) - std::log(xd) + detail::poisson_log_mass(ad, rate_x));
    // βx beyond the format: bd0(α, βx) = α·φ(log(βx/α)) from logs.
    const double l = std::log(static_cast<double>(d.rate())) + std::log(xd) - std::log(ad);
    return static_cast<T>(0.5 * (std::log(ad) - std::log(2 * std::numbers::pi)) - std::log(xd) -
                          detail::stirling_remainder(ad) - ad * expm1mx(l));
}


/// G/rate with G ~ Gamma(shape, 1) (Marsaglia–Tsang, boosted below shape 1), in double; a draw
/// beyond the positive finite numbers of T is returned as the nearest one (the smallest
/// subnormal instead of an underflow to 0, max instead of +inf), so its log density is finite
/// unless the mass itself lies beyond the format (shape/rate ≳ 1e300: then below −DBL_MAX).
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const gamma<T>& d, Engine& engine) noexcept {
    const T x = static_cast<T>(detail::standard_gamma(static_cast<double>(d.shape()), engine) / static_cast<double>(d.rate()));
    if (x == T(0)) return std::numeric_limits<T>::denorm_min();  // the support is (0, ∞)
    return detail::clamp_to_finite(x);
}
/// α − log β + lnΓ(α) + (1 − α)ψ(α) nats, computed in double. For α ≥ 16 in Stirling-remainder
/// form, ½log(2πα) − log β + ½ − 1/(2α) + s(α) − (1 − α)δ(α) with s the Stirling remainder of
/// lnΓ and δ(α) = log α − 1/(2α) − ψ(α) = Σ B₂ₖ/(2k·α²ᵏ) (to α⁻¹², first omitted term below
/// 1e-17 at 16): the terms of size α·log α never meet, so gamma(1e7, 1) and gamma(1e308, 1)
/// keep their digits.
template <real T>
[[nodiscard]] T entropy(const gamma<T>& d) noexcept {
    const double a = static_cast<double>(d.shape()), log_rate = std::log(static_cast<double>(d.rate()));
    if (a < 16) return static_cast<T>(a - log_rate + std::lgamma(a) + (1 - a) * digamma(a));
    return static_cast<T>(0.5 * (std::log(2 * std::numbers::pi) + std::log(a)) - log_rate + 0.5 +
                          detail::gamma_entropy_excess(a));
}
template <real T>
[[nodiscard]] T mean(const gamma<T>& d) noexcept {
    return d.shape() / d.rate();
}
template <real T>
[[nodiscard]] T variance(const gamma<T>& d) noexcept {
    return d.shape() / d.rate() / d.rate();  // no over- or underflow of rate²
}
template <real T>
[[nodiscard]] support_set<T> support(const gamma<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
