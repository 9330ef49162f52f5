// kl_divergence(p, q) for the pairs without a closed form: the fallback that fails to compile with
// a readable message (pass Monte Carlo options instead), closed_form_kl (whether a pair has an
// answer without sampling) and cross_entropy = entropy + KL.
#pragma once

#include <concepts>

#include "kldiv/divergence/support_mismatch.hpp"
#include "kldiv/distributions/distribution.hpp"

namespace kldiv {

namespace detail {
template <class>
inline constexpr bool always_false = false;

/// What kl_divergence(p, q) returns for a pair with no closed form: a type no caller can use,
/// so that closed_form_kl<P, Q> is false while the call still reaches the readable static_assert.
template <class P, class Q>
struct no_closed_form {};
}  // namespace detail

/// Any pair that neither has a closed form (same_family.hpp, cross_family.hpp) nor is +inf by the
/// support rule (support_mismatch.hpp): supp p ⊆ supp q is possible and kldiv knows no closed
/// form, so this does not compile. Pass Monte Carlo options and an engine instead: kl_divergence(p, q, kldiv::monte_carlo{n}, rng).
template <distribution P, distribution Q>
    requires detail::possibly_nested_supports<P, Q>
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
