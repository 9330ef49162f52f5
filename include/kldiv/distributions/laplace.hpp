// The Laplace distribution Laplace(loc, scale): density, sampling, moments, entropy.
// Guarantees: validated at construction.
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <span>

#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Laplace(loc, scale): density e^(−|x − loc|/scale)/(2·scale). Constructor laplace(loc, scale):
/// loc finite, scale > 0 and finite, else kldiv::domain_error.
template <real T = double>
class laplace : public detail::location_scale<T> {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::real_line();

    laplace(T loc, T scale) : detail::location_scale<T>("laplace", loc, scale) {}
};

/// −|x − loc|/scale − log(2·scale); ±inf give −inf, NaN gives NaN; no intermediate overflow.
template <real T>
[[nodiscard]] T log_pdf(const laplace<T>& d, T x) noexcept {
    return -std::fabs(detail::scaled_difference(x, d.loc(), d.scale())) - std::log(d.scale()) - std::numbers::ln2_v<T>;
}


/// Inverse CDF: loc ∓ scale·log(2U') on the side picked by one draw (U' ∈ (0, ½]).
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const laplace<T>& d, Engine& engine) noexcept {
    const double u = uniform01_open(engine);  // (0, 1]
    const double e = -std::log(u);            // Exponential(1)
    const bool negative = (engine() >> 63) != 0;
    return detail::clamp_to_finite(d.loc() + d.scale() * static_cast<T>(negative ? -e : e));  // ±max, never ±inf
}


/// 1 + log(2·scale) nats.
template <real T>
[[nodiscard]] T entropy(const laplace<T>& d) noexcept {
    return T(1) + std::numbers::ln2_v<T> + std::log(d.scale());
}
template <real T>
[[nodiscard]] T mean(const laplace<T>& d) noexcept {
    return d.loc();
}
template <real T>
[[nodiscard]] T variance(const laplace<T>& d) noexcept {
    return T(2) * d.scale() * d.scale();
}
template <real T>
[[nodiscard]] support_set<T> support(const laplace<T>&) noexcept {
    return {-std::numeric_limits<T>::infinity(), std::numeric_limits<T>::infinity(), support_kind::real_line};
}

}  // namespace kldiv
