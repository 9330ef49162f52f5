// The Cauchy distribution Cauchy(loc, scale): density, sampling, entropy (no mean, no variance).
// Guarantees: validated at construction; mean and variance are NaN (they do not exist).
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <span>

#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Cauchy(loc, scale): density 1/(π·scale·(1 + ((x − loc)/scale)²)). Constructor
/// cauchy(loc, scale): loc finite, scale > 0 and finite, else kldiv::domain_error.
template <real T = double>
class cauchy : public detail::location_scale<T> {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::real_line();

    cauchy(T loc, T scale) : detail::location_scale<T>("cauchy", loc, scale) {}
};

/// −log(π·scale) − log1p(z²), z = (x − loc)/scale (for |z| > 1e150, −2·log|z| avoids z² overflow).
template <real T>
[[nodiscard]] T log_pdf(const cauchy<T>& d, T x) noexcept {
    const T z = detail::scaled_difference(x, d.loc(), d.scale());
    const T tail = std::fabs(z) > T(1e150) ? T(2) * std::log(std::fabs(z)) : std::log1p(z * z);
    return -std::log(std::numbers::pi_v<T>) - std::log(d.scale()) - tail;
}
/// loc + scale·tan(π(U − ½)), U uniform on (0, 1); ±max instead of an overflow to ±inf.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const cauchy<T>& d, Engine& engine) noexcept {
    double u;
    do u = uniform01(engine);
    while (u == 0.0);
    return detail::clamp_to_finite(d.loc() + d.scale() * static_cast<T>(std::tan(std::numbers::pi * (u - 0.5))));
}
/// log(4π·scale) nats (no overflow for scale near the format's maximum).
template <real T>
[[nodiscard]] T entropy(const cauchy<T>& d) noexcept {
    return std::log(T(4) * std::numbers::pi_v<T>) + std::log(d.scale());
}
/// The Cauchy mean does not exist: NaN.
template <real T>
[[nodiscard]] T mean(const cauchy<T>&) noexcept {
    return std::numeric_limits<T>::quiet_NaN();
}
/// The Cauchy variance does not exist: NaN.
template <real T>
[[nodiscard]] T variance(const cauchy<T>&) noexcept {
    return std::numeric_limits<T>::quiet_NaN();
}
template <real T>
[[nodiscard]] support_set<T> support(const cauchy<T>&) noexcept {
    return {-std::numeric_limits<T>::infinity(), std::numeric_limits<T>::infinity(), support_kind::real_line};
}

}  // namespace kldiv
