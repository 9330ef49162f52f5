// Batched sampling from a seed on any number of threads, with the same numbers whatever the
// thread count: one random stream per fixed chunk of the output, not per thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kldiv/core/detail/chunked.hpp"
#include "kldiv/core/execution.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/engine.hpp"

namespace kldiv {

/// The output chunk of the seeded sample (2¹⁶ values per random stream).
inline constexpr std::size_t sample_chunk_size = std::size_t{1} << 16;

/// Fills out with independent samples of d: `kldiv::sample(kldiv::par, d, seed, xs)`.
/// out[i] is the (i mod 2¹⁶)-th sample drawn from random_engine(seed, i / 2¹⁶) — one stream per
/// chunk of sample_chunk_size, so the values are bit-identical for kldiv::seq and every thread
/// count, and a prefix of the output does not depend on its length beyond the chunk holding
/// it. The same samplers as sample(d, engine, out); calls on ≤ 2¹⁴ values start no threads.
template <execution_policy E, distribution D>
void sample(const E& policy, const D& d, std::uint64_t seed, std::span<typename D::value_type> out) noexcept {
    detail::parallel_tasks(policy, detail::chunk_count(out.size(), sample_chunk_size), out.size(),
                           [&](std::size_t c) noexcept {
                               random_engine stream(seed, c);
                               const std::size_t begin = c * sample_chunk_size;
                               const std::size_t size = std::min(sample_chunk_size, out.size() - begin);
                               sample(d, stream, out.subspan(begin, size));
                           });
}

}  // namespace kldiv
