// The multivariate normal N(mean, covariance) through its Cholesky factor: density, sampling,
// entropy, and the closed-form KL written so that nearly equal covariances keep their digits.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <limits>
#include <random>
#include <span>
#include <string>

#include "kldiv/core/constants.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/random/normal.hpp"

namespace kldiv {

/// N(mean, covariance) in k dimensions. Constructor mv_normal(mean vector, covariance matrix);
/// mv_normal<T>::diagonal(mean, variances) for a diagonal covariance.
/// Validation (kldiv::domain_error naming the problem): k ≥ 1, matching sizes, finite entries,
/// symmetric within 64ε relative per entry pair (the lower triangle is used; nothing is
/// symmetrised silently), and positive definite (a Cholesky factorisation with a positive
/// diagonal; no jitter is added).
template <real T = double>
class mv_normal {
public:
    using value_type = T;
    using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
    using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::real_vector();

    mv_normal(vector mean, matrix covariance) : mean_(std::move(mean)), covariance_(std::move(covariance)) {
        const auto k = mean_.size();
        if (k == 0) detail::fail("mv_normal", "the mean is empty");
        if (covariance_.rows() != k || covariance_.cols() != k)
            detail::fail("mv_normal", "the covariance must be " + std::to_string(k) + "×" + std::to_string(k) + ", got " +
                                          std::to_string(covariance_.rows()) + "×" + std::to_string(covariance_.cols()));
        for (Eigen::Index i = 0; i < k; ++i)
            if (!std::isfinite(mean_[i])) detail::fail("mv_normal", "mean[" + std::to_string(i) + "] must be finite", mean_[i]);
        const T tolerance = T(64) * std::numeric_limits<T>::epsilon();
        for (Eigen::Index i = 0; i < k; ++i)
            for (Eigen::Index j = 0; j <= i; ++j) {
                const T a = covariance_(i, j), b = covariance_(j, i);
                if (!std::isfinite(a) || !std::isfinite(b))
                    detail::fail("mv_normal", "covariance(" + std::to_string(i) + ", " + std::to_string(j) + ") must be finite", a);
                if (std::fabs(a - b) > tolerance * std::max(std::fabs(a), std::fabs(b)))
                    detail::fail("mv_normal", "the covariance is not symmetric at (" + std::to_string(i) + ", " +
                                                  std::to_string(j) + "): difference", a - b);
            }
        cholesky_.compute(covariance_);
        if (cholesky_.info() != Eigen::Success || !(cholesky_.matrixLLT().diagonal().array() > T(0)).all())
            detail::fail("mv_normal", "the covariance is not positive definite (Cholesky failed; no jitter is added)");
    }

    /// N(mean, diag(variances)); every variance must be positive and finite.
    [[nodiscard]] static mv_normal diagonal(vector mean, const vector& variances) {
        if (variances.size() != mean.size())
            detail::fail("mv_normal::diagonal", "mean and variances have different sizes (" + std::to_string(mean.size()) +
                                                    " and " + std::to_string(variances.size()) + ")");
        for (Eigen::Index i = 0; i < variances.size(); ++i)
            if (!(variances[i] > T(0)) || !std::isfinite(variances[i]))
                detail::fail("mv_normal::diagonal", "variances[" + std::to_string(i) + "] must be positive and finite",
                             variances[i]);
        return mv_normal(std::move(mean), variances.asDiagonal().toDenseMatrix());
    }

    [[nodiscard]] const vector& mean() const noexcept { return mean_; }
    [[nodiscard]] const matrix& covariance() const noexcept { return covariance_; }
    [[nodiscard]] const Eigen::LLT<matrix>& cholesky() const noexcept { return cholesky_; }
    [[nodiscard]] Eigen::Index dimension() const noexcept { return mean_.size(); }
    /// log det Σ = 2·Σ log Lᵢᵢ (never a determinant, which over- or underflows in high dimension).
    [[nodiscard]] T log_determinant() const noexcept {
        return T(2) * cholesky_.matrixLLT().diagonal().array().log().sum();
    }

private:
    vector mean_;
    matrix covariance_;
    Eigen::LLT<matrix> cholesky_;
};

/// log density at x (k entries, else kldiv::domain_error): −½‖L⁻¹(x − μ)‖² − ½k·log 2π − ½log det Σ,
/// by a triangular solve. NaN entries give NaN.
template <real T>
[[nodiscard]] T log_pdf(const mv_normal<T>& d, std::span<const T> x) {
    detail::check_same_size("log_pdf", static_cast<std::size_t>(d.dimension()), x.size());
    using vector = typename mv_normal<T>::vector;
    const vector centred = Eigen::Map<const vector>(x.data(), d.dimension()) - d.mean();
    const vector z = d.cholesky().matrixL().solve(centred);
    return -T(0.5) * z.squaredNorm() - T(d.dimension()) * detail::half_log_two_pi<T> - T(0.5) * d.log_determinant();
}

/// One sample μ + L·z (z standard normal) into out (k entries).
template <real T, std::uniform_random_bit_generator Engine>
void sample(const mv_normal<T>& d, Engine& engine, std::span<T> out) {
    detail::check_same_size("sample", static_cast<std::size_t>(d.dimension()), out.size());
    using vector = typename mv_normal<T>::vector;
    vector z(d.dimension());
    for (Eigen::Index i = 0; i < z.size(); ++i) z[i] = static_cast<T>(standard_normal(engine));
    Eigen::Map<vector>(out.data(), d.dimension()) = d.mean() + d.cholesky().matrixL() * z;
}

/// ½k(1 + log 2π) + ½log det Σ nats.
template <real T>
[[nodiscard]] T entropy(const mv_normal<T>& d) noexcept {
    return T(d.dimension()) * (detail::half_log_two_pi<T> + T(0.5)) + T(0.5) * d.log_determinant();
}
template <real T>
[[nodiscard]] const typename mv_normal<T>::vector& mean(const mv_normal<T>& d) noexcept {
    return d.mean();
}
template <real T>
[[nodiscard]] const typename mv_normal<T>::matrix& covariance(const mv_normal<T>& d) noexcept {
    return d.covariance();
}

}  // namespace kldiv
