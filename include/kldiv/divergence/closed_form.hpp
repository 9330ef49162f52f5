// Closed-form KL(p‖q) for the normal, exponential, Laplace and uniform pairs, the support rule
// (+inf whenever the families' supports can never nest), and cross_entropy = entropy + KL.
#pragma once

#include <cmath>
#include <concepts>
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

// ---- the support rule and the pairs without a closed form ---------------------------------

namespace detail {
/// What kl_divergence(p, q) returns for a pair with no closed form: a type no caller can use,
/// so that closed_form_kl<P, Q> is false while the call still reaches the readable static_assert.
template <class P, class Q>
struct no_closed_form {};

/// The compile-time supports prove supp p ⊄ supp q for all parameters.
template <class P, class Q>
concept never_nested_supports =
    with_static_support<P> && with_static_support<Q> && never_nested(P::support_at_compile_time, Q::support_at_compile_time);
}  // namespace detail

/// +inf for every pair without a closed form whose compile-time supports prove supp p ⊄ supp q
/// (see never_nested: p continuous and q discrete or the reverse, or an end point of p always
/// beyond q's — gumbel → pareto, gamma → uniform, poisson → geometric, …): no overload to write.
/// Pairs with a closed form (which check nesting at run time where it depends on the
/// parameters) are more specialised and win.
template <distribution P, distribution Q>
    requires detail::never_nested_supports<P, Q>
[[nodiscard]] typename P::value_type kl_divergence(const P&, const Q&) noexcept {
    return detail::infinity<typename P::value_type>;
}

/// Any other pair: supp p ⊆ supp q is possible and kldiv knows no closed form, so this does not
/// compile. Pass Monte Carlo options and an engine instead: kl_divergence(p, q, kldiv::monte_carlo{n}, rng).
template <distribution P, distribution Q>
    requires(!detail::never_nested_supports<P, Q>)
detail::no_closed_form<P, Q> kl_divergence(const P&, const Q&) {
    static_assert(detail::always_false<P>,
                  "kldiv::kl_divergence: this pair of distributions has no closed form; call "
                  "kl_divergence(p, q, kldiv::monte_carlo{samples}, engine) for an estimate with its standard error");
    return {};
}

/// Whether kl_divergence(p, q) has an answer without sampling: a closed form, or +inf by the
/// support rule. False exactly where the call would fail to compile.
template <class P, class Q>
concept closed_form_kl = distribution<P> && distribution<Q> && requires(const P& p, const Q& q) {
    { kl_divergence(p, q) } -> std::same_as<typename P::value_type>;
};

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
