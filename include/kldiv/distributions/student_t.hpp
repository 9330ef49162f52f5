// Student's t distribution StudentT(dof, loc, scale): density, sampling, moments, entropy.
// Guarantees: validated at construction; support ℝ.
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "kldiv/core/constants.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/distributions/chi.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/gamma.hpp"
#include "kldiv/random/normal.hpp"

namespace kldiv {

/// StudentT(dof ν, loc μ, scale σ): density Γ((ν+1)/2)/(Γ(ν/2)√(νπ)σ)·(1 + z²/ν)^(−(ν+1)/2),
/// z = (x − μ)/σ. Constructor student_t(dof, loc, scale): dof > 0 and finite, loc finite,
/// scale > 0 and finite, else kldiv::domain_error. KL between Student t's has no elementary
/// closed form (not even at equal dof, PyTorch #145729): use
/// kl_divergence(p, q, kldiv::monte_carlo{n}, engine).
template <real T = double>
class student_t {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::real_line();

    student_t(T dof, T loc, T scale) : dof_(dof), loc_(loc), scale_(scale) {
        detail::require_positive("student_t", "dof", dof);
        detail::require_finite("student_t", "loc", loc);
        detail::require_positive("student_t", "scale", scale);
    }

    [[nodiscard]] T dof() const noexcept { return dof_; }
    [[nodiscard]] T loc() const noexcept { return loc_; }
    [[nodiscard]] T scale() const noexcept { return scale_; }

private:
    T dof_;
    T loc_;
    T scale_;
};

namespace detail {
/// log Γ((ν+1)/2) − log Γ(ν/2) − ½log ν = B(a + ½, a) − ½(log a − ψ(a)) − ½log 2, a = ν/2
/// (chi_log_mean_offset): no difference of large log-gammas.
inline double student_t_log_normalizer(double nu) noexcept {
    return chi_log_mean_offset(nu) - 0.5 * std::numbers::ln2;
}
}  // namespace detail

/// lnΓ((ν+1)/2) − lnΓ(ν/2) − ½log(νπ) − log σ − (ν+1)/2·log1p(z²/ν). NaN → NaN.
/// ≤ 1e-14·max(1, |log p|) absolute (computed in double).
template <real T>
[[nodiscard]] T log_pdf(const student_t<T>& d, T x) noexcept {
    const double nu = static_cast<double>(d.dof()), z = (static_cast<double>(x) - d.loc()) / static_cast<double>(d.scale());
    constexpr double half_log_pi = 0.57236494292470008707;
    return static_cast<T>(detail::student_t_log_normalizer(nu) - half_log_pi - std::log(static_cast<double>(d.scale())) -
                          (nu + 1) / 2 * std::log1p(z * z / nu));
}
/// μ + σ·Z/√(V/ν), Z standard normal, V = 2G a χ²(ν) draw (G standard gamma of shape ν/2).
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const student_t<T>& d, Engine& engine) noexcept {
    const double nu = static_cast<double>(d.dof());
    const double z = standard_normal(engine), v = 2 * detail::standard_gamma(nu / 2, engine);
    return d.loc() + d.scale() * static_cast<T>(z / std::sqrt(v / nu));
}
/// (ν+1)/2·[ψ((ν+1)/2) − ψ(ν/2)] + log(√ν·B(ν/2, ½)) + log σ nats, rearranged with a = ν/2 and
/// D(a) = log a − ψ(a) as (a + ½)[log1p(1/(2a)) + D(a) − D(a + ½)] + ½D(a) − B_lnΓ(a + ½, a)
/// + ½log 2π + log σ: every term O(1), no cancellation of large log-gammas (ν up to 1e8 keeps its
/// digits; ν → ∞ gives the normal's ½log 2πe + log σ). ≤ 1e-14 relative.
template <real T>
[[nodiscard]] T entropy(const student_t<T>& d) noexcept {
    const double a = static_cast<double>(d.dof()) / 2;
    constexpr double half_log_two_pi = 0.91893853320467274178;
    const double bracket = std::log1p(0.5 / a) + detail::log_minus_digamma(a) - detail::log_minus_digamma(a + 0.5);
    return static_cast<T>((a + 0.5) * bracket + 0.5 * detail::log_minus_digamma(a) - log_gamma_bregman(a + 0.5, a) +
                          half_log_two_pi + std::log(static_cast<double>(d.scale())));
}
/// μ for ν > 1; NaN for ν ≤ 1 (the mean does not exist).
template <real T>
[[nodiscard]] T mean(const student_t<T>& d) noexcept {
    return d.dof() > T(1) ? d.loc() : std::numeric_limits<T>::quiet_NaN();
}
/// σ²ν/(ν − 2) for ν > 2; +inf for 1 < ν ≤ 2; NaN for ν ≤ 1 (the mean does not exist).
template <real T>
[[nodiscard]] T variance(const student_t<T>& d) noexcept {
    const T nu = d.dof();
    if (!(nu > T(1))) return std::numeric_limits<T>::quiet_NaN();
    if (!(nu > T(2))) return std::numeric_limits<T>::infinity();
    return d.scale() * d.scale() * nu / (nu - T(2));
}
template <real T>
[[nodiscard]] support_set<T> support(const student_t<T>&) noexcept {
    return {-std::numeric_limits<T>::infinity(), std::numeric_limits<T>::infinity(), support_kind::real_line};
}

}  // namespace kldiv
