// Closed-form KL between the discrete families (Bernoulli, geometric, Poisson, binomial,
// categorical) and across them, as sums of non-negative residuals; +inf on support mismatch
// (by the support rule where the families alone decide it).
#pragma once

#include <cmath>
#include <limits>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/discrete/measures.hpp"
#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/divergence/float_closed_forms.hpp"
#include "kldiv/distributions/bernoulli.hpp"
#include "kldiv/distributions/binomial.hpp"
#include "kldiv/distributions/categorical.hpp"
#include "kldiv/distributions/geometric.hpp"
#include "kldiv/distributions/poisson.hpp"

namespace kldiv {
namespace detail {

/// KL(Bernoulli(p)‖Bernoulli(q)) = p·ψ((q − p)/p) + (1 − p)·ψ((p − q)/(1 − p)), ψ(t) = t − log1p(t)
/// = −log1pmx(t) ≥ 0: two non-negative terms; the end points p ∈ {0, 1} and q ∈ {0, 1} exactly.
/// scale·KL for a scale given by the caller (n for the binomial, 1/p for the geometric), with the
/// scale applied to the weights p and 1 − p before the residuals: p·ψ(t) underflows for
/// p = 1e-300 and t = 1e-12, while (p/p)·ψ(t) = 1.6e-24 does not.
template <class T>
T bernoulli_kl(T p, T q, T scale = T(1)) noexcept {
    constexpr T inf = std::numeric_limits<T>::infinity();
    if (p == T(0)) return q == T(1) ? inf : -scale * std::log1p(-q);
    if (p == T(1)) return q == T(0) ? inf : -scale * std::log(q);
    if (q == T(0) || q == T(1)) return inf;
    // x·ψ((y − x)/x) = x·log(x/y) + y − x; far from y = x (ratio below ½) in that form with
    // log_ratio, so (q − p)/p is not rounded to −1 (bernoulli(½) vs bernoulli(1e-300): 344.69).
    const auto term = [scale](T x, T y, T step, T weight) {
        const T t = step / x;
        return t < T(-0.5) ? scale * step - weight * log_ratio(y, x) : -weight * log1pmx(t);
    };
    return term(p, q, q - p, scale * p) + term(T(1) - p, T(1) - q, p - q, scale * (T(1) - p));
}

}  // namespace detail

/// KL(Bernoulli(p)‖Bernoulli(q)); +inf where p puts mass on an outcome q does not.
/// Accuracy ≤ 1e-13 relative in double, also at KL ~ 1e-20. Never negative.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const bernoulli<T>& p, const bernoulli<T>& q) noexcept {
    return detail::bernoulli_kl(p.p(), q.p());
}

/// KL(Geometric(p)‖Geometric(q)) = KL(Bernoulli(p)‖Bernoulli(q))/p (each of the 1/p expected
/// trials contributes one Bernoulli KL). Accuracy ≤ 1e-13 relative.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const geometric<T>& p, const geometric<T>& q) noexcept {
    const T inverse = T(1) / p.p();  // 1/p overflows only for subnormal p
    return std::isfinite(inverse) ? detail::bernoulli_kl(p.p(), q.p(), inverse) : detail::bernoulli_kl(p.p(), q.p()) / p.p();
}

/// KL(Poisson(λp)‖Poisson(λq)) = λp·φ(log(λq/λp)) = λq·ρ(log(λp/λq)) (the deviance bd0(λp, λq),
/// taken in whichever form does not overflow: poisson(1e-300) vs poisson(1e300) gives 1e300);
/// λp = 0 gives λq; λq = 0 < λp gives +inf. Accuracy ≤ 1e-13 relative, also at KL ~ 1e-20.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const poisson<T>& p, const poisson<T>& q) noexcept {
    if (q.rate() == T(0)) return p.rate() == T(0) ? T(0) : std::numeric_limits<T>::infinity();
    if (p.rate() == T(0)) return q.rate();
    const T l = log_ratio(q.rate(), p.rate());
    return l <= T(0) ? p.rate() * expm1mx(l) : q.rate() * rlogr_residual(-l);
}

