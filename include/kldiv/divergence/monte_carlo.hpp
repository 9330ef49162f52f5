// The Monte Carlo fallback for KL(p‖q): samples from p, the k3 estimator, a standard error.
// Guarantees: unbiased, never negative per sample, reproducible for a given engine state.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

#include "kldiv/core/error.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/estimators/kl_estimates.hpp"

namespace kldiv {

/// Options for a Monte Carlo estimate: how many samples to draw (at least 2).
struct monte_carlo {
    std::size_t samples = 100000;
};

/// An estimate with its uncertainty: value ± 2·standard_error is a ~95% interval.
struct divergence_estimate {
    double value;
    double standard_error;
    std::size_t samples;
};

/// KL(p‖q) by Monte Carlo, for any pair (with or without a closed form): draws x ~ p, with
/// ℓ = log q(x) − log p(x) (Schulman's estimators with the roles of p and q swapped: samples
/// come from the first argument). When supp q ⊆ supp p it averages k3 = e^ℓ − 1 − ℓ: unbiased,
/// never negative, and far less variable than −ℓ when p ≈ q. k3's control variate e^ℓ − 1 has
/// mean q(supp p) − 1, which is not 0 when q has mass outside p's support (q normal, p
/// uniform); then it averages k1 = −ℓ, which is unbiased there. The standard error is reported.
/// Cost: options.samples evaluations of sample, log_pdf(p) and log_pdf(q), in chunks of 4096.
/// Throws kldiv::domain_error for fewer than 2 samples.
template <distribution P, distribution Q, std::uniform_random_bit_generator Engine>
[[nodiscard]] divergence_estimate kl_divergence(const P& p, const Q& q, monte_carlo options, Engine& engine) {
    using T = typename P::value_type;
    if (options.samples < 2) detail::fail("kl_divergence", "monte_carlo needs at least 2 samples", options.samples);
    constexpr std::size_t chunk = 4096;
    std::vector<T> x(chunk), log_p(chunk), log_q(chunk);
    kl_estimate_set estimates;
    for (std::size_t done = 0; done < options.samples; done += chunk) {
        const std::size_t n = std::min(chunk, options.samples - done);
        const std::span<T> xs(x.data(), n), lp(log_p.data(), n), lq(log_q.data(), n);
        sample(p, engine, xs);
        log_pdf(p, std::span<const T>(xs), lp);
        log_pdf(q, std::span<const T>(xs), lq);
        // kl_estimates' "q" is the sampling distribution: here that is p.
        estimates.merge(unchecked::kl_estimates(std::span<const T>(lp), std::span<const T>(lq)));
    }
    const bool q_inside_p = support(q).inside(support(p));
    const running_stats& chosen = q_inside_p ? estimates.k3 : estimates.k1;
    return {chosen.mean(), chosen.standard_error(), options.samples};
}

}  // namespace kldiv
