// Fisher information, scores and parameter vectors for the vector-parameter families:
// categorical (probabilities or logits), Dirichlet, and the multivariate normal.
#pragma once

#include <Eigen/Cholesky>
#include <cmath>
#include <span>
#include <vector>

#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/distributions/categorical.hpp"
#include "kldiv/distributions/dirichlet.hpp"
#include "kldiv/distributions/mv_normal.hpp"
#include "kldiv/fisher/parametrization.hpp"

namespace kldiv {

// ---- categorical: θ = (p₁, …, p_{K−1}), p_K = 1 − Σθ; F = diag(1/pᵢ) + 1/p_K ----
template <real T>
parameter_vector<T> parameters(const categorical<T>& d) {
    const auto p = d.probabilities();
    parameter_vector<T> t(static_cast<Eigen::Index>(p.size() - 1));
    for (Eigen::Index i = 0; i < t.size(); ++i) t[i] = p[static_cast<std::size_t>(i)];
    return t;
}
template <real T>
categorical<T> with_parameters(const categorical<T>&, const parameter_vector<T>& t) {
    std::vector<T> p(static_cast<std::size_t>(t.size() + 1));
    T last = 1;
    for (Eigen::Index i = 0; i < t.size(); ++i) last -= p[static_cast<std::size_t>(i)] = t[i];
    p.back() = last;
    return categorical<T>(p);
}
template <real T>
fisher_matrix<T> fisher_information(const categorical<T>& d, parametrization::standard = {}) {
    const auto p = d.probabilities();
    const Eigen::Index k = static_cast<Eigen::Index>(p.size()) - 1;
    fisher_matrix<T> f = fisher_matrix<T>::Constant(k, k, 1 / p.back());
    for (Eigen::Index i = 0; i < k; ++i) f(i, i) += 1 / p[static_cast<std::size_t>(i)];
    return f;
}
/// In all K logits (softmax): F = diag(p) − ppᵀ (singular along the all-ones direction).
template <real T>
fisher_matrix<T> fisher_information(const categorical<T>& d, parametrization::logits) {
    const auto p = d.probabilities();
    const Eigen::Map<const parameter_vector<T>> pv(p.data(), static_cast<Eigen::Index>(p.size()));
    return fisher_matrix<T>(pv.asDiagonal()) - pv * pv.transpose();
}
template <real T>
parameter_vector<T> score(const categorical<T>& d, T x) {
    const auto p = d.probabilities();
    const auto k = static_cast<Eigen::Index>(p.size()) - 1;
    const auto index = static_cast<Eigen::Index>(x);
    parameter_vector<T> s = parameter_vector<T>::Zero(k);
    if (index < k)
        s[index] = 1 / p[static_cast<std::size_t>(index)];
    else
        s.setConstant(-1 / p.back());
    return s;
}

// ---- dirichlet: θ = α; F = diag(ψ'(αᵢ)) − ψ'(α₀)·11ᵀ ----
template <real T>
parameter_vector<T> parameters(const dirichlet<T>& d) {
    const auto a = d.concentration();
    return Eigen::Map<const parameter_vector<T>>(a.data(), static_cast<Eigen::Index>(a.size()));
}
template <real T>
dirichlet<T> with_parameters(const dirichlet<T>&, const parameter_vector<T>& t) { return dirichlet<T>(t); }
/// Accuracy ≤ 1e-14 relative per entry, also where one αᵢ is nearly all of α₀ (the diagonal by
/// trigamma_difference with α₀ − αᵢ summed from the other entries).
template <real T>
fisher_matrix<T> fisher_information(const dirichlet<T>& d, parametrization::standard = {}) {
    const auto k = static_cast<Eigen::Index>(d.size());
    fisher_matrix<T> f = fisher_matrix<T>::Constant(k, k, T(-trigamma(d.total())));
    // Diagonal ψ′(αᵢ) − ψ′(α₀) as one positive quantity, α₀ − αᵢ summed from the other entries
    // (a prefix and a suffix sum: no cancellation when αᵢ is nearly all of α₀).
    const auto& alpha = d.concentration();
    const std::vector<double> others = detail::sums_of_others(std::span<const T>(alpha));
    for (std::size_t i = 0; i < alpha.size(); ++i) {
        const auto ii = static_cast<Eigen::Index>(i);
        f(ii, ii) = T(trigamma_difference(alpha[i], others[i]));
    }
    return f;
}
/// The score at a point x of the simplex (K entries): ψ(α₀) − ψ(αᵢ) + log xᵢ.
template <real T>
parameter_vector<T> score(const dirichlet<T>& d, std::span<const T> x) {
    detail::check_same_size("score", d.size(), x.size());
    parameter_vector<T> s(static_cast<Eigen::Index>(x.size()));
    const double total = digamma(d.total());
    for (std::size_t i = 0; i < x.size(); ++i)
        s[static_cast<Eigen::Index>(i)] = T(total - digamma(d.concentration()[i]) + std::log(double(x[i])));
    return s;
}

// ---- mv_normal: θ = (μ, vech Σ) by default, or μ alone with Σ known ----
namespace detail {
/// The (row, column) of vech index a, lower triangle taken column by column.
inline std::pair<Eigen::Index, Eigen::Index> vech_position(Eigen::Index a, Eigen::Index k) {
    for (Eigen::Index column = 0; column < k; ++column) {
        const Eigen::Index length = k - column;
        if (a < length) return {column + a, column};
        a -= length;
    }
    return {0, 0};
}
template <class T>
fisher_matrix<T> precision(const mv_normal<T>& d) {
    return d.cholesky().solve(fisher_matrix<T>::Identity(d.dimension(), d.dimension()));
}
}  // namespace detail

template <real T>
parameter_vector<T> parameters(const mv_normal<T>& d) {
    const Eigen::Index k = d.dimension();
    parameter_vector<T> t(k + k * (k + 1) / 2);
    t.head(k) = d.mean();
    Eigen::Index a = k;
    for (Eigen::Index column = 0; column < k; ++column)
        for (Eigen::Index row = column; row < k; ++row) t[a++] = d.covariance()(row, column);
    return t;
}
template <real T>
mv_normal<T> with_parameters(const mv_normal<T>& d, const parameter_vector<T>& t) {
    const Eigen::Index k = d.dimension();
    fisher_matrix<T> s(k, k);
    Eigen::Index a = k;
    for (Eigen::Index column = 0; column < k; ++column)
        for (Eigen::Index row = column; row < k; ++row) s(row, column) = s(column, row) = t[a++];
    return mv_normal<T>(t.head(k), s);
}
/// (μ, vech Σ): blockdiag(Σ⁻¹, G) with G_ab = ½·tr(Σ⁻¹E_aΣ⁻¹E_b), E_a the symmetric unit matrix of
/// vech entry a. Σ⁻¹ through Cholesky solves. O(k⁴) entries: meant for small k.
template <real T>
fisher_matrix<T> fisher_information(const mv_normal<T>& d, parametrization::standard = {}) {
    return fisher_information(d, parametrization::mean_and_covariance{});
}
template <real T>
fisher_matrix<T> fisher_information(const mv_normal<T>& d, parametrization::mean_and_covariance) {
    const Eigen::Index k = d.dimension(), m = k * (k + 1) / 2;
    const fisher_matrix<T> a = detail::precision(d);
    fisher_matrix<T> f = fisher_matrix<T>::Zero(k + m, k + m);
    f.topLeftCorner(k, k) = a;
    for (Eigen::Index x = 0; x < m; ++x) {
        const auto [i, j] = detail::vech_position(x, k);
        for (Eigen::Index y = 0; y < m; ++y) {
            const auto [u, v] = detail::vech_position(y, k);
            // E_x = e_i e_jᵀ + e_j e_iᵀ (i ≠ j) or e_i e_iᵀ; tr(A e_r e_sᵀ A e_p e_qᵀ) = A_qr·A_sp.
            T total = 0;
            const std::pair<Eigen::Index, Eigen::Index> first[2] = {{i, j}, {j, i}};
            const std::pair<Eigen::Index, Eigen::Index> second[2] = {{u, v}, {v, u}};
            for (int s1 = 0; s1 < (i == j ? 1 : 2); ++s1)
                for (int s2 = 0; s2 < (u == v ? 1 : 2); ++s2)
                    total += a(second[s2].second, first[s1].first) * a(first[s1].second, second[s2].first);
            f(k + x, k + y) = T(0.5) * total;
        }
    }
    return f;
}
/// The mean with the covariance known: F = Σ⁻¹.
template <real T>
fisher_matrix<T> fisher_information(const mv_normal<T>& d, parametrization::mean_only) {
    return detail::precision(d);
}
/// The score in (μ, vech Σ) at x (k entries): (Σ⁻¹r, vech-weighted ½(Σ⁻¹rrᵀΣ⁻¹ − Σ⁻¹)), r = x − μ.
template <real T>
parameter_vector<T> score(const mv_normal<T>& d, std::span<const T> x) {
    detail::check_same_size("score", static_cast<std::size_t>(d.dimension()), x.size());
    const Eigen::Index k = d.dimension(), m = k * (k + 1) / 2;
    const parameter_vector<T> r = Eigen::Map<const parameter_vector<T>>(x.data(), k) - d.mean();
    const parameter_vector<T> w = d.cholesky().solve(r);
    const fisher_matrix<T> g = w * w.transpose() - detail::precision(d);
    parameter_vector<T> s(k + m);
    s.head(k) = w;
    for (Eigen::Index a = 0; a < m; ++a) {
        const auto [i, j] = detail::vech_position(a, k);
        s[k + a] = (i == j) ? T(0.5) * g(i, i) : g(i, j);
    }
    return s;
}

}  // namespace kldiv