/// KL(Binomial(n, p)‖Binomial(m, q)): n·KL(Bernoulli(p)‖Bernoulli(q)) when n = m; +inf when
/// n > m (p reaches counts q cannot); for n < m the sum over the ≤ 2500 counts that carry mass
/// when n·min(p, 1 − p) < 1e4, an asymptotic moment expansion beyond (detail::
/// binomial_kl_fewer_trials): O(1) in n and m. Computed in double. Accuracy for n < m:
/// ≤ 1e-13 relative or 1e-16 absolute, whichever is larger (tested against mpmath).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const binomial<T>& p, const binomial<T>& q) noexcept {
    if (p.trials() == q.trials()) {
        if (p.trials() == 0) return T(0);
        return static_cast<T>(detail::bernoulli_kl(static_cast<double>(p.p()), static_cast<double>(q.p()),
                                                   static_cast<double>(p.trials())));
    }
    if (p.trials() > q.trials()) return std::numeric_limits<T>::infinity();
    return static_cast<T>(detail::binomial_kl_fewer_trials(p.trials(), static_cast<double>(p.p()), q.trials(),
                                                          static_cast<double>(q.p())));
}

/// KL between categorical distributions: kldiv::kl_divergence of the probability vectors (≤ 8 ulp).
/// Throws kldiv::domain_error if the numbers of categories differ.
template <real T>
[[nodiscard]] T kl_divergence(const categorical<T>& p, const categorical<T>& q) {
    detail::check_same_size("kl_divergence", p.size(), q.size());
    return static_cast<T>(unchecked::kl_divergence_nats(p.probabilities(), q.probabilities()));
}

/// KL(Bernoulli(p)‖Poisson(λ)) = −H(p) + λ − p·log λ = bd0(p, λ) + [(1 − p)·log1pmx(−p) + p²], a
/// Poisson deviance and the Bernoulli-vs-Poisson remainder, both ≥ 0 (no cancellation at p ≈ λ);
/// +inf for λ = 0 < p. Computed in double.
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const bernoulli<T>& p, const poisson<T>& q) noexcept {
    const double pp = p.p(), lambda = q.rate();
    if (lambda == 0) return pp == 0 ? T(0) : std::numeric_limits<T>::infinity();
    const double remainder = pp == 1 ? 1.0 : (1 - pp) * log1pmx(-pp) + pp * pp;
    return static_cast<T>(detail::count_deviance(pp, lambda) + remainder);
}

/// KL(Poisson(λ)‖Bernoulli(q)): +inf unless λ = 0 (point mass at 0), then −log(1 − q).
template <closed_form_real T>
[[nodiscard]] T kl_divergence(const poisson<T>& p, const bernoulli<T>& q) noexcept {
    if (p.rate() == T(0)) return q.p() == T(1) ? std::numeric_limits<T>::infinity() : -std::log1p(-q.p());
    return std::numeric_limits<T>::infinity();
}

/// KL(Poisson(λ)‖Binomial(n, q)): +inf unless λ = 0 (Poisson(0) is the point mass at 0, which
/// every binomial can reach), then −log P_q(0) = −n·log(1 − q). Exact.
template <real T>
[[nodiscard]] T kl_divergence(const poisson<T>& p, const binomial<T>& q) noexcept {
    if (p.rate() != T(0)) return std::numeric_limits<T>::infinity();
    if (q.trials() == 0) return T(0);
    return q.p() == T(1) ? std::numeric_limits<T>::infinity() : -static_cast<T>(q.trials()) * std::log1p(-q.p());
}

