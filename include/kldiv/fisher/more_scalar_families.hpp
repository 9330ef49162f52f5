// Fisher information, scores and parameter vectors of the chi-squared, chi, Weibull, inverse gamma,
// logistic, Student t, continuous Bernoulli and von Mises families, in their constructor parametrization.
#pragma once

#include <cmath>
#include <numbers>

#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/distributions/chi.hpp"
#include "kldiv/distributions/chi_squared.hpp"
#include "kldiv/distributions/continuous_bernoulli.hpp"
#include "kldiv/distributions/inverse_gamma.hpp"
#include "kldiv/distributions/logistic.hpp"
#include "kldiv/distributions/student_t.hpp"
#include "kldiv/distributions/von_mises.hpp"
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
    // log_ratio: x/2 underflows to 0 for the smallest subnormal x, whose log is finite.
    return detail::vector_of<T>({static_cast<T>(0.5 * (log_ratio(static_cast<double>(x), 2.0) - digamma(d.dof() / 2.0)))});
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
    const T log_ratio_x = log_ratio(x, lambda), z = std::exp(k * log_ratio_x);  // x/λ may over- or underflow
    return detail::vector_of<T>({k / lambda * (z - 1), 1 / k + (1 - z) * log_ratio_x});
}

// ---- inverse_gamma (shape α, scale β): as Gamma(α, rate β), of which it is the law of 1/Y ----
/// (shape, scale).
template <real T>
parameter_vector<T> parameters(const inverse_gamma<T>& d) { return detail::vector_of<T>({d.shape(), d.scale()}); }
/// InverseGamma(θ₀, θ₁).
template <real T>
inverse_gamma<T> with_parameters(const inverse_gamma<T>&, const parameter_vector<T>& t) { return inverse_gamma<T>(t[0], t[1]); }
/// [[ψ'(α), −1/β], [−1/β, α/β²]]: the gamma family's matrix (x ↦ 1/x loses no information).
/// ≤ 1e-14 relative.
template <real T>
fisher_matrix<T> fisher_information(const inverse_gamma<T>& d, parametrization::standard = {}) {
    const T a = d.shape(), b = d.scale();
    return detail::matrix_of<T>({{T(trigamma(a)), -1 / b}, {-1 / b, a / b / b}});
}
/// (log β − ψ(α) − log x, α/β − 1/x).
template <real T>
parameter_vector<T> score(const inverse_gamma<T>& d, T x) {
    const T a = d.shape(), b = d.scale();
    return detail::vector_of<T>({static_cast<T>(std::log(b) - digamma(a) - std::log(x)), a / b - 1 / x});
}

// ---- logistic (loc, scale): F = diag(1/(3s²), (π² + 3)/(9s²)) ----
/// (loc, scale).
template <real T>
parameter_vector<T> parameters(const logistic<T>& d) { return detail::vector_of<T>({d.loc(), d.scale()}); }
/// Logistic(θ₀, θ₁).
template <real T>
logistic<T> with_parameters(const logistic<T>&, const parameter_vector<T>& t) { return logistic<T>(t[0], t[1]); }
/// diag(1/(3s²), (π² + 3)/(9s²)). ≤ 1e-15 relative.
template <real T>
fisher_matrix<T> fisher_information(const logistic<T>& d, parametrization::standard = {}) {
    const T v = d.scale() * d.scale(), pi2 = std::numbers::pi_v<T> * std::numbers::pi_v<T>;
    return detail::matrix_of<T>({{1 / (3 * v), 0}, {0, (pi2 + 3) / (9 * v)}});
}
/// (tanh(z/2)/s, (z·tanh(z/2) − 1)/s), z = (x − μ)/s.
template <real T>
parameter_vector<T> score(const logistic<T>& d, T x) {
    const T z = (x - d.loc()) / d.scale(), t = std::tanh(z / 2);
    return detail::vector_of<T>({t / d.scale(), (z * t - 1) / d.scale()});
}

