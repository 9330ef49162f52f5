// The Pareto distribution Pareto(scale, alpha): density, sampling, moments, entropy.
// Guarantees: validated at construction; support [scale, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <random>
#include <span>

#include "kldiv/core/log_ratio.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Pareto(scale, alpha): density α·scaleᵅ/x^(α+1) on x ≥ scale. Constructor pareto(scale,
/// alpha): both > 0 and finite, else kldiv::domain_error.
template <real T = double>
class pareto {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::half_line(std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max());

    pareto(T scale, T alpha) : scale_(scale), alpha_(alpha) {
        detail::require_positive("pareto", "scale", scale);
        detail::require_positive("pareto", "alpha", alpha);
    }

    [[nodiscard]] T scale() const noexcept { return scale_; }
    [[nodiscard]] T alpha() const noexcept { return alpha_; }

private:
    T scale_;
    T alpha_;
};

/// log α + α·log scale − (α + 1)·log x for x ≥ scale, −inf below, NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const pareto<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < d.scale()) return -std::numeric_limits<T>::infinity();
    return std::log(d.alpha()) - std::log(x) - d.alpha() * log_ratio(x, d.scale());  // x/scale may overflow
}
/// scale·U^(−1/α), U uniform on (0, 1].
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const pareto<T>& d, Engine& engine) noexcept {
    // max instead of +inf when U^(−1/α) overflows (tiny α).
    return detail::clamp_to_finite(d.scale() * static_cast<T>(std::exp(-std::log(uniform01_open(engine)) / static_cast<double>(d.alpha()))));
}
/// log(scale/α) + 1/α + 1 nats (the ratio is never formed; +inf only when 1/α overflows).
template <real T>
[[nodiscard]] T entropy(const pareto<T>& d) noexcept {
    return log_ratio(d.scale(), d.alpha()) + T(1) / d.alpha() + T(1);
}
/// α·scale/(α − 1) for α > 1, +inf otherwise.
template <real T>
[[nodiscard]] T mean(const pareto<T>& d) noexcept {
    if (d.alpha() <= T(1)) return std::numeric_limits<T>::infinity();
    return d.scale() * (d.alpha() / (d.alpha() - T(1)));  // no overflow of α·scale
}
/// scale²·α/((α − 1)²(α − 2)) for α > 2, +inf otherwise.
template <real T>
[[nodiscard]] T variance(const pareto<T>& d) noexcept {
    if (d.alpha() <= T(2)) return std::numeric_limits<T>::infinity();
    const T a = d.alpha();
    const T s = d.scale() / (a - T(1));  // no overflow of scale² or of α³
    return s * s * (a / (a - T(2)));
}
template <real T>
[[nodiscard]] support_set<T> support(const pareto<T>& d) noexcept {
    return {d.scale(), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
