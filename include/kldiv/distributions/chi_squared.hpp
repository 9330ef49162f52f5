// The chi-squared distribution with dof degrees of freedom (Gamma(dof/2, rate ½)): density,
// sampling, moments, entropy. Guarantees: validated at construction; support (0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <random>

#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/gamma.hpp"

namespace kldiv {

/// χ²(dof): the law of a sum of dof squared standard normals, Gamma(dof/2, ½) for any real
/// dof > 0. Constructor chi_squared(dof): dof > 0 and finite, else kldiv::domain_error.
template <real T = double>
class chi_squared {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::half_line(0, 0);

    explicit chi_squared(T dof) : dof_(dof) { detail::require_positive("chi_squared", "dof", dof); }

    [[nodiscard]] T dof() const noexcept { return dof_; }
    /// The same law as a gamma distribution, Gamma(dof/2, ½) (exact: halving is exact).
    [[nodiscard]] gamma<T> as_gamma() const { return gamma<T>(dof_ / 2, T(0.5)); }

private:
    T dof_;
};

/// The gamma log density of Gamma(dof/2, ½) (same values at x ≤ 0 and NaN).
template <real T>
[[nodiscard]] T log_pdf(const chi_squared<T>& d, T x) noexcept {
    return log_pdf(d.as_gamma(), x);
}
/// 2·G, G a standard gamma draw of shape dof/2.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const chi_squared<T>& d, Engine& engine) noexcept {
    return static_cast<T>(2 * detail::standard_gamma(static_cast<double>(d.dof()) / 2, engine));
}
/// k/2 + log 2 + lnΓ(k/2) + (1 − k/2)ψ(k/2) nats (the gamma entropy).
template <real T>
[[nodiscard]] T entropy(const chi_squared<T>& d) noexcept {
    return entropy(d.as_gamma());
}
template <real T>
[[nodiscard]] T mean(const chi_squared<T>& d) noexcept {
    return d.dof();
}
template <real T>
[[nodiscard]] T variance(const chi_squared<T>& d) noexcept {
    return 2 * d.dof();
}
template <real T>
[[nodiscard]] support_set<T> support(const chi_squared<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
