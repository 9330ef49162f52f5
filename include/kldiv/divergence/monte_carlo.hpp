// The Monte Carlo fallback for KL(p‖q): samples from p, the k3 estimator, a standard error.
// Guarantees: unbiased, never negative per sample, reproducible for a given engine state.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "kldiv/core/detail/chunked.hpp"
#include "kldiv/core/error.hpp"
#include "kldiv/core/execution.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/estimators/kl_estimates.hpp"
#include "kldiv/random/engine.hpp"

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

/// The samples of one Monte Carlo chunk under a policy (2¹⁶): chunk c draws from its own
/// stream random_engine(seed, c), so the numbers do not depend on the thread count.
inline constexpr std::size_t monte_carlo_chunk_size = std::size_t{1} << 16;

namespace detail {

/// A 64-bit seed from any engine (four draws mixed, so engines with 32- or 31-bit output
/// contribute enough bits); advances the engine by exactly four draws.
template <std::uniform_random_bit_generator Engine>
[[nodiscard]] std::uint64_t seed_from(Engine& engine) noexcept {
    std::uint64_t seed = 0x6b6c646976ULL;
    for (int i = 0; i < 4; ++i)
        seed = (seed ^ static_cast<std::uint64_t>(engine() - Engine::min())) * 0x100000001b3ULL;
    return seed;
}

}  // namespace detail

/// The Monte Carlo fallback on several threads, with numbers that do not depend on their
/// number: `kldiv::kl_divergence(kldiv::par, p, q, kldiv::monte_carlo{10'000'000}, engine)`.
/// It takes one 64-bit seed from `engine` (four draws) and cuts the samples into chunks of
/// monte_carlo_chunk_size (2¹⁶); chunk c draws its samples from random_engine(seed, c)
/// (SplitMix-seeded xoshiro256++ streams, one per chunk, not per thread), computes them as the
/// serial path does (4096 at a time), and the chunk estimates are merged in chunk order. So
/// for an engine state the estimate is bit-identical for kldiv::seq and every thread count
/// (it differs from the policy-free call, which draws from `engine` itself). Estimator,
/// accuracy and errors as the policy-free kl_divergence(p, q, monte_carlo, engine).
template <execution_policy E, distribution P, distribution Q, std::uniform_random_bit_generator Engine>
[[nodiscard]] divergence_estimate kl_divergence(const E& policy, const P& p, const Q& q, monte_carlo options,
                                                Engine& engine) {
    using T = typename P::value_type;
    if (options.samples < 2) detail::fail("kl_divergence", "monte_carlo needs at least 2 samples", options.samples);
    const std::uint64_t seed = detail::seed_from(engine);
    kl_estimate_set estimates;
    detail::ordered_chunks(
        policy, detail::chunk_count(options.samples, monte_carlo_chunk_size), options.samples,
        [&](std::size_t c) noexcept {
            constexpr std::size_t batch = 4096;
            std::vector<T> x(batch), log_p(batch), log_q(batch);  // bad_alloc here terminates
            random_engine stream(seed, c);
            const std::size_t begin = c * monte_carlo_chunk_size;
            const std::size_t end = std::min(options.samples, begin + monte_carlo_chunk_size);
            kl_estimate_set chunk;
            for (std::size_t done = begin; done < end; done += batch) {
                const std::size_t n = std::min(batch, end - done);
                const std::span<T> xs(x.data(), n), lp(log_p.data(), n), lq(log_q.data(), n);
                sample(p, stream, xs);
                for (std::size_t i = 0; i < n; ++i) {
                    lp[i] = log_pdf(p, xs[i]);
                    lq[i] = log_pdf(q, xs[i]);
                }
                chunk.merge(unchecked::kl_estimates(std::span<const T>(lp), std::span<const T>(lq)));
            }
            return chunk;
        },
        [&](const kl_estimate_set& chunk) noexcept { estimates.merge(chunk); });
    const bool q_inside_p = support(q).inside(support(p));
    const running_stats& chosen = q_inside_p ? estimates.k3 : estimates.k1;
    return {chosen.mean(), chosen.standard_error(), options.samples};
}

}  // namespace kldiv
