// Fisher information, score functions and parameter vectors for the scalar families, in their
// constructor parametrization (and the tags of parametrization.hpp where the issue asks).
#pragma once

#include <cmath>
#include <numbers>

#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/distributions/bernoulli.hpp"
#include "kldiv/distributions/beta.hpp"
#include "kldiv/distributions/binomial.hpp"
#include "kldiv/distributions/cauchy.hpp"
#include "kldiv/distributions/exponential.hpp"
#include "kldiv/distributions/gamma.hpp"
#include "kldiv/distributions/geometric.hpp"
#include "kldiv/distributions/gumbel.hpp"
#include "kldiv/distributions/half_normal.hpp"
#include "kldiv/distributions/laplace.hpp"
#include "kldiv/distributions/log_normal.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/pareto.hpp"
#include "kldiv/distributions/poisson.hpp"
#include "kldiv/fisher/parametrization.hpp"

namespace kldiv {
namespace detail {
template <class T>
parameter_vector<T> vector_of(std::initializer_list<T> values) {
    parameter_vector<T> v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (const T x : values) v[i++] = x;
    return v;
}
template <class T>
fisher_matrix<T> matrix_of(std::initializer_list<std::initializer_list<T>> rows) {
    fisher_matrix<T> m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(rows.size()));
    Eigen::Index i = 0;
    for (const auto& row : rows) {
        Eigen::Index j = 0;
        for (const T x : row) m(i, j++) = x;
        ++i;
    }
    return m;
}
}  // namespace detail

// Each family below has, in its constructor parametrization θ:
//   parameters(d)            θ as a vector;
//   with_parameters(d, θ)    the family member at θ (validated by the constructor);
//   fisher_information(d)    F(θ) = E[s sᵀ] = −E[∇² log p], in closed form;
//   score(d, x)              s(x) = ∇θ log p(x).

// ---- normal (mean, stddev): F = diag(1/σ², 2/σ²) ----
template <real T>
parameter_vector<T> parameters(const normal<T>& d) { return detail::vector_of<T>({d.mean(), d.stddev()}); }
template <real T>
normal<T> with_parameters(const normal<T>&, const parameter_vector<T>& t) { return normal<T>(t[0], t[1]); }
template <real T>
fisher_matrix<T> fisher_information(const normal<T>& d, parametrization::standard = {}) {
    const T s = d.stddev();  // divided by σ twice: σ² over- or underflows where 1/σ² does not
    return detail::matrix_of<T>({{1 / s / s, 0}, {0, 2 / s / s}});
}
template <real T>
parameter_vector<T> score(const normal<T>& d, T x) {
    const T z = (x - d.mean()) / d.stddev();
    return detail::vector_of<T>({z / d.stddev(), (z * z - 1) / d.stddev()});
}
/// normal in (mean, log stddev): F = diag(1/σ², 2).
template <real T>
fisher_matrix<T> fisher_information(const normal<T>& d, parametrization::mean_log_stddev) {
    return detail::matrix_of<T>({{1 / d.stddev() / d.stddev(), 0}, {0, 2}});
}
/// normal in natural parameters (μ/σ², −1/(2σ²)): F = Cov(x, x²) = [[σ², 2μσ²], [2μσ², 2σ⁴ + 4μ²σ²]].
template <real T>
fisher_matrix<T> fisher_information(const normal<T>& d, parametrization::natural) {
    const T v = d.stddev() * d.stddev(), m = d.mean();
    return detail::matrix_of<T>({{v, 2 * m * v}, {2 * m * v, 2 * v * v + 4 * m * m * v}});
}

// ---- log_normal (mu, sigma): as the normal of log X ----
template <real T>
parameter_vector<T> parameters(const log_normal<T>& d) { return detail::vector_of<T>({d.mu(), d.sigma()}); }
template <real T>
log_normal<T> with_parameters(const log_normal<T>&, const parameter_vector<T>& t) { return log_normal<T>(t[0], t[1]); }
template <real T>
fisher_matrix<T> fisher_information(const log_normal<T>& d, parametrization::standard = {}) {
    return fisher_information(normal<T>(d.mu(), d.sigma()));
}
template <real T>
parameter_vector<T> score(const log_normal<T>& d, T x) { return score(normal<T>(d.mu(), d.sigma()), std::log(x)); }

// ---- half_normal (scale): F = 2/σ² ----
template <real T>
parameter_vector<T> parameters(const half_normal<T>& d) { return detail::vector_of<T>({d.scale()}); }
template <real T>
half_normal<T> with_parameters(const half_normal<T>&, const parameter_vector<T>& t) { return half_normal<T>(t[0]); }
template <real T>
fisher_matrix<T> fisher_information(const half_normal<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{2 / d.scale() / d.scale()}});
}
template <real T>
parameter_vector<T> score(const half_normal<T>& d, T x) {
    const T z = x / d.scale();
    return detail::vector_of<T>({(z * z - 1) / d.scale()});
}

