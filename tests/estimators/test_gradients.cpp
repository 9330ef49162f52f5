// Gradient semantics of k1, k2, k3, proven by exact enumeration on a small categorical policy
// q_θ = softmax(θ): E[c·s] against the analytic gradients of KL[q‖p] and KL[p‖q].
#include <cmath>
#include <vector>

#include "kldiv/estimators/gradients.hpp"
#include "support/catch.hpp"

namespace {

using vec = std::vector<double>;

vec softmax(const vec& theta) {
    double m = theta[0];
    for (double t : theta) m = std::max(m, t);
    vec out(theta.size());
    double s = 0;
    for (std::size_t i = 0; i < theta.size(); ++i) s += out[i] = std::exp(theta[i] - m);
    for (auto& v : out) v /= s;
    return out;
}

/// ∇θ KL[q‖p] for q = softmax(θ): (q_j)(log q_j − log p_j − KL[q‖p]).
vec grad_kl_qp(const vec& q, const vec& p) {
    double kl = 0;
    for (std::size_t i = 0; i < q.size(); ++i) kl += q[i] * std::log(q[i] / p[i]);
    vec g(q.size());
    for (std::size_t j = 0; j < q.size(); ++j) g[j] = q[j] * (std::log(q[j] / p[j]) - kl);
    return g;
}

/// ∇θ KL[p‖q] = −Σᵢ pᵢ ∇log qᵢ = q − p.
vec grad_kl_pq(const vec& q, const vec& p) {
    vec g(q.size());
    for (std::size_t j = 0; j < q.size(); ++j) g[j] = q[j] - p[j];
    return g;
}

/// E_{x~sampling}[c(x)·∇θ log q_θ(x)], with ∇θ log q(x) = e_x − q.
vec expected_gradient(kldiv::kl_estimator estimator, kldiv::gradient_mode mode, const vec& q, const vec& p,
                      const vec& sampling) {
    vec g(q.size(), 0.0);
    for (std::size_t x = 0; x < q.size(); ++x) {
        const double w = q[x] / sampling[x];
        const double c = kldiv::score_coefficient(estimator, mode, std::log(q[x]), std::log(p[x]), w);
        for (std::size_t j = 0; j < q.size(); ++j) g[j] += sampling[x] * c * ((j == x ? 1.0 : 0.0) - q[j]);
    }
    return g;
}

void check_equal(const vec& a, const vec& b) {
    for (std::size_t j = 0; j < a.size(); ++j) CHECK(a[j] == Approx(b[j]).margin(1e-14).epsilon(1e-12));
}

vec difference(const vec& a, const vec& b) {
    vec d(a.size());
    for (std::size_t j = 0; j < a.size(); ++j) d[j] = a[j] - b[j];
    return d;
}

bool is_zero(const vec& a) {
    for (double v : a)
        if (std::fabs(v) > 1e-14) return false;
    return true;
}

}  // namespace

TEST_CASE("on-policy gradients: what each estimator targets as a loss and as a reward", "[estimators][gradients]") {
    using kldiv::gradient_mode;
    using kldiv::kl_estimator;
    const vec q = softmax({0.3, -0.2, 1.1, 0.0, -0.7});
    const vec p{0.3, 0.1, 0.2, 0.25, 0.15};
    const vec qp = grad_kl_qp(q, p), pq = grad_kl_pq(q, p);
    // As a differentiable loss: k1 → 0, k2 → ∇KL[q‖p] (reverse), k3 → ∇KL[p‖q] (forward).
    CHECK(is_zero(expected_gradient(kl_estimator::k1, gradient_mode::loss, q, p, q)));
    check_equal(expected_gradient(kl_estimator::k2, gradient_mode::loss, q, p, q), qp);
    check_equal(expected_gradient(kl_estimator::k3, gradient_mode::loss, q, p, q), pq);
    // As a stop-gradient reward: k1 → ∇KL[q‖p]; k3 → ∇KL[q‖p] − ∇KL[p‖q] (biased).
    check_equal(expected_gradient(kl_estimator::k1, gradient_mode::reward, q, p, q), qp);
    check_equal(expected_gradient(kl_estimator::k3, gradient_mode::reward, q, p, q), difference(qp, pq));
    // k2 as a reward targets neither direction.
    const vec k2_reward = expected_gradient(kl_estimator::k2, gradient_mode::reward, q, p, q);
    CHECK_FALSE(is_zero(difference(k2_reward, qp)));
    CHECK_FALSE(is_zero(difference(k2_reward, pq)));
}

TEST_CASE("off-policy gradients with importance weights", "[estimators][gradients]") {
    using kldiv::gradient_mode;
    using kldiv::kl_estimator;
    const vec q = softmax({0.3, -0.2, 1.1, 0.0, -0.7});
    const vec p{0.3, 0.1, 0.2, 0.25, 0.15};
    const vec behaviour{0.2, 0.2, 0.2, 0.2, 0.2};
    const vec qp = grad_kl_qp(q, p);
    // ∇(w·k3) = w·k1·s is unbiased for the reverse-KL gradient; so is ∇(w·k1).
    check_equal(expected_gradient(kl_estimator::k3, gradient_mode::weighted_loss, q, p, behaviour), qp);
    check_equal(expected_gradient(kl_estimator::k1, gradient_mode::weighted_loss, q, p, behaviour), qp);
    // ∇(w·k2) is not.
    CHECK_FALSE(
        is_zero(difference(expected_gradient(kl_estimator::k2, gradient_mode::weighted_loss, q, p, behaviour), qp)));
    // sg(w)·k2 has the same gradient as w·k3.
    check_equal(expected_gradient(kl_estimator::k2, gradient_mode::loss, q, p, behaviour),
                expected_gradient(kl_estimator::k3, gradient_mode::weighted_loss, q, p, behaviour));
    // On the behaviour's own samples with w ≡ 1 (first PPO epoch), the weighted loss of k3 is
    // still the reverse-KL gradient while the plain k3 loss is the forward one.
    check_equal(expected_gradient(kl_estimator::k3, gradient_mode::weighted_loss, q, p, q), qp);
    // Rewards off-policy: the weight makes k1 unbiased again.
    check_equal(expected_gradient(kl_estimator::k1, gradient_mode::reward, q, p, behaviour), qp);
    // The reverse estimator r·ℓ − (r − 1), weighted: ∇E_μ[w·ρ] = ∇KL[p‖q], off- and on-policy.
    check_equal(expected_gradient(kl_estimator::reverse, gradient_mode::weighted_loss, q, p, behaviour),
                grad_kl_pq(q, p));
    check_equal(expected_gradient(kl_estimator::reverse, gradient_mode::weighted_loss, q, p, q), grad_kl_pq(q, p));
}

TEST_CASE("score_coefficients over arrays", "[estimators][gradients]") {
    const std::vector<double> log_q{-1.0, -2.0, -0.5}, log_p{-1.5, -1.0, -0.5};
    std::vector<double> out(3);
    kldiv::score_coefficients<double>(kldiv::kl_estimator::k3, kldiv::gradient_mode::loss, log_q,
                                      log_p, out);
    for (std::size_t i = 0; i < 3; ++i) CHECK(out[i] == Approx(1.0 - std::exp(log_p[i] - log_q[i])));
    std::vector<double> short_out(2);
    CHECK_THROWS_AS(kldiv::score_coefficients<double>(kldiv::kl_estimator::k1, kldiv::gradient_mode::loss, log_q,
                                                      log_p, short_out),
                    kldiv::domain_error);
}
