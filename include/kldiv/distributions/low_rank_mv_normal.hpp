// The multivariate normal with low-rank-plus-diagonal covariance Σ = WWᵀ + D (PyTorch's
// LowRankMultivariateNormal): density, sampling, entropy, moments in O(d·r²), Σ never formed.
// Guarantees: validated at construction; d up to 10⁴ and more with rank r ≤ 64.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <random>
#include <span>
#include <string>

#include "kldiv/core/constants.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/mv_normal.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/random/normal.hpp"

namespace kldiv {

/// N(mean, WWᵀ + D) in d dimensions with a d×r factor W (any rank r ≥ 1, also r > d) and a
/// positive diagonal D. Constructor low_rank_mv_normal(mean, factor, diagonal) (PyTorch's
/// argument order: loc, cov_factor, cov_diag). Validation (kldiv::domain_error naming the
/// problem): d ≥ 1, factor d×r with r ≥ 1, diagonal of d entries, every entry finite, every
/// diagonal entry > 0.
/// Internally, with A = D^(−1/2)W = QR (thin QR, Q d×k orthonormal, k = min(d, r)),
/// D^(−1/2)ΣD^(−1/2) = I + QRRᵀQᵀ, so Σ⁻¹ and log det Σ come from the k×k matrix K = I + RRᵀ
/// (Woodbury identity and matrix determinant lemma): O(d·r²) to build, O(d·r) per density.
template <real T = double>
class low_rank_mv_normal {
public:
    using value_type = T;
    using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
    using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind (see static_support): ℝᵈ.
    static constexpr static_support support_at_compile_time = static_support::real_vector();

    low_rank_mv_normal(vector mean, matrix factor, vector diagonal)
        : mean_(std::move(mean)), factor_(std::move(factor)), diagonal_(std::move(diagonal)) {
        const auto d = mean_.size();
        if (d == 0) detail::fail("low_rank_mv_normal", "the mean is empty");
        if (factor_.rows() != d || factor_.cols() < 1)
            detail::fail("low_rank_mv_normal", "the factor must be " + std::to_string(d) + "×r with r ≥ 1, got " +
                                                   std::to_string(factor_.rows()) + "×" + std::to_string(factor_.cols()));
        if (diagonal_.size() != d)
            detail::fail("low_rank_mv_normal", "the diagonal must have " + std::to_string(d) + " entries, got " +
                                                   std::to_string(diagonal_.size()));
        for (Eigen::Index i = 0; i < d; ++i) {
            if (!std::isfinite(mean_[i]))
                detail::fail("low_rank_mv_normal", "mean[" + std::to_string(i) + "] must be finite", mean_[i]);
            if (!(diagonal_[i] > T(0)) || !std::isfinite(diagonal_[i]))
                detail::fail("low_rank_mv_normal", "diagonal[" + std::to_string(i) + "] must be positive and finite", diagonal_[i]);
        }
        for (Eigen::Index j = 0; j < factor_.cols(); ++j)
            for (Eigen::Index i = 0; i < d; ++i)
                if (!std::isfinite(factor_(i, j)))
                    detail::fail("low_rank_mv_normal",
                                 "factor(" + std::to_string(i) + ", " + std::to_string(j) + ") must be finite", factor_(i, j));
        inverse_sqrt_diagonal_ = diagonal_.cwiseSqrt().cwiseInverse();
        const matrix whitened = inverse_sqrt_diagonal_.asDiagonal() * factor_;
        const Eigen::Index k = std::min(d, factor_.cols());
        const Eigen::HouseholderQR<matrix> qr(whitened);
        q_ = qr.householderQ() * matrix::Identity(d, k);
        const matrix r = qr.matrixQR().topRows(k).template triangularView<Eigen::Upper>();
        capacitance_.compute(matrix(matrix::Identity(k, k) + r * r.transpose()));
        log_det_capacitance_ = T(2) * capacitance_.matrixLLT().diagonal().array().log().sum();
        log_det_diagonal_ = diagonal_.array().log().sum();
    }

    [[nodiscard]] const vector& mean() const noexcept { return mean_; }
    [[nodiscard]] const matrix& factor() const noexcept { return factor_; }
    [[nodiscard]] const vector& diagonal() const noexcept { return diagonal_; }
    [[nodiscard]] Eigen::Index dimension() const noexcept { return mean_.size(); }
    [[nodiscard]] Eigen::Index rank() const noexcept { return factor_.cols(); }
    /// D^(−1/2), entry by entry.
    [[nodiscard]] const vector& inverse_sqrt_diagonal() const noexcept { return inverse_sqrt_diagonal_; }
    /// Q of the thin QR of D^(−1/2)W (d×k orthonormal columns, k = min(d, r)).
    [[nodiscard]] const matrix& whitened_basis() const noexcept { return q_; }
    /// Cholesky factor of K = I + RRᵀ (k×k), det K = det(I + WᵀD⁻¹W).
    [[nodiscard]] const Eigen::LLT<matrix>& capacitance() const noexcept { return capacitance_; }
    /// log det(I + WᵀD⁻¹W) = log det K.
    [[nodiscard]] T log_determinant_capacitance() const noexcept { return log_det_capacitance_; }
    /// log det Σ = Σ log Dᵢ + log det K (matrix determinant lemma; never a determinant of Σ, so no
    /// overflow at d = 10⁴). ≤ 1e-14 relative times max(1, |log det Σ|)·cond(K) in double.
    [[nodiscard]] T log_determinant() const noexcept { return log_det_diagonal_ + log_det_capacitance_; }

