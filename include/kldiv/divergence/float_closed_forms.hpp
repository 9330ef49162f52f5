// Closed-form KL for float parameters: every scalar family pair is evaluated in double and
// rounded once (one mechanism for all pairs, so no float intermediate cancels or overflows).
// Guarantees: kl_divergence(p, q) for float p, q equals the double result rounded to float.
#pragma once

#include <concepts>

#include "kldiv/core/concepts.hpp"
#include "kldiv/divergence/support_mismatch.hpp"
#include "kldiv/distributions/bernoulli.hpp"
#include "kldiv/distributions/beta.hpp"
#include "kldiv/distributions/binomial.hpp"
#include "kldiv/distributions/cauchy.hpp"
#include "kldiv/distributions/exponential.hpp"
#include "kldiv/distributions/gamma.hpp"
#include "kldiv/distributions/geometric.hpp"
#include "kldiv/distributions/gumbel.hpp"
#include "kldiv/distributions/half_normal.hpp"
#include "kldiv/distributions/laplace.hpp"
#include "kldiv/distributions/log_normal.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/pareto.hpp"
#include "kldiv/distributions/poisson.hpp"
#include "kldiv/distributions/uniform.hpp"

namespace kldiv {

/// The parameter types the closed forms are written for directly: float is not among them —
/// float pairs go through the double forms (see kl_divergence below).
template <class T>
concept closed_form_real = real<T> && !std::same_as<T, float>;

namespace detail {
/// The double-precision twin of a float scalar family (exact: every float is a double).
inline normal<double> widen(const normal<float>& d) { return {d.mean(), d.stddev()}; }
inline exponential<double> widen(const exponential<float>& d) { return exponential<double>(d.rate()); }
inline laplace<double> widen(const laplace<float>& d) { return {d.loc(), d.scale()}; }
inline uniform<double> widen(const uniform<float>& d) { return {d.low(), d.high()}; }
inline gamma<double> widen(const gamma<float>& d) { return {d.shape(), d.rate()}; }
inline beta<double> widen(const beta<float>& d) { return {d.alpha(), d.beta_parameter()}; }
inline log_normal<double> widen(const log_normal<float>& d) { return {d.mu(), d.sigma()}; }
inline half_normal<double> widen(const half_normal<float>& d) { return half_normal<double>(d.scale()); }
inline cauchy<double> widen(const cauchy<float>& d) { return {d.loc(), d.scale()}; }
inline pareto<double> widen(const pareto<float>& d) { return {d.scale(), d.alpha()}; }
inline gumbel<double> widen(const gumbel<float>& d) { return {d.loc(), d.scale()}; }
inline bernoulli<double> widen(const bernoulli<float>& d) { return bernoulli<double>(d.p()); }
inline geometric<double> widen(const geometric<float>& d) { return geometric<double>(d.p()); }
inline poisson<double> widen(const poisson<float>& d) { return poisson<double>(d.rate()); }
inline binomial<double> widen(const binomial<float>& d) { return {d.trials(), d.p()}; }
}  // namespace detail

/// KL(p‖q) for two float scalar families: the double closed form of the widened parameters,
/// rounded once to float (KL(beta(7.5e-7, 40)‖gamma(7.5e-7, 1.0000001)) is no longer negative
/// from an entropy rounded to float before a cancellation; σ² never overflows float).
/// Accuracy: that of the double form plus ½ ulp of float. Pairs without a double closed form
/// fail to compile with the message of the generic kl_divergence (and closed_form_kl is false for
/// them, as for double).
template <distribution P, distribution Q>
    requires detail::possibly_nested_supports<P, Q> && std::same_as<typename P::value_type, float> &&
             std::same_as<typename Q::value_type, float> &&
             requires(const P& p, const Q& q) {
                 // Only where the double pair has a closed form (not the generic overload's
                 // no_closed_form): closed_form_kl<P, Q> is then true exactly when this compiles.
                 { kl_divergence(detail::widen(p), detail::widen(q)) } -> std::floating_point;
             }
[[nodiscard]] float kl_divergence(const P& p, const Q& q) {
    return static_cast<float>(kl_divergence(detail::widen(p), detail::widen(q)));
}

}  // namespace kldiv
