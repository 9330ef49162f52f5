// Closed-form KL(p‖q) for every implemented pair of families that has one, +inf where the
// support of p is not inside that of q, and cross_entropy = entropy + KL.
#pragma once

#include <cmath>
#include <limits>
#include <numbers>
#include <type_traits>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/distributions/exponential.hpp"
#include "kldiv/distributions/laplace.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/uniform.hpp"

namespace kldiv {

namespace detail {
template <class>
inline constexpr bool always_false = false;

template <class T>
inline constexpr T infinity = std::numeric_limits<T>::infinity();

/// E|X − m| for X ~ N(μ, σ²): σ√(2/π)·e^(−δ²/2σ²) + δ·erf(δ/(σ√2)), δ = μ − m.
template <class T>
T normal_absolute_deviation(T mu, T sigma, T m) noexcept {
    const T delta = mu - m;
    const T z = delta / sigma;
    return sigma * std::sqrt(T(2) / std::numbers::pi_v<T>) * std::exp(-T(0.5) * z * z) +
           delta * std::erf(z / std::numbers::sqrt2_v<T>);
}
}  // namespace detail

// ---- same family ----------------------------------------------------------------------------

/// KL(N(μp, σp²)‖N(μq, σq²)) = ½[φ(2·log(σp/σq)) + ((μp − μq)/σq)²], φ = expm1mx: two
/// non-negative terms, so it keeps its digits at KL ~ 1e-20 (σp/σq = 1 + 1e-10), and the log of
/// the ratio is taken before squaring (σ 1e-200 vs 1e200 gives 920.5, not inf).
/// Accuracy: ≤ 1e-13 relative in double. Never negative.
template <real T>
[[nodiscard]] T kl_divergence(const normal<T>& p, const normal<T>& q) noexcept {
    const T z = (p.mean() - q.mean()) / q.stddev();
    return T(0.5) * (expm1mx(T(2) * log_ratio(p.stddev(), q.stddev())) + z * z);
}

/// KL(Exp(λp)‖Exp(λq)) = φ(log(λq/λp)). Accuracy ≤ 1e-13 relative. Never negative.
template <real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const exponential<T>& q) noexcept {
    return expm1mx(log_ratio(q.rate(), p.rate()));
}

/// KL(Laplace(μp, bp)‖Laplace(μq, bq)) = φ(t) + eᵗ·φ(−a), t = log(bp/bq), a = |μp − μq|/bp:
/// a sum of non-negative terms (the textbook form cancels). Accuracy ≤ 1e-13 relative.
template <real T>
[[nodiscard]] T kl_divergence(const laplace<T>& p, const laplace<T>& q) noexcept {
    const T t = log_ratio(p.scale(), q.scale());
    const T a = std::fabs(p.loc() - q.loc()) / p.scale();
    if (a == T(0)) return expm1mx(t);
    return expm1mx(t) + std::exp(t) * expm1mx(-a);
}

/// KL(U[a, b]‖U[c, d]) = log((d − c)/(b − a)) when [a, b] ⊆ [c, d], else +inf.
template <real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const uniform<T>& q) noexcept {
    if (p.low() < q.low() || p.high() > q.high()) return detail::infinity<T>;
    return log_ratio(q.high() - q.low(), p.high() - p.low());
}

// ---- across families (the pairs PyTorch registers among these, and more) -------------------

/// KL(Exp(λ)‖N(μ, σ²)) = log λ − 1 + log σ + ½log 2π + [(1/λ − μ)² + 1/λ²]/(2σ²).
/// Accuracy ≤ 1e-14 relative (bounded away from 0: the families differ).
template <real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const normal<T>& q) noexcept {
    const T inverse_rate = T(1) / p.rate();
    const T offset = inverse_rate - q.mean();
    const T second_moment = offset * offset + inverse_rate * inverse_rate;
    return -entropy(p) + std::log(q.stddev()) + detail::half_log_two_pi<T> +
           second_moment / (T(2) * q.stddev() * q.stddev());
}

/// KL(Laplace(m, b)‖N(μ, σ²)) = −(1 + log 2b) + log σ + ½log 2π + [2b² + (m − μ)²]/(2σ²).
template <real T>
[[nodiscard]] T kl_divergence(const laplace<T>& p, const normal<T>& q) noexcept {
    const T offset = p.loc() - q.mean();
    const T second_moment = T(2) * p.scale() * p.scale() + offset * offset;
    return -entropy(p) + std::log(q.stddev()) + detail::half_log_two_pi<T> +
           second_moment / (T(2) * q.stddev() * q.stddev());
}

