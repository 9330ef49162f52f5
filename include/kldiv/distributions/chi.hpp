// The chi distribution with dof degrees of freedom (the length of a standard normal vector):
// density, sampling, moments, entropy. Guarantees: validated at construction; support (0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/gamma.hpp"

namespace kldiv {

/// χ(dof): the law of √Y, Y ~ χ²(dof); density x^(k−1)e^(−x²/2)/(2^(k/2−1)Γ(k/2)) on x > 0 for
/// any real k = dof > 0. Constructor chi(dof): dof > 0 and finite, else kldiv::domain_error.
template <real T = double>
class chi {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::half_line(0, 0);

    explicit chi(T dof) : dof_(dof) { detail::require_positive("chi", "dof", dof); }

    [[nodiscard]] T dof() const noexcept { return dof_; }

private:
    T dof_;
};

/// (k − 1)log x − x²/2 − (k/2 − 1)log 2 − lnΓ(k/2) for x > 0; at x = 0: log √(2/π) for k = 1,
/// +inf for k < 1, −inf for k > 1; −inf for x < 0; NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const chi<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < T(0)) return -std::numeric_limits<T>::infinity();
    const double k = static_cast<double>(d.dof()), xd = static_cast<double>(x);
    const double constant = -(k / 2 - 1) * std::numbers::ln2 - std::lgamma(k / 2);
    if (xd == 0) return static_cast<T>(k == 1 ? constant : (k < 1 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity()));
    return static_cast<T>((k - 1) * std::log(xd) - xd * xd / 2 + constant);
}
/// √(2G), G a standard gamma draw of shape dof/2.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const chi<T>& d, Engine& engine) noexcept {
    return static_cast<T>(std::sqrt(2 * detail::standard_gamma(static_cast<double>(d.dof()) / 2, engine)));
}
namespace detail {
/// log a − ψ(a) > 0: the asymptotic series 1/(2a) + Σ B₂ₙ/(2n·a²ⁿ) for a ≥ 20 (no cancellation;
/// terms to a⁻¹², < 1e-17 relative), the difference directly below.
inline double log_minus_digamma(double a) noexcept {
    if (a < 20) return std::log(a) - digamma(a);
    const double r = 1 / (a * a);
    return 0.5 / a + r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * 691.0 / 32760)))));
}
/// log(Γ((k+1)/2)/Γ(k/2)) − ½log(k/2) = B(a + ½, a) − ½(log a − ψ(a)), a = k/2: no difference of
/// large log-gammas (it tends to −1/(4k) for large k).
inline double chi_log_mean_offset(double k) noexcept {
    const double a = k / 2;
    return log_gamma_bregman(a + 0.5, a) - 0.5 * log_minus_digamma(a);
}
}  // namespace detail

/// lnΓ(a) + a − ½log 2 − (a − ½)ψ(a), a = k/2, nats; for a ≥ 20 rearranged as
/// (a − ½)(log a − ψ(a)) + ½log π + (Stirling's remainder), whose terms do not cancel (the
/// direct form subtracts numbers of size a·log a). ≤ 1e-14 relative.
template <real T>
[[nodiscard]] T entropy(const chi<T>& d) noexcept {
    const double a = static_cast<double>(d.dof()) / 2;
    constexpr double half_log_pi = 0.57236494292470008707;
    if (a < 20) return static_cast<T>(std::lgamma(a) + a - 0.5 * std::numbers::ln2 - (a - 0.5) * digamma(a));
    return static_cast<T>((a - 0.5) * detail::log_minus_digamma(a) + half_log_pi + detail::stirling_remainder(a));
}

/// √2·Γ((k+1)/2)/Γ(k/2), formed as √k·exp(offset) (detail::chi_log_mean_offset). ≤ 1e-14 relative.
template <real T>
[[nodiscard]] T mean(const chi<T>& d) noexcept {
    const double k = static_cast<double>(d.dof());
    return static_cast<T>(std::sqrt(k) * std::exp(detail::chi_log_mean_offset(k)));
}
/// k − mean² = −k·expm1(2·offset): the cancellation of k − mean² (mean² → k − ½) is avoided.
/// ≤ 1e-13 relative.
template <real T>
[[nodiscard]] T variance(const chi<T>& d) noexcept {
    const double k = static_cast<double>(d.dof());
    return static_cast<T>(-k * std::expm1(2 * detail::chi_log_mean_offset(k)));
}
template <real T>
[[nodiscard]] support_set<T> support(const chi<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