    /// zᵀ(I + QRRᵀQᵀ)⁻¹z = ‖z − QQᵀz‖² + ‖L_K⁻¹Qᵀz‖² for whitened z = D^(−1/2)y: two non-negative
    /// terms (Woodbury's ‖z‖² − ‖…‖² would cancel along the directions of a large factor). O(d·k).
    [[nodiscard]] T whitened_quadratic(const vector& z) const {
        const vector c = q_.transpose() * z;
        const vector orthogonal = z - q_ * c;
        return orthogonal.squaredNorm() + capacitance_.matrixL().solve(c).squaredNorm();
    }
    /// yᵀΣ⁻¹y, by whitened_quadratic(D^(−1/2)y). O(d·k).
    [[nodiscard]] T mahalanobis(const vector& y) const { return whitened_quadratic(vector(inverse_sqrt_diagonal_.cwiseProduct(y))); }

private:
    vector mean_;
    matrix factor_;
    vector diagonal_;
    vector inverse_sqrt_diagonal_;
    matrix q_;
    Eigen::LLT<matrix> capacitance_;
    T log_det_capacitance_ = 0;
    T log_det_diagonal_ = 0;
};

/// log density at x (d entries, else kldiv::domain_error): −½(x − μ)ᵀΣ⁻¹(x − μ) − ½d·log 2π −
/// ½log det Σ, Σ⁻¹ by Woodbury on the whitened QR (two non-negative terms), O(d·r).
/// Accuracy: ≤ 1e-13 relative times cond(K) in double. NaN entries give NaN.
template <real T>
[[nodiscard]] T log_pdf(const low_rank_mv_normal<T>& d, std::span<const T> x) {
    detail::check_same_size("log_pdf", static_cast<std::size_t>(d.dimension()), x.size());
    using vector = typename low_rank_mv_normal<T>::vector;
    const vector centred = Eigen::Map<const vector>(x.data(), d.dimension()) - d.mean();
    return -T(0.5) * d.mahalanobis(centred) - T(d.dimension()) * detail::half_log_two_pi<T> - T(0.5) * d.log_determinant();
}

/// One sample μ + Wε + √D ⊙ η (ε ∈ ℝʳ, η ∈ ℝᵈ standard normal; r + d normal draws) into out
/// (d entries, else kldiv::domain_error). Exact in distribution (no Cholesky of Σ); each entry
/// rounded as its r + 2 terms are. O(d·r).
template <real T, std::uniform_random_bit_generator Engine>
void sample(const low_rank_mv_normal<T>& d, Engine& engine, std::span<T> out) {
    detail::check_same_size("sample", static_cast<std::size_t>(d.dimension()), out.size());
    using vector = typename low_rank_mv_normal<T>::vector;
    vector e(d.rank()), h(d.dimension());
    for (Eigen::Index i = 0; i < e.size(); ++i) e[i] = static_cast<T>(standard_normal(engine));
    for (Eigen::Index i = 0; i < h.size(); ++i) h[i] = static_cast<T>(standard_normal(engine));
    Eigen::Map<vector>(out.data(), d.dimension()) = d.mean() + d.factor() * e + d.diagonal().cwiseSqrt().cwiseProduct(h);
}

/// ½d(1 + log 2π) + ½log det Σ nats (log det Σ by the matrix determinant lemma). ≤ 1e-14 relative
/// times max(1, |log det Σ|) in double.
template <real T>
[[nodiscard]] T entropy(const low_rank_mv_normal<T>& d) noexcept {
    return T(d.dimension()) * (detail::half_log_two_pi<T> + T(0.5)) + T(0.5) * d.log_determinant();
}
/// μ (exact).
template <real T>
[[nodiscard]] const typename low_rank_mv_normal<T>::vector& mean(const low_rank_mv_normal<T>& d) noexcept {
    return d.mean();
}
/// The dense covariance WWᵀ + D (d×d: O(d²·r) time and d² memory — for inspection and for the
/// pairs with mv_normal, never used by the low-rank computations themselves). Each entry is a dot
/// product of r terms (≤ r ulp of Σ|Wᵢₖ Wⱼₖ|); exactly symmetric.
template <real T>
[[nodiscard]] typename low_rank_mv_normal<T>::matrix covariance(const low_rank_mv_normal<T>& d) {
    using matrix = typename low_rank_mv_normal<T>::matrix;
    const matrix product = d.factor() * d.factor().transpose();
    matrix s = product.template selfadjointView<Eigen::Lower>();  // exactly symmetric
    s.diagonal() += d.diagonal();
    return s;
}
/// The same distribution as a dense mv_normal(μ, WWᵀ + D) (O(d²·r + d³); covariance as above).
/// For d up to mv_normal's range (1000).
template <real T>
[[nodiscard]] mv_normal<T> as_mv_normal(const low_rank_mv_normal<T>& d) {
    return mv_normal<T>(d.mean(), covariance(d));
}

}  // namespace kldiv
