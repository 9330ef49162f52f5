// The gamma distribution Gamma(shape, rate): density, sampling, moments, entropy.
// Guarantees: validated at construction; support (0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <random>

#include "kldiv/core/log_gamma_bregman.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/normal.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

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
/// −inf for α > 1; −inf for x < 0; NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const gamma<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < T(0)) return -std::numeric_limits<T>::infinity();
    const T a = d.shape();
    if (x == T(0))
        return a == T(1) ? std::log(d.rate()) : (a < T(1) ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity());
    return a * std::log(d.rate()) + (a - T(1)) * std::log(x) - d.rate() * x - std::lgamma(a);
}

namespace detail {
/// Marsaglia & Tsang (2000) for shape ≥ 1; shape < 1 by the boost X·U^(1/α).
template <class Engine>
double standard_gamma(double shape, Engine& engine) noexcept {
    if (shape < 1) {
        const double boosted = standard_gamma(shape + 1, engine);
        return boosted * std::exp(std::log(uniform01_open(engine)) / shape);
    }
    const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    while (true) {
        double x, v;
        do {
            x = standard_normal(engine);
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const double u = uniform01_open(engine);
        if (u < 1 - 0.0331 * (x * x) * (x * x)) return d * v;
        if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
    }
}
}  // namespace detail

template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const gamma<T>& d, Engine& engine) noexcept {
    return static_cast<T>(detail::standard_gamma(static_cast<double>(d.shape()), engine)) / d.rate();
}
/// α − log β + lnΓ(α) + (1 − α)ψ(α) nats.
template <real T>
[[nodiscard]] T entropy(const gamma<T>& d) noexcept {
    const double a = static_cast<double>(d.shape());
    return static_cast<T>(a - std::log(static_cast<double>(d.rate())) + std::lgamma(a) + (1 - a) * digamma(a));
}
template <real T>
[[nodiscard]] T mean(const gamma<T>& d) noexcept {
    return d.shape() / d.rate();
}
template <real T>
[[nodiscard]] T variance(const gamma<T>& d) noexcept {
    return d.shape() / (d.rate() * d.rate());
}
template <real T>
[[nodiscard]] support_set<T> support(const gamma<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
