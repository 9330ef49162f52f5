// Gradient semantics of the KL estimators for C++ RL code without autograd: per-sample score
// coefficients c such that an estimator's gradient is c·∇θ log q_θ(x), in loss and reward use.
#pragma once

#include <cmath>
#include <span>
#include <string>

#include "kldiv/core/error.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/estimators/kl_estimator.hpp"

namespace kldiv {


/// How the per-sample estimate enters the objective.
enum class gradient_mode {
    /// Differentiated through, as a loss term: ∇θ k(x) with x held fixed (a sampled token); an
    /// importance weight, if any, multiplies as a constant (sg(w)·∇k). On-policy: w = 1.
    loss,
    /// As a loss with the importance weight w = q_θ(x)/μ(x) differentiated too: ∇θ[w·k(x)]
    /// (the PPO-ratio form; ∇w = w·s).
    weighted_loss,
    /// Stop-gradient, as a reward in a score-function (REINFORCE) gradient: sg(w·k(x))·∇θ log q_θ(x).
    reward,
};

/// The coefficient c of one sample: its gradient contribution is c·s, s = ∇θ log q_θ(x).
/// With ∇ℓ = −s and ∇w = w·s, and ∇k = c_k·s where c_k1 = 1, c_k2 = −ℓ, c_k3 = 1 − r,
/// c_reverse = −r·ℓ:
/// loss: c = w·c_k; weighted_loss: c = w·(k + c_k); reward: c = w·k.
/// What their expectations target (docs/estimators.md has the table, proven by exact enumeration
/// in tests/estimators/test_gradients.cpp): on-policy as a loss, k1 → 0, k2 → ∇KL[q‖p],
/// k3 → ∇KL[p‖q] (the forward direction); as a reward, k1 → ∇KL[q‖p], k3 → ∇KL[q‖p] − ∇KL[p‖q];
/// off-policy as a weighted_loss, k1 and k3 → ∇KL[q‖p] (∇(w·k3) = w·k1·s), k2 does not;
/// sg(w)·k2 (loss with a weight) has the same gradient as w·k3; the reverse estimator as a
/// weighted_loss (on- or off-policy) → ∇KL[p‖q] (its c is w·(1 − r), exactly).
/// Accuracy: r·ℓ-type terms via expm1/expm1mx, ≤ 4 ulp relative. ℓ = ±inf give ±inf or NaN as the
/// mathematics does (inf − inf is NaN).
inline double score_coefficient(kl_estimator estimator, gradient_mode mode, double log_q, double log_p,
                                double importance_weight = 1.0) noexcept {
    const double l = log_p - log_q;
    double value = 0, derivative = 0;  // k(ℓ) and the c_k with ∇k = c_k·s
    switch (estimator) {
        case kl_estimator::k1: value = -l, derivative = 1.0; break;
        case kl_estimator::k2: value = 0.5 * l * l, derivative = -l; break;
        case kl_estimator::k3: value = expm1mx(l), derivative = -std::expm1(l); break;
        case kl_estimator::reverse: value = rlogr_residual(l), derivative = -std::exp(l) * l; break;
    }
    const double w = importance_weight;
    switch (mode) {
        case gradient_mode::loss: return w * derivative;
        case gradient_mode::weighted_loss:
            // k3 + c_k3 = eˡ − 1 − ℓ + 1 − eˡ = −ℓ and reverse + c_reverse = 1 − eˡ exactly: use
            // those rather than cancelling.
            if (estimator == kl_estimator::k3) return w * -l;
            if (estimator == kl_estimator::reverse) return w * -std::expm1(l);
            return w * (value + derivative);
        case gradient_mode::reward: return w * value;
    }
    return 0;
}

/// score_coefficient over arrays of samples, into caller storage. weights may be empty
/// (on-policy). Throws kldiv::domain_error if sizes differ.
template <real T>
void score_coefficients(kl_estimator estimator, gradient_mode mode, std::span<const T> log_q,
                        std::span<const T> log_p, std::span<T> out, std::span<const T> weights = {}) {
    detail::check_same_size("score_coefficients", log_q.size(), log_p.size());
    detail::check_same_size("score_coefficients", log_q.size(), out.size());
    if (!weights.empty()) detail::check_same_size("score_coefficients", log_q.size(), weights.size());
    for (std::size_t i = 0; i < log_q.size(); ++i)
        out[i] = static_cast<T>(score_coefficient(estimator, mode, static_cast<double>(log_q[i]),
                                                  static_cast<double>(log_p[i]),
                                                  weights.empty() ? 1.0 : static_cast<double>(weights[i])));
}

}  // namespace kldiv
