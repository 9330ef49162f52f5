// The logistic distribution Logistic(loc, scale): density, sampling, moments, entropy.
// Guarantees: validated at construction; support ℝ.
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Logistic(loc μ, scale s): density e^(−z)/(s(1 + e^(−z))²), z = (x − μ)/s. Constructor
/// logistic(loc, scale): loc finite, scale > 0 and finite, else kldiv::domain_error.
/// KL between logistics has no closed form: use kl_divergence(p, q, kldiv::monte_carlo{n}, engine).
template <real T = double>
class logistic : public detail::location_scale<T> {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::real_line();

    logistic(T loc, T scale) : detail::location_scale<T>("logistic", loc, scale) {}
};

/// −|z| − 2·log1p(e^(−|z|)) − log s (the density is symmetric; no overflow in the tails).
/// NaN → NaN. ≤ 2 ulp plus the rounding of z.
template <real T>
[[nodiscard]] T log_pdf(const logistic<T>& d, T x) noexcept {
    const T a = std::fabs((x - d.loc()) / d.scale());
    return -a - T(2) * std::log1p(std::exp(-a)) - std::log(d.scale());
}
/// Inverse CDF: μ + s·log(U/(1 − U)), U ∈ (0, 1) (log U − log1p(−U), exact in the tails).
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const logistic<T>& d, Engine& engine) noexcept {
    double u;
    do u = uniform01_open(engine);
    while (u == 1.0);
    return d.loc() + d.scale() * static_cast<T>(std::log(u) - std::log1p(-u));
}
/// log s + 2 nats.
template <real T>
[[nodiscard]] T entropy(const logistic<T>& d) noexcept {
    return std::log(d.scale()) + T(2);
}
template <real T>
[[nodiscard]] T mean(const logistic<T>& d) noexcept {
    return d.loc();
}
/// s²π²/3.
template <real T>
[[nodiscard]] T variance(const logistic<T>& d) noexcept {
    return d.scale() * d.scale() * std::numbers::pi_v<T> * std::numbers::pi_v<T> / T(3);
}
template <real T>
[[nodiscard]] support_set<T> support(const logistic<T>&) noexcept {
    return {-std::numeric_limits<T>::infinity(), std::numeric_limits<T>::infinity(), support_kind::real_line};
}

}  // namespace kldiv
