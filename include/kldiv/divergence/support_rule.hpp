// The support rule for pairs of families: whether the compile-time supports prove supp p ⊄ supp q
// (then KL(p‖q) = +inf with no overload to write), as two concepts that the generic overloads of
// kl_divergence are constrained by (divergence/closed_form.hpp, divergence/float_closed_forms.hpp).
#pragma once

#include "kldiv/distributions/distribution.hpp"

namespace kldiv::detail {

/// The compile-time supports prove supp p ⊄ supp q for all parameters.
template <class P, class Q>
concept never_nested_supports =
    with_static_support<P> && with_static_support<Q> && never_nested(P::support_at_compile_time, Q::support_at_compile_time);

/// The negation, as a concept of its own so that overloads constrained by it and more (the float
/// pairs through the double forms) are more specialised than the readable compile error.
template <class P, class Q>
concept possibly_nested_supports = !never_nested_supports<P, Q>;

}  // namespace kldiv::detail
