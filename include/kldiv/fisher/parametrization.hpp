// Parametrization tags for Fisher information and scores, and the matrix/vector types they use.
// Guarantees: the default tag is the family's constructor arguments, in constructor order.
#pragma once

#include <Eigen/Core>

#include "kldiv/core/concepts.hpp"

namespace kldiv {

/// Fisher matrices and parameter vectors (Eigen, dynamic size).
template <real T>
using fisher_matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <real T>
using parameter_vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// Which coordinates a Fisher matrix, score or parameter vector is expressed in.
namespace parametrization {
/// The constructor arguments in order (the default). Fixed parts are not parameters: Pareto's
/// scale, the binomial's trials, the categorical's last probability (p_K = 1 − Σ the others).
struct standard {};
/// normal: (mean, log stddev).
struct mean_log_stddev {};
/// normal: natural parameters (η₁, η₂) = (μ/σ², −1/(2σ²)).
struct natural {};
/// bernoulli: logit p; categorical: all K logits (softmax; the matrix is singular along 1).
struct logits {};
/// mv_normal: the mean, with the covariance known.
struct mean_only {};
/// mv_normal: the mean followed by vech(Σ) (the lower triangle, column by column).
struct mean_and_covariance {};
}  // namespace parametrization

}  // namespace kldiv
