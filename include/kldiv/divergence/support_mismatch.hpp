// KL(p‖q) = +inf wherever supp p ⊄ supp q is certain from the families alone: the support rule
// (two concepts on the compile-time supports) and the one overload it drives, so that no +inf
// pair needs code of its own. Pairs whose nesting depends on the parameters (uniform → exponential
// with a < 0, …) are closed forms and check it at run time in same_family.hpp or cross_family.hpp.
#pragma once

#include "kldiv/core/constants.hpp"
#include "kldiv/distributions/distribution.hpp"

namespace kldiv {

namespace detail {

/// The compile-time supports prove supp p ⊄ supp q for all parameters.
template <class P, class Q>
concept never_nested_supports =
    with_static_support<P> && with_static_support<Q> && never_nested(P::support_at_compile_time, Q::support_at_compile_time);

/// The negation, as a concept of its own so that overloads constrained by it and more (the float
/// pairs through the double forms) are more specialised than the readable compile error.
template <class P, class Q>
concept possibly_nested_supports = !never_nested_supports<P, Q>;

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

}  // namespace kldiv