// ---- laplace (loc, scale): F = diag(1/b², 1/b²) ----
template <real T>
parameter_vector<T> parameters(const laplace<T>& d) { return detail::vector_of<T>({d.loc(), d.scale()}); }
template <real T>
laplace<T> with_parameters(const laplace<T>&, const parameter_vector<T>& t) { return laplace<T>(t[0], t[1]); }
template <real T>
fisher_matrix<T> fisher_information(const laplace<T>& d, parametrization::standard = {}) {
    const T v = 1 / d.scale() / d.scale();
    return detail::matrix_of<T>({{v, 0}, {0, v}});
}
template <real T>
parameter_vector<T> score(const laplace<T>& d, T x) {
    const T u = x - d.loc();
    return detail::vector_of<T>({T((u > 0) - (u < 0)) / d.scale(), (std::fabs(u) / d.scale() - 1) / d.scale()});
}

// ---- gumbel (loc, scale): F = [[1, γ − 1], [γ − 1, π²/6 + (1 − γ)²]]/β² ----
template <real T>
parameter_vector<T> parameters(const gumbel<T>& d) { return detail::vector_of<T>({d.loc(), d.scale()}); }
template <real T>
gumbel<T> with_parameters(const gumbel<T>&, const parameter_vector<T>& t) { return gumbel<T>(t[0], t[1]); }
template <real T>
fisher_matrix<T> fisher_information(const gumbel<T>& d, parametrization::standard = {}) {
    // Divided by β twice, not by β²: β² underflows or overflows where the entries do not.
    const T g = std::numbers::egamma_v<T>, b = d.scale();
    const T pi2 = std::numbers::pi_v<T> * std::numbers::pi_v<T>;
    return detail::matrix_of<T>({{1 / b / b, (g - 1) / b / b}, {(g - 1) / b / b, (pi2 / 6 + (1 - g) * (1 - g)) / b / b}});
}
template <real T>
parameter_vector<T> score(const gumbel<T>& d, T x) {
    const T z = (x - d.loc()) / d.scale(), e = std::exp(-z);
    return detail::vector_of<T>({(1 - e) / d.scale(), (z - 1 - z * e) / d.scale()});
}

// ---- cauchy (loc, scale): F = diag(1/(2γ²), 1/(2γ²)) ----
template <real T>
parameter_vector<T> parameters(const cauchy<T>& d) { return detail::vector_of<T>({d.loc(), d.scale()}); }
template <real T>
cauchy<T> with_parameters(const cauchy<T>&, const parameter_vector<T>& t) { return cauchy<T>(t[0], t[1]); }
template <real T>
fisher_matrix<T> fisher_information(const cauchy<T>& d, parametrization::standard = {}) {
    const T v = T(0.5) / d.scale() / d.scale();  // no overflow of the squared scale
    return detail::matrix_of<T>({{v, 0}, {0, v}});
}
template <real T>
parameter_vector<T> score(const cauchy<T>& d, T x) {
    const T z = (x - d.loc()) / d.scale(), w = 1 + z * z;
    return detail::vector_of<T>({2 * z / (d.scale() * w), (z * z - 1) / (d.scale() * w)});
}

// ---- exponential (rate): F = 1/λ² ----
template <real T>
parameter_vector<T> parameters(const exponential<T>& d) { return detail::vector_of<T>({d.rate()}); }
template <real T>
exponential<T> with_parameters(const exponential<T>&, const parameter_vector<T>& t) { return exponential<T>(t[0]); }
template <real T>
fisher_matrix<T> fisher_information(const exponential<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{1 / d.rate() / d.rate()}});
}
template <real T>
parameter_vector<T> score(const exponential<T>& d, T x) { return detail::vector_of<T>({1 / d.rate() - x}); }

// ---- gamma (shape, rate): F = [[ψ'(α), −1/β], [−1/β, α/β²]] ----
template <real T>
parameter_vector<T> parameters(const gamma<T>& d) { return detail::vector_of<T>({d.shape(), d.rate()}); }
template <real T>
gamma<T> with_parameters(const gamma<T>&, const parameter_vector<T>& t) { return gamma<T>(t[0], t[1]); }
template <real T>
fisher_matrix<T> fisher_information(const gamma<T>& d, parametrization::standard = {}) {
    const T a = d.shape(), b = d.rate();
    return detail::matrix_of<T>({{T(trigamma(a)), -1 / b}, {-1 / b, a / b / b}});
}
template <real T>
parameter_vector<T> score(const gamma<T>& d, T x) {
    return detail::vector_of<T>({std::log(d.rate()) + std::log(x) - T(digamma(d.shape())), d.shape() / d.rate() - x});
}

