// Checks shared by the family and closed-form tests: the special values they compare with, and a
// closed form against a Monte Carlo estimate of the same pair.
#pragma once

#include <cmath>
#include <limits>

#include "kldiv/divergence.hpp"  // every closed form: the check picks the pair's own
#include "kldiv/random/engine.hpp"
#include "support/catch.hpp"

namespace kldiv::test {

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline const double nan_value = std::numeric_limits<double>::quiet_NaN();

/// The closed form within 5 standard errors of a Monte Carlo estimate from the same pair.
template <class P, class Q>
void check_against_monte_carlo(const P& p, const Q& q, kldiv::random_engine& engine) {
    const double exact = kldiv::kl_divergence(p, q);
    const auto estimate = kldiv::kl_divergence(p, q, kldiv::monte_carlo{200000}, engine);
    INFO("exact " << exact << ", Monte Carlo " << estimate.value << " ± " << estimate.standard_error);
    CHECK(std::fabs(estimate.value - exact) < 5 * estimate.standard_error + 1e-12);
}

}  // namespace kldiv::test