/// KL(N(μ, σ²)‖Laplace(m, b)) = −½log(2πeσ²) + log 2b + E|X − m|/b.
template <real T>
[[nodiscard]] T kl_divergence(const normal<T>& p, const laplace<T>& q) noexcept {
    return -entropy(p) + std::log(T(2) * q.scale()) +
           detail::normal_absolute_deviation(p.mean(), p.stddev(), q.loc()) / q.scale();
}

/// KL(U[a, b]‖N(μ, σ²)) = −log(b − a) + log σ + ½log 2π + [(b − a)²/12 + ((a + b)/2 − μ)²]/(2σ²).
template <real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const normal<T>& q) noexcept {
    const T offset = mean(p) - q.mean();
    return -entropy(p) + std::log(q.stddev()) + detail::half_log_two_pi<T> +
           (variance(p) + offset * offset) / (T(2) * q.stddev() * q.stddev());
}

/// KL(U[a, b]‖Exp(λ)) = −log(b − a) − log λ + λ(a + b)/2 for a ≥ 0, +inf for a < 0.
template <real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const exponential<T>& q) noexcept {
    if (p.low() < T(0)) return detail::infinity<T>;
    return -entropy(p) - std::log(q.rate()) + q.rate() * mean(p);
}

/// KL(U[a, b]‖Laplace(m, s)) = −log(b − a) + log 2s + E|X − m|/s.
template <real T>
[[nodiscard]] T kl_divergence(const uniform<T>& p, const laplace<T>& q) noexcept {
    const T m = q.loc(), a = p.low(), b = p.high();
    T deviation;
    if (m <= a)
        deviation = mean(p) - m;
    else if (m >= b)
        deviation = m - mean(p);
    else
        deviation = ((m - a) * (m - a) + (b - m) * (b - m)) / (T(2) * (b - a));
    return -entropy(p) + std::log(T(2) * q.scale()) + deviation / q.scale();
}

/// KL(Exp(λ)‖Laplace(m, s)) = log λ − 1 + log 2s + E|X − m|/s, with E|X − m| = 1/λ − m for
/// m ≤ 0 and m − 1/λ + 2e^(−λm)/λ for m > 0.
template <real T>
[[nodiscard]] T kl_divergence(const exponential<T>& p, const laplace<T>& q) noexcept {
    const T m = q.loc(), inverse_rate = T(1) / p.rate();
    const T deviation = m <= T(0) ? inverse_rate - m : m - inverse_rate + T(2) * std::exp(-p.rate() * m) * inverse_rate;
    return -entropy(p) + std::log(T(2) * q.scale()) + deviation / q.scale();
}

// ---- support mismatch: p puts mass where q has none -----------------------------------------

/// +inf: the normal's support (ℝ) is not inside [0, ∞).
template <real T>
[[nodiscard]] T kl_divergence(const normal<T>&, const exponential<T>&) noexcept { return detail::infinity<T>; }
/// +inf: ℝ is not inside a bounded interval.
template <real T>
[[nodiscard]] T kl_divergence(const normal<T>&, const uniform<T>&) noexcept { return detail::infinity<T>; }
/// +inf: ℝ is not inside [0, ∞).
template <real T>
[[nodiscard]] T kl_divergence(const laplace<T>&, const exponential<T>&) noexcept { return detail::infinity<T>; }
/// +inf: ℝ is not inside a bounded interval.
template <real T>
[[nodiscard]] T kl_divergence(const laplace<T>&, const uniform<T>&) noexcept { return detail::infinity<T>; }
/// +inf: [0, ∞) is not inside a bounded interval.
template <real T>
[[nodiscard]] T kl_divergence(const exponential<T>&, const uniform<T>&) noexcept { return detail::infinity<T>; }

// ---- no closed form ------------------------------------------------------------------------

/// Any other pair of distributions: no closed form is known to kldiv, so this does not compile.
/// Pass Monte Carlo options and an engine instead: kl_divergence(p, q, kldiv::monte_carlo{n}, rng).
template <distribution P, distribution Q>
typename P::value_type kl_divergence(const P&, const Q&) {
    static_assert(detail::always_false<P>,
                  "kldiv::kl_divergence: this pair of distributions has no closed form; call "
                  "kl_divergence(p, q, kldiv::monte_carlo{samples}, engine) for an estimate with its standard error");
    return {};
}

/// Cross-entropy H(p, q) = H(p) + KL(p‖q) in nats, for every pair with a closed-form KL.
/// +inf where the KL is. Accuracy: that of entropy(p) and the KL, added.
template <distribution P, distribution Q>
    requires requires(const P& p, const Q& q) {
        { entropy(p) };
    }
[[nodiscard]] typename P::value_type cross_entropy(const P& p, const Q& q) {
    return entropy(p) + kl_divergence(p, q);
}

}  // namespace kldiv
