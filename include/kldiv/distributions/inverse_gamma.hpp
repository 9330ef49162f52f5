// The inverse gamma distribution InverseGamma(shape, scale) (the law of 1/Y, Y ~ Gamma(shape,
// rate = scale)): density, sampling, moments, entropy. Guarantees: validated; support (0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <random>

#include "kldiv/core/log_gamma.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/gamma.hpp"

namespace kldiv {

/// InverseGamma(shape α, scale β): density βᵅ x^(−α−1) e^(−β/x)/Γ(α) on x > 0. Constructor
/// inverse_gamma(shape, scale): both > 0 and finite, else kldiv::domain_error.
template <real T = double>
class inverse_gamma {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::half_line(0, 0);

    inverse_gamma(T shape, T scale) : shape_(shape), scale_(scale) {
        detail::require_positive("inverse_gamma", "shape", shape);
        detail::require_positive("inverse_gamma", "scale", scale);
    }

    [[nodiscard]] T shape() const noexcept { return shape_; }
    [[nodiscard]] T scale() const noexcept { return scale_; }

private:
    T shape_;
    T scale_;
};

/// α log β − lnΓ(α) − (α + 1)log x − β/x for x > 0; −inf for x ≤ 0 (the density tends to 0 at
/// 0 for every α); NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const inverse_gamma<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x <= T(0)) return -std::numeric_limits<T>::infinity();
    const T a = d.shape();
    return a * std::log(d.scale()) - std::lgamma(a) - (a + T(1)) * std::log(x) - d.scale() / x;
}
/// β/G, G a standard gamma draw of shape α.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const inverse_gamma<T>& d, Engine& engine) noexcept {
    return d.scale() / static_cast<T>(detail::standard_gamma(static_cast<double>(d.shape()), engine));
}
/// α + log(β·Γ(α)) − (1 + α)ψ(α) nats. ≤ 1e-14·max(1, α) absolute.
template <real T>
[[nodiscard]] T entropy(const inverse_gamma<T>& d) noexcept {
    const double a = static_cast<double>(d.shape());
    return static_cast<T>(a + std::log(static_cast<double>(d.scale())) + std::lgamma(a) - (1 + a) * digamma(a));
}
/// β/(α − 1) for α > 1; +inf for α ≤ 1 (the integral diverges).
template <real T>
[[nodiscard]] T mean(const inverse_gamma<T>& d) noexcept {
    const T a = d.shape();
    return a > T(1) ? d.scale() / (a - T(1)) : std::numeric_limits<T>::infinity();
}
/// β²/((α − 1)²(α − 2)) for α > 2; +inf for α ≤ 2 (the second moment diverges).
template <real T>
[[nodiscard]] T variance(const inverse_gamma<T>& d) noexcept {
    const T a = d.shape();
    if (!(a > T(2))) return std::numeric_limits<T>::infinity();
    const T m = d.scale() / (a - T(1));
    return m * m / (a - T(2));
}
template <real T>
[[nodiscard]] support_set<T> support(const inverse_gamma<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
