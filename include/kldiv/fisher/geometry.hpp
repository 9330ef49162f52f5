// The local geometry of KL: the quadratic approximation ½δᵀFδ, natural-gradient steps solving
// Fδ = g by an LDLT factorisation, and the empirical Fisher matrix from score vectors.
#pragma once

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <string>

#include "kldiv/core/error.hpp"
#include "kldiv/fisher/parametrization.hpp"

namespace kldiv {

/// ½·δᵀF(θ)δ: to second order, KL(p_θ‖p_θ+δ) (and every f-divergence with f''(1) = 1). The
/// error is O(‖δ‖³) for every family (tested). delta is in the given parametrization (default:
/// the constructor's); throws kldiv::domain_error if its size differs from F's.
template <class D, class Tag = parametrization::standard>
[[nodiscard]] auto kl_quadratic(const D& d, const parameter_vector<typename D::value_type>& delta, Tag tag = {}) {
    const auto f = fisher_information(d, tag);
    if (f.rows() != delta.size())
        detail::fail("kl_quadratic", "delta has " + std::to_string(delta.size()) + " entries, the parameters " +
                                         std::to_string(f.rows()));
    return typename D::value_type(0.5) * delta.dot(f * delta);
}

/// The natural-gradient direction x solving (F + damping·I)·x = g by an LDLT factorisation (no
/// inverse). damping ≥ 0 regularises a singular or ill-conditioned F (Levenberg–Marquardt
/// style); with damping = 0 a singular or indefinite F throws kldiv::domain_error naming the
/// smallest pivot (pass a damping, e.g. 1e-8·trace(F)/k). Also throws for size mismatch,
/// negative damping or non-finite entries.
template <real T>
[[nodiscard]] parameter_vector<T> natural_gradient(const fisher_matrix<T>& f, const parameter_vector<T>& g, T damping = 0) {
    if (f.rows() != f.cols() || f.rows() != g.size())
        detail::fail("natural_gradient", "F is " + std::to_string(f.rows()) + "×" + std::to_string(f.cols()) +
                                             " but g has " + std::to_string(g.size()) + " entries");
    if (!(damping >= 0) || !std::isfinite(damping)) detail::fail("natural_gradient", "damping must be ≥ 0 and finite", damping);
    if (!f.allFinite() || !g.allFinite()) detail::fail("natural_gradient", "F and g must be finite");
    fisher_matrix<T> damped = f;
    damped.diagonal().array() += damping;
    const Eigen::LDLT<fisher_matrix<T>> ldlt(damped);
    const auto pivots = ldlt.vectorD();
    const T scale = std::max(T(1), damped.diagonal().cwiseAbs().maxCoeff());
    if (ldlt.info() != Eigen::Success || !(pivots.minCoeff() > std::numeric_limits<T>::epsilon() * scale * T(f.rows())))
        detail::fail("natural_gradient", "F (+ damping) is singular or not positive definite; smallest LDLT pivot",
                     pivots.size() ? pivots.minCoeff() : T(0));
    return ldlt.solve(g);
}

/// The empirical Fisher matrix (1/n)·Σ sᵢsᵢᵀ from n score vectors, the rows of `scores` (n × k),
/// for users who only have gradients. Throws kldiv::domain_error for n = 0.
template <real T>
[[nodiscard]] fisher_matrix<T> empirical_fisher(const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& scores) {
    if (scores.rows() == 0) detail::fail("empirical_fisher", "needs at least one score vector");
    return (scores.transpose() * scores) / T(scores.rows());
}

}  // namespace kldiv