// ---- beta (alpha, beta): F = [[ψ'(a) − ψ'(a+b), −ψ'(a+b)], [−ψ'(a+b), ψ'(b) − ψ'(a+b)]] ----
template <real T>
parameter_vector<T> parameters(const beta<T>& d) { return detail::vector_of<T>({d.alpha(), d.beta_parameter()}); }
template <real T>
beta<T> with_parameters(const beta<T>&, const parameter_vector<T>& t) { return beta<T>(t[0], t[1]); }
/// Accuracy ≤ 1e-14 relative per entry, also where b ≪ a (the diagonal by trigamma_difference).
template <real T>
fisher_matrix<T> fisher_information(const beta<T>& d, parametrization::standard = {}) {
    const double a = d.alpha(), b = d.beta_parameter(), c = trigamma(a + b);
    // ψ′(a) − ψ′(a + b) as one positive quantity (it cancels when b ≪ a).
    return detail::matrix_of<T>({{T(trigamma_difference(a, b)), T(-c)}, {T(-c), T(trigamma_difference(b, a))}});
}
template <real T>
parameter_vector<T> score(const beta<T>& d, T x) {
    const double a = d.alpha(), b = d.beta_parameter(), s = digamma(a + b);
    return detail::vector_of<T>({T(std::log(double(x)) - digamma(a) + s), T(std::log1p(-double(x)) - digamma(b) + s)});
}

// ---- pareto (alpha; the scale is known): F = 1/α² ----
template <real T>
parameter_vector<T> parameters(const pareto<T>& d) { return detail::vector_of<T>({d.alpha()}); }
template <real T>
pareto<T> with_parameters(const pareto<T>& d, const parameter_vector<T>& t) { return pareto<T>(d.scale(), t[0]); }
template <real T>
fisher_matrix<T> fisher_information(const pareto<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{1 / (d.alpha() * d.alpha())}});
}
template <real T>
parameter_vector<T> score(const pareto<T>& d, T x) {
    return detail::vector_of<T>({1 / d.alpha() - log_ratio(x, d.scale())});  // x/scale may overflow
}

// ---- bernoulli (p): F = 1/(p(1 − p)); in logits: p(1 − p) ----
template <real T>
parameter_vector<T> parameters(const bernoulli<T>& d) { return detail::vector_of<T>({d.p()}); }
template <real T>
bernoulli<T> with_parameters(const bernoulli<T>&, const parameter_vector<T>& t) { return bernoulli<T>(t[0]); }
template <real T>
fisher_matrix<T> fisher_information(const bernoulli<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{1 / (d.p() * (1 - d.p()))}});
}
template <real T>
fisher_matrix<T> fisher_information(const bernoulli<T>& d, parametrization::logits) {
    return detail::matrix_of<T>({{d.p() * (1 - d.p())}});
}
template <real T>
parameter_vector<T> score(const bernoulli<T>& d, T x) {
    return detail::vector_of<T>({x / d.p() - (1 - x) / (1 - d.p())});
}

// ---- binomial (p; trials known): F = n/(p(1 − p)) ----
template <real T>
parameter_vector<T> parameters(const binomial<T>& d) { return detail::vector_of<T>({d.p()}); }
template <real T>
binomial<T> with_parameters(const binomial<T>& d, const parameter_vector<T>& t) { return binomial<T>(d.trials(), t[0]); }
template <real T>
fisher_matrix<T> fisher_information(const binomial<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{T(d.trials()) / (d.p() * (1 - d.p()))}});
}
template <real T>
parameter_vector<T> score(const binomial<T>& d, T k) {
    return detail::vector_of<T>({k / d.p() - (T(d.trials()) - k) / (1 - d.p())});
}

// ---- geometric (p): F = 1/(p²(1 − p)) ----
template <real T>
parameter_vector<T> parameters(const geometric<T>& d) { return detail::vector_of<T>({d.p()}); }
template <real T>
geometric<T> with_parameters(const geometric<T>&, const parameter_vector<T>& t) { return geometric<T>(t[0]); }
template <real T>
fisher_matrix<T> fisher_information(const geometric<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{1 / (d.p() * d.p() * (1 - d.p()))}});
}
template <real T>
parameter_vector<T> score(const geometric<T>& d, T k) { return detail::vector_of<T>({1 / d.p() - k / (1 - d.p())}); }

// ---- poisson (rate): F = 1/λ ----
template <real T>
parameter_vector<T> parameters(const poisson<T>& d) { return detail::vector_of<T>({d.rate()}); }
template <real T>
poisson<T> with_parameters(const poisson<T>&, const parameter_vector<T>& t) { return poisson<T>(t[0]); }
template <real T>
fisher_matrix<T> fisher_information(const poisson<T>& d, parametrization::standard = {}) {
    return detail::matrix_of<T>({{1 / d.rate()}});
}
template <real T>
parameter_vector<T> score(const poisson<T>& d, T k) { return detail::vector_of<T>({k / d.rate() - 1}); }

}  // namespace kldiv
