// The half-normal distribution |X|, X ~ N(0, scale²): density, sampling, moments, entropy.
// Guarantees: validated at construction; support [0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <span>

#include "kldiv/core/constants.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/normal.hpp"

namespace kldiv {

/// HalfNormal(scale): density √(2/π)/scale·e^(−x²/2scale²) on x ≥ 0. Constructor
/// half_normal(scale): scale > 0 and finite, else kldiv::domain_error.
template <real T = double>
class half_normal {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::half_line(0, 0);

    explicit half_normal(T scale) : scale_(scale) { detail::require_positive("half_normal", "scale", scale); }

    [[nodiscard]] T scale() const noexcept { return scale_; }

private:
    T scale_;
};

template <real T>
[[nodiscard]] T log_pdf(const half_normal<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < T(0)) return -std::numeric_limits<T>::infinity();
    const T z = x / d.scale();
    return -T(0.5) * z * z - std::log(d.scale()) - detail::half_log_two_pi<T> + std::numbers::ln2_v<T>;
}
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const half_normal<T>& d, Engine& engine) noexcept {
    return detail::clamp_to_finite(d.scale() * static_cast<T>(std::fabs(standard_normal(engine))));  // max, never +inf
}
/// ½log(πe·scale²/2) nats.
template <real T>
[[nodiscard]] T entropy(const half_normal<T>& d) noexcept {
    return std::log(d.scale()) + detail::half_log_two_pi<T> + T(0.5) - std::numbers::ln2_v<T>;
}
template <real T>
[[nodiscard]] T mean(const half_normal<T>& d) noexcept {
    return d.scale() * std::sqrt(T(2) / std::numbers::pi_v<T>);
}
template <real T>
[[nodiscard]] T variance(const half_normal<T>& d) noexcept {
    return d.scale() * d.scale() * (T(1) - T(2) / std::numbers::pi_v<T>);
}
template <real T>
[[nodiscard]] support_set<T> support(const half_normal<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
