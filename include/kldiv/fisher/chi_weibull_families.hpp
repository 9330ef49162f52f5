// Fisher information, scores and parameter vectors of the chi-squared, chi and Weibull families,
// in their constructor parametrization.
#pragma once

#include <cmath>
#include <numbers>

#include "kldiv/core/log_gamma_bregman.hpp"
#include "kldiv/distributions/chi.hpp"
#include "kldiv/distributions/chi_squared.hpp"
#include "kldiv/distributions/weibull.hpp"
#include "kldiv/fisher/scalar_families.hpp"

namespace kldiv {

// ---- chi_squared (dof): F = ψ'(k/2)/4 ----
/// (dof).
template <real T>
parameter_vector<T> parameters(const chi_squared<T>& d) { return detail::vector_of<T>({d.dof()}); }
/// χ²(θ₀).
template <real T>
chi_squared<T> with_parameters(const chi_squared<T>&, const parameter_vector<T>& t) { return chi_squared<T>(t[0]); }
/// ψ'(k/2)/4 (the gamma family's shape information at k/2, times (d(k/2)/dk)²). ≤ 1e-14 relative.
template <real T>
fisher_matrix<T> fisher_information(const chi_squared<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{static_cast<T>(trigamma(d.dof() / 2.0) / 4)}});
}
/// ∂/∂k log p(x) = ½(log(x/2) − ψ(k/2)).
template <real T>
parameter_vector<T> score(const chi_squared<T>& d, T x) {
    return detail::vector_of<T>({static_cast<T>(0.5 * (std::log(x / 2.0) - digamma(d.dof() / 2.0)))});
}

// ---- chi (dof): F = ψ'(k/2)/4, as for χ² (x ↦ x² loses no information) ----
/// (dof).
template <real T>
parameter_vector<T> parameters(const chi<T>& d) { return detail::vector_of<T>({d.dof()}); }
/// χ(θ₀).
template <real T>
chi<T> with_parameters(const chi<T>&, const parameter_vector<T>& t) { return chi<T>(t[0]); }
/// ψ'(k/2)/4. ≤ 1e-14 relative.
template <real T>
fisher_matrix<T> fisher_information(const chi<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{static_cast<T>(trigamma(d.dof() / 2.0) / 4)}});
}
/// ∂/∂k log p(x) = log x − ½log 2 − ½ψ(k/2).
template <real T>
parameter_vector<T> score(const chi<T>& d, T x) {
    return detail::vector_of<T>({static_cast<T>(std::log(double(x)) - 0.5 * std::numbers::ln2 - 0.5 * digamma(d.dof() / 2.0))});
}

// ---- weibull (scale λ, concentration k) ----
/// (scale, concentration).
template <real T>
parameter_vector<T> parameters(const weibull<T>& d) { return detail::vector_of<T>({d.scale(), d.concentration()}); }
/// Weibull(θ₀, θ₁).
template <real T>
weibull<T> with_parameters(const weibull<T>&, const parameter_vector<T>& t) { return weibull<T>(t[0], t[1]); }
/// [[k²/λ², −(1 − γ)/λ], [−(1 − γ)/λ, ((1 − γ)² + π²/6)/k²]] (from z = (x/λ)^k ~ Exp(1):
/// E[(z − 1)² log z] = 1 − γ, E[(1 + (1 − z)log z)²] = (1 − γ)² + π²/6). ≤ 1e-15 relative.
template <real T>
fisher_matrix<T> fisher_information(const weibull<T>& d, parametrization::standard = {}) {
    const T lambda = d.scale(), k = d.concentration();
    const T one_minus_gamma = T(1) - std::numbers::egamma_v<T>;
    const T pi2_6 = std::numbers::pi_v<T> * std::numbers::pi_v<T> / T(6);
    return detail::matrix_of<T>({{k * k / (lambda * lambda), -one_minus_gamma / lambda},
                                 {-one_minus_gamma / lambda, (one_minus_gamma * one_minus_gamma + pi2_6) / (k * k)}});
}
/// (∂λ, ∂k) log p(x) = ((k/λ)(z − 1), 1/k + (1 − z)log(x/λ)), z = (x/λ)^k.
template <real T>
parameter_vector<T> score(const weibull<T>& d, T x) {
    const T lambda = d.scale(), k = d.concentration();
    const T log_ratio_x = std::log(x / lambda), z = std::exp(k * log_ratio_x);
    return detail::vector_of<T>({k / lambda * (z - 1), 1 / k + (1 - z) * log_ratio_x});
}

}  // namespace kldiv
