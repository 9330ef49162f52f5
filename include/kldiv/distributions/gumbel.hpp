// The Gumbel (type-I extreme value) distribution Gumbel(loc, scale): density, sampling,
// moments, entropy. Guarantees: validated at construction.
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Gumbel(loc, scale): density e^(−(z + e^(−z)))/scale, z = (x − loc)/scale. Constructor
/// gumbel(loc, scale): loc finite, scale > 0 and finite, else kldiv::domain_error.
template <real T = double>
class gumbel : public detail::location_scale<T> {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::real_line();

    gumbel(T loc, T scale) : detail::location_scale<T>("gumbel", loc, scale) {}
};

/// −(z + e^(−z)) − log scale, z = (x − loc)/scale (formed without overflow); −inf at x = ±inf
/// and wherever e^(−z) overflows; NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const gumbel<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    const T z = detail::scaled_difference(x, d.loc(), d.scale());
    if (std::isinf(z)) return -std::numeric_limits<T>::infinity();
    return -(z + std::exp(-z)) - std::log(d.scale());
}
/// loc − scale·log E with E ~ Exponential(1) (E = 0 redrawn).
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const gumbel<T>& d, Engine& engine) noexcept {
    double e;
    do e = -std::log(uniform01_open(engine));
    while (e == 0.0);
    return detail::clamp_to_finite(d.loc() - d.scale() * static_cast<T>(std::log(e)));  // ±max, never ±inf
}
/// log(scale) + γ + 1 nats.
template <real T>
[[nodiscard]] T entropy(const gumbel<T>& d) noexcept {
    return std::log(d.scale()) + std::numbers::egamma_v<T> + T(1);
}
template <real T>
[[nodiscard]] T mean(const gumbel<T>& d) noexcept {
    return d.loc() + d.scale() * std::numbers::egamma_v<T>;
}
template <real T>
[[nodiscard]] T variance(const gumbel<T>& d) noexcept {
    // π²/6·β², the constant applied between the two factors so that no needless overflow occurs.
    return d.scale() * (d.scale() * (std::numbers::pi_v<T> * std::numbers::pi_v<T> / T(6)));
}
template <real T>
[[nodiscard]] support_set<T> support(const gumbel<T>&) noexcept {
    return {-std::numeric_limits<T>::infinity(), std::numeric_limits<T>::infinity(), support_kind::real_line};
}

}  // namespace kldiv