/// KL(Bernoulli(p)‖Binomial(n, q)), the finite sum over {0, 1} written as two non-negative
/// terms: with S = P_q(0) + P_q(1) = (1 − q)ⁿ⁻¹(1 + (n − 1)q) and r = P_q(1)/S = nq/(1 + (n − 1)q),
/// KL = KL(Bernoulli(p)‖Bernoulli(r)) − log S, −log S = −(n − 1)·log1pmx(−q) − log1pmx((n − 1)q). n = 1 is the Bernoulli pair; n = 0 is the point
/// mass at 0 (0 for p = 0, +inf otherwise). Accuracy ≤ 1e-13 relative in double.
template <real T>
[[nodiscard]] T kl_divergence(const bernoulli<T>& p, const binomial<T>& q) noexcept {
    const std::int64_t n = q.trials();
    if (n == 0) return p.p() == T(0) ? T(0) : std::numeric_limits<T>::infinity();
    if (n == 1) return detail::bernoulli_kl(p.p(), q.p());
    if (q.p() == T(1)) return std::numeric_limits<T>::infinity();  // P_q(0) = P_q(1) = 0
    const double qd = static_cast<double>(q.p()), m = static_cast<double>(n - 1);
    const double r = (m + 1) * qd / (1 + m * qd);
    // −log S = −(n − 1)·log1p(−q) − log1p((n − 1)q) = −(n − 1)·log1pmx(−q) − log1pmx((n − 1)q): the
    // linear parts cancel exactly, leaving two non-negative terms.
    const double minus_log_s = -m * log1pmx(-qd) - log1pmx(m * qd);
    return static_cast<T>(detail::bernoulli_kl(static_cast<double>(p.p()), r) + minus_log_s);
}

/// KL(Binomial(n, p)‖Poisson(λ)): the exact finite sum over k = 0…n, written as non-negative
/// terms: Σ P_λ(k)·ρ(ℓₖ) + P_λ(K > n), ρ = rlogr_residual, ℓₖ = log(Bₖ/P_λ(k)) formed as
/// k·log(np/λ) + Σ_{j<k} log1p(−j/n) + n·log1pmx(−p) − k·log1p(−p) + (λ − np) (no difference of
/// large log-factorials). +inf for λ = 0 < p. Cost O(n) (a loop over the support).
/// Accuracy ≤ 1e-12 relative in double for n ≤ 10⁶, including KL ~ 1e-20.
template <real T>
[[nodiscard]] T kl_divergence(const binomial<T>& p, const poisson<T>& q) noexcept {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const std::int64_t n = p.trials();
    const double pd = static_cast<double>(p.p()), lambda = static_cast<double>(q.rate()), nd = static_cast<double>(n);
    if (n == 0 || pd == 0) return static_cast<T>(lambda);  // the point mass at 0: −log e^(−λ)
    if (lambda == 0) return std::numeric_limits<T>::infinity();
    if (pd == 1) return static_cast<T>(lambda - nd * std::log(lambda) + std::lgamma(nd + 1));  // point mass at n
    const double log_ratio_np = log_ratio(nd * pd, lambda), log1p_minus_p = std::log1p(-pd);
    const double constant = nd * log1pmx(-pd) + (lambda - nd * pd);
    compensated_sum<double> total, poisson_mass;
    double falling = 0;  // Σ_{j<k} log1p(−j/n)
    for (std::int64_t k = 0; k <= n; ++k) {
        const double kd = static_cast<double>(k);
        if (k > 0) falling += std::log1p(-(kd - 1) / nd);
        const double log_q = kd * std::log(lambda) - lambda - std::lgamma(kd + 1);
        const double l = kd * log_ratio_np + falling + constant - kd * log1p_minus_p;
        const double q_k = std::exp(log_q);
        poisson_mass.add(q_k);
        if (q_k == 0 || l > 500) {
            // P_λ(k) underflows or Bₖ/P_λ(k) would overflow: the term Bₖ·ℓₖ − Bₖ + P_λ(k) from the log-masses.
            const double log_b = l + log_q;
            if (log_b == -inf) {
                total.add(q_k);
                continue;
            }
            const double b_k = std::exp(log_b);
            total.add(b_k * (l - 1) + q_k);
            continue;
        }
        total.add(q_k * rlogr_residual(l));
    }
    // P_λ(K > n) as 1 − P_λ(K ≤ n) loses digits when the tail is tiny; sum the tail directly then.
    double tail = 1 - poisson_mass.value();
    if (tail < 0.5) {
        compensated_sum<double> upper;
        for (double k = nd + 1;; k += 1) {
            const double t = std::exp(k * std::log(lambda) - lambda - std::lgamma(k + 1));
            upper.add(t);
            if (t <= 1e-18 * upper.value() || t == 0) break;
        }
        tail = upper.value();
    }
    return static_cast<T>(std::max(0.0, total.value() + tail));
}

}  // namespace kldiv
