// Closed-form KL for the low-rank-plus-diagonal normal: to itself through the Woodbury identity
// and the matrix determinant lemma (O(d·r²), Σ never formed), and both ways to mv_normal.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/distributions/low_rank_mv_normal.hpp"
#include "kldiv/distributions/mv_normal.hpp"

namespace kldiv {

namespace detail {

/// (Products whose long dimension is d are lazy, coefficient-based products here: Eigen's
/// OpenMP-parallel GEMM for an r×r result over a depth of 10⁴ costs seconds on a loaded machine.)
/// (I + MMᵀ)^power applied to the columns of x, for M d×r, through the thin QR M = QR and the
/// eigen-decomposition I + RRᵀ = V·diag(e)·Vᵀ (k×k, k = min(d, r)):
/// x + Q·V·diag(e^power − 1)·Vᵀ·Qᵀx, with e^power − 1 = expm1(power·log e) (no cancellation
/// for a small M). O(d·k·columns).
class low_rank_power {
public:
    explicit low_rank_power(const Eigen::MatrixXd& m) {
        const Eigen::Index k = std::min(m.rows(), m.cols());
        const Eigen::HouseholderQR<Eigen::MatrixXd> qr(m);
        q_ = qr.householderQ() * Eigen::MatrixXd::Identity(m.rows(), k);
        const Eigen::MatrixXd r = qr.matrixQR().topRows(k).template triangularView<Eigen::Upper>();
        const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(Eigen::MatrixXd::Identity(k, k) + r * r.transpose());
        v_ = eigen.eigenvectors();
        log_e_ = eigen.eigenvalues().array().log().matrix();
    }
    [[nodiscard]] Eigen::MatrixXd apply(const Eigen::MatrixXd& x, double power) const {
        Eigen::VectorXd f(log_e_.size());
        for (Eigen::Index i = 0; i < f.size(); ++i) f[i] = std::expm1(power * log_e_[i]);
        const Eigen::MatrixXd coefficients = q_.transpose().lazyProduct(x);  // k×c, depth d
        const Eigen::MatrixXd mixed = v_ * (f.asDiagonal() * (v_.transpose() * coefficients));
        return x + q_.lazyProduct(mixed);
    }

private:
    Eigen::MatrixXd q_;
    Eigen::MatrixXd v_;
    Eigen::VectorXd log_e_;
};

/// 2·KL of the covariances alone, tr(Σq⁻¹Σp) − d − log det(Σq⁻¹Σp), for Σ = WWᵀ + D (see
/// kl_divergence below for the decomposition). Both factors d×r (the smaller rank padded with
/// zero columns, which changes no covariance).
inline double low_rank_covariance_kl_twice(const Eigen::MatrixXd& wp, const Eigen::VectorXd& dp, const Eigen::MatrixXd& wq,
                                           const Eigen::VectorXd& dq) {
    using matrix = Eigen::MatrixXd;
    using vector = Eigen::VectorXd;
    const Eigen::Index d = dq.size(), r = wq.cols();
    const vector s = dq.cwiseSqrt().cwiseInverse();
    const matrix a = s.asDiagonal() * wq;
    const matrix delta = s.asDiagonal() * matrix(wp - wq);  // Δ = Dq^(−1/2)(Wp − Wq): small for nearly equal factors
    vector g(d), one_plus_g(d);
    for (Eigen::Index i = 0; i < d; ++i) {
        g[i] = (dp[i] - dq[i]) / dq[i];
        one_plus_g[i] = dp[i] / dq[i];
    }
    compensated_sum<double> total;
    // (1) f(Σ̃q⁻¹G), G = diag(g): Σᵢ −log1pmx(gᵢ) + Σₖ −log1pmx(−yₖ) − Σᵢ gᵢ²/(1 + gᵢ)·hᵢ, yₖ the
    // eigenvalues of Y = L⁻¹Aᵀ·G(I + G)⁻¹·AL⁻ᵀ (I + AᵀA = LLᵀ), hᵢ = ‖L⁻¹Aᵢᵀ‖² (the leverages).
    const Eigen::LLT<matrix> cq(matrix(matrix::Identity(r, r) + a.transpose().lazyProduct(a)));
    const matrix la = cq.matrixL().solve(matrix(a.transpose()));  // r×d, ‖la‖ ≤ 1
    vector ratio(d);
    for (Eigen::Index i = 0; i < d; ++i) ratio[i] = g[i] / one_plus_g[i];
    const matrix y = la.lazyProduct(matrix(ratio.asDiagonal() * la.transpose()));
    const Eigen::SelfAdjointEigenSolver<matrix> y_eigen(y, Eigen::EigenvaluesOnly);
    for (Eigen::Index i = 0; i < d; ++i) {
        total.add(-log1pmx(g[i]));
        total.add(-g[i] * ratio[i] * la.col(i).squaredNorm());
    }
    for (Eigen::Index k = 0; k < r; ++k) total.add(-log1pmx(-y_eigen.eigenvalues()[k]));
    // (2) f(Σ̃m⁻¹E), Σ̃m = I + G + AAᵀ, E = AΔᵀ + ΔAᵀ + ΔΔᵀ: with F⁻¹ = (I + ÃÃᵀ)^(−1/2)(I + G)^(−1/2),
    // Ã = (I + G)^(−1/2)A, A' = F⁻¹A, Δ' = F⁻¹Δ and [A' Δ'] = Q[R_A R_Δ], the non-zero eigenvalues
    // λ of F⁻¹EF⁻ᵀ are those of R_A R_Δᵀ + R_Δ R_Aᵀ + R_Δ R_Δᵀ (entries of the size of Δ).
    const vector root = one_plus_g.cwiseSqrt().cwiseInverse();
    const matrix a_scaled = root.asDiagonal() * a, delta_scaled = root.asDiagonal() * delta;
    const low_rank_power m_power(a_scaled);
    matrix u(d, 2 * r);
    u << m_power.apply(a_scaled, -0.5), m_power.apply(delta_scaled, -0.5);
    const Eigen::HouseholderQR<matrix> u_qr(u);
    const Eigen::Index rows = std::min(d, 2 * r);
    const matrix ru = u_qr.matrixQR().topRows(rows).template triangularView<Eigen::Upper>();
    const matrix ra = ru.leftCols(r), rd = ru.rightCols(r);
    const matrix h = ra * rd.transpose() + rd * ra.transpose() + rd * rd.transpose();
    const Eigen::SelfAdjointEigenSolver<matrix> h_eigen(h, Eigen::EigenvaluesOnly);
    for (Eigen::Index k = 0; k < rows; ++k) total.add(-log1pmx(h_eigen.eigenvalues()[k]));
    // (3) the cross term tr((Σ̃q⁻¹ − Σ̃m⁻¹)E) = tr(Σ̃q⁻¹GΣ̃m⁻¹E), a product of two small parts.
    const low_rank_power q_power(a);
    const matrix q_delta = q_power.apply(delta, -1.0), q_a = q_power.apply(a, -1.0);
    const matrix m_a = root.asDiagonal() * m_power.apply(a_scaled, -1.0);
    const matrix m_delta = root.asDiagonal() * m_power.apply(delta_scaled, -1.0);
    for (Eigen::Index i = 0; i < d; ++i)
        if (g[i] != 0)
            total.add(g[i] * (q_delta.row(i).dot(m_a.row(i)) + q_a.row(i).dot(m_delta.row(i)) + q_delta.row(i).dot(m_delta.row(i))));
    return total.value();
}

}  // namespace detail

/// KL(N(μp, WpWpᵀ + Dp)‖N(μq, WqWqᵀ + Dq)) = ½[tr(Σq⁻¹Σp) − d − log det(Σq⁻¹Σp) + δᵀΣq⁻¹δ],
/// δ = μp − μq, never forming a d×d matrix. In q's diagonal coordinates (x ↦ Dq^(−1/2)x)
/// Σ̃q = I + AAᵀ and Σ̃p = I + G + BBᵀ with A = Dq^(−1/2)Wq, B = A + Δ, Δ = Dq^(−1/2)(Wp − Wq) and
/// G = diag(gᵢ), gᵢ = (Dpᵢ − Dqᵢ)/Dqᵢ; through the intermediate Σ̃m = I + G + AAᵀ the covariance
/// part f(Σq⁻¹Σp − I), f(X) = tr X − log det(I + X), is split exactly into
///   f(Σ̃q⁻¹G)      = Σᵢ(gᵢ − log(1 + gᵢ)) + Σₖ(−yₖ − log(1 − yₖ)) − Σᵢ gᵢ²hᵢ/(1 + gᵢ)   (Woodbury),
///   f(Σ̃m⁻¹E)      = Σⱼ(λⱼ − log(1 + λⱼ)), λ the ≤ 2r eigenvalues of a 2r×2r matrix built from
///                   the thin QR of Σ̃m^(−1/2)[A Δ] (entries of the size of Δ), E = BBᵀ − AAᵀ,
///   tr(Σ̃q⁻¹GΣ̃m⁻¹E)  (the cross term, a product of the two perturbations),
/// and the mean part is ‖(I − QQᵀ)δ̃‖² + ‖L⁻¹Qᵀδ̃‖² (δ̃ = Dq^(−1/2)δ). Every piece is a sum of
/// non-negative residuals (or a product of small parts), so nearly equal parameters — factors
/// and diagonals perturbed entry by entry — keep their digits down to KL ~ 1e-20. Ranks may
/// differ (the smaller factor is padded with zero columns). Cost O(d·r²), r = max(rank p, rank q),
/// memory O(d·r): d = 10⁴ with r = 64 in under a second (0.7–2.7 s measured on a shared 2-core machine). Equal parameters give exactly 0.
/// Accuracy: ≤ 1e-12·cond(I + WqᵀDq⁻¹Wq) relative in double (tested against mpmath, also at
/// KL ~ 1e-20). Never negative. Throws kldiv::domain_error if the dimensions differ.
template <real T>
[[nodiscard]] T kl_divergence(const low_rank_mv_normal<T>& p, const low_rank_mv_normal<T>& q) {
    detail::check_same_size("kl_divergence", static_cast<std::size_t>(p.dimension()), static_cast<std::size_t>(q.dimension()));
    using vector = typename low_rank_mv_normal<T>::vector;
    if (p.rank() == q.rank() && p.mean() == q.mean() && p.diagonal() == q.diagonal() && p.factor() == q.factor()) return T(0);
    const Eigen::Index d = p.dimension(), r = std::max(p.rank(), q.rank());
    Eigen::MatrixXd wp = Eigen::MatrixXd::Zero(d, r), wq = Eigen::MatrixXd::Zero(d, r);
    wp.leftCols(p.rank()) = p.factor().template cast<double>();
    wq.leftCols(q.rank()) = q.factor().template cast<double>();
    const double covariance_part = detail::low_rank_covariance_kl_twice(wp, p.diagonal().template cast<double>(), wq,
                                                                        q.diagonal().template cast<double>());
    const double mean_part = static_cast<double>(
        q.whitened_quadratic(vector(q.inverse_sqrt_diagonal().cwiseProduct(p.mean() - q.mean()))));
    const double kl = 0.5 * (covariance_part + mean_part);
    return static_cast<T>(kl > 0 ? kl : 0.0);
}

/// KL(low-rank p‖mv_normal q) = KL(as_mv_normal(p)‖q): q is dense anyway, so p's covariance is
/// formed (O(d²·r)) and mv_normal's form applies (eigenvalues for nearly equal covariances):
/// ≤ 1e-12·cond(Σq) relative in double; O(d³), fine to d = 1000 (mv_normal's range).
/// Throws kldiv::domain_error if the dimensions differ.
template <real T>
[[nodiscard]] T kl_divergence(const low_rank_mv_normal<T>& p, const mv_normal<T>& q) {
    detail::check_same_size("kl_divergence", static_cast<std::size_t>(p.dimension()), static_cast<std::size_t>(q.dimension()));
    return kl_divergence(as_mv_normal(p), q);
}

/// KL(mv_normal p‖low-rank q) = KL(p‖as_mv_normal(q)), as above. ≤ 1e-12·cond(Σq) relative;
/// O(d³). Throws kldiv::domain_error if the dimensions differ.
template <real T>
[[nodiscard]] T kl_divergence(const mv_normal<T>& p, const low_rank_mv_normal<T>& q) {
    detail::check_same_size("kl_divergence", static_cast<std::size_t>(p.dimension()), static_cast<std::size_t>(q.dimension()));
    return kl_divergence(p, as_mv_normal(q));
}

}  // namespace kldiv
