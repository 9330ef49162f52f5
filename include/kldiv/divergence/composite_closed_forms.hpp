// KL between composite distributions — affine images and independent products — reduced to the
// KL of their parts, for every pair of parts with a closed form (or +inf by the support rule).
#pragma once

#include <string>

#include "kldiv/core/error.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/distributions/independent.hpp"
#include "kldiv/distributions/transformed.hpp"

namespace kldiv {

/// KL(T\#p‖T\#q) = KL(p‖q) for the same affine map T on both sides (KL is invariant under a
/// bijection): the accuracy of the base pair's closed form. Maps that differ throw
/// kldiv::domain_error (KL(A\#p‖B\#q) = KL(p‖(A⁻¹B)\#q) has no closed form in general; use
/// kl_divergence(p, q, kldiv::monte_carlo{n}, engine)).
template <class P, class Q>
    requires closed_form_kl<P, Q>
[[nodiscard]] typename P::value_type kl_divergence(const transformed<P>& p, const transformed<Q>& q) {
    if (!(p.map() == q.map()))
        detail::fail("kl_divergence", "the two affine maps differ (loc " + std::to_string(p.map().loc) + " vs " +
                                          std::to_string(q.map().loc) + ", scale " + std::to_string(p.map().scale) +
                                          " vs " + std::to_string(q.map().scale) + "); use kldiv::monte_carlo");
    return kl_divergence(p.base(), q.base());
}

/// KL between independent products = Σᵢ KL(pᵢ‖qᵢ) (compensated; +inf if any term is): the
/// components' accuracy, summed. Throws kldiv::domain_error if the sizes differ.
template <class P, class Q>
    requires closed_form_kl<P, Q>
[[nodiscard]] typename P::value_type kl_divergence(const independent<P>& p, const independent<Q>& q) {
    if (p.size() != q.size())
        detail::fail("kl_divergence", "the products have " + std::to_string(p.size()) + " and " + std::to_string(q.size()) +
                                          " components");
    compensated_sum<double> total;
    for (std::size_t i = 0; i < p.size(); ++i) total.add(static_cast<double>(kl_divergence(p.components()[i], q.components()[i])));
    return static_cast<typename P::value_type>(total.value());
}

}  // namespace kldiv