// ---- student_t (dof ν, loc μ, scale σ) ----
/// (dof, loc, scale).
template <real T>
parameter_vector<T> parameters(const student_t<T>& d) { return detail::vector_of<T>({d.dof(), d.loc(), d.scale()}); }
/// StudentT(θ₀, θ₁, θ₂).
template <real T>
student_t<T> with_parameters(const student_t<T>&, const parameter_vector<T>& t) { return student_t<T>(t[0], t[1], t[2]); }
/// I_νν = ¼[ψ'(ν/2) − ψ'((ν+1)/2)] − (ν + 5)/(2ν(ν+1)(ν+3)), I_νσ = −2/((ν+1)(ν+3)σ),
/// I_μμ = (ν+1)/((ν+3)σ²), I_σσ = 2ν/((ν+3)σ²), I_νμ = I_μσ = 0 (Lange, Little & Taylor 1989).
/// I_νν cancels for large ν (both parts fall like 1/(2ν²)): ≤ 1e-13 relative for ν ≤ 100,
/// ≤ 1e-9 for ν ≤ 1e4.
template <real T>
fisher_matrix<T> fisher_information(const student_t<T>& d, parametrization::standard = {}) {
    const double nu = static_cast<double>(d.dof()), s = static_cast<double>(d.scale());
    const double inu = 0.25 * (trigamma(nu / 2) - trigamma((nu + 1) / 2)) - (nu + 5) / (2 * nu * (nu + 1) * (nu + 3));
    const double ins = -2 / ((nu + 1) * (nu + 3) * s);
    const double imm = (nu + 1) / ((nu + 3) * s * s), iss = 2 * nu / ((nu + 3) * s * s);
    return detail::matrix_of<T>({{T(inu), 0, T(ins)}, {0, T(imm), 0}, {T(ins), 0, T(iss)}});
}
/// (∂ν, ∂μ, ∂σ) log p(x): ½[ψ((ν+1)/2) − ψ(ν/2) − 1/ν − log1p(z²/ν) + (ν+1)z²/(ν(ν + z²))],
/// (ν+1)z/(σ(ν + z²)), ((ν+1)z²/(ν + z²) − 1)/σ.
template <real T>
parameter_vector<T> score(const student_t<T>& d, T x) {
    const double nu = static_cast<double>(d.dof()), s = static_cast<double>(d.scale());
    const double z = (static_cast<double>(x) - d.loc()) / s, w = nu + z * z;
    const double dnu = 0.5 * (digamma((nu + 1) / 2) - digamma(nu / 2) - 1 / nu - std::log1p(z * z / nu) + (nu + 1) * z * z / (nu * w));
    return detail::vector_of<T>({T(dnu), T((nu + 1) * z / (s * w)), T(((nu + 1) * z * z / w - 1) / s)});
}

// ---- continuous_bernoulli (lambda): F = v(η)/(λ(1 − λ))², v the variance at η ----
/// (lambda).
template <real T>
parameter_vector<T> parameters(const continuous_bernoulli<T>& d) { return detail::vector_of<T>({d.lambda()}); }
/// CB(θ₀).
template <real T>
continuous_bernoulli<T> with_parameters(const continuous_bernoulli<T>&, const parameter_vector<T>& t) {
    return continuous_bernoulli<T>(t[0]);
}
/// Var(X)·(dη/dλ)² = v(η)/(λ(1 − λ))² (an exponential family in η = log(λ/(1 − λ))). ≤ 1e-15 relative.
template <real T>
fisher_matrix<T> fisher_information(const continuous_bernoulli<T>& d, parametrization::standard = {}) {
    const double l = static_cast<double>(d.lambda()), j = 1 / (l * (1 - l));
    return detail::matrix_of<T>({{static_cast<T>(detail::cb_variance(d.natural()) * j * j)}});
}
/// (x − E X)/(λ(1 − λ)).
template <real T>
parameter_vector<T> score(const continuous_bernoulli<T>& d, T x) {
    const double l = static_cast<double>(d.lambda());
    return detail::vector_of<T>({static_cast<T>((static_cast<double>(x) - detail::cb_mean(d.natural())) / (l * (1 - l)))});
}

// ---- von_mises (loc μ, concentration κ): F = diag(κ·A(κ), A'(κ)), A = I₁/I₀ ----
/// (loc, concentration).
template <real T>
parameter_vector<T> parameters(const von_mises<T>& d) { return detail::vector_of<T>({d.loc(), d.concentration()}); }
/// VonMises(θ₀, θ₁).
template <real T>
von_mises<T> with_parameters(const von_mises<T>&, const parameter_vector<T>& t) { return von_mises<T>(t[0], t[1]); }
/// [[κ·A(κ), 0], [0, A'(κ)]] with A = I₁/I₀ and A' = 1 − A/κ − A² = Var cos(X − μ) (the score's
/// components κ·sin(X − μ) and cos(X − μ) − A are uncorrelated: one is odd about μ, the other
/// even). A' from its positive series (bessel_i1_i0_ratio_derivative: no cancellation at large
/// κ, where it is ≈ 1/(2κ²)). ≤ 1e-14 relative in double for κ from 1e-8 to 1e8.
template <real T>
fisher_matrix<T> fisher_information(const von_mises<T>& d, parametrization::standard = {}) {
    const double kappa = static_cast<double>(d.concentration());
    return detail::matrix_of<T>({{static_cast<T>(kappa * bessel_i1_i0_ratio(kappa)), T(0)},
                                 {T(0), static_cast<T>(bessel_i1_i0_ratio_derivative(kappa))}});
}
/// (∂μ, ∂κ) log p(x) = (κ·sin(x − μ), cos(x − μ) − A(κ)), the second as (1 − A) − 2sin²((x − μ)/2).
template <real T>
parameter_vector<T> score(const von_mises<T>& d, T x) {
    const double kappa = static_cast<double>(d.concentration()), diff = static_cast<double>(x) - static_cast<double>(d.loc());
    return detail::vector_of<T>({static_cast<T>(kappa * std::sin(diff)),
                                 static_cast<T>(bessel_i1_i0_ratio_complement(kappa) - detail::one_minus_cos_difference(static_cast<double>(x), static_cast<double>(d.loc())))});
}

}  // namespace kldiv
