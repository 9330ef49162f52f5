// The chunk-and-combine machinery behind every policy overload (private): fixed chunks by
// global index, computed on any number of threads, combined in chunk-index order.
// Guarantee: the result depends on the chunking only, never on the thread count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

#include "kldiv/core/execution.hpp"

namespace kldiv::detail {

/// Number of chunks of `chunk` elements (the last one possibly shorter) covering n elements.
[[nodiscard]] constexpr std::size_t chunk_count(std::size_t n, std::size_t chunk) noexcept {
    return n / chunk + (n % chunk != 0 ? 1 : 0);
}

/// Computes leaf(c) for every chunk c in [0, chunks), on as many threads as the policy allows,
/// and hands the results to combine(result) on the calling thread in increasing c. leaf must
/// not throw (validate before); it runs concurrently with itself. Threads work through batches
/// of chunks (dynamic schedule: chunks of unequal cost balance), so the memory held is a
/// batch of leaf results, not one per chunk.
template <execution_policy E, class Leaf, class Combine>
void ordered_chunks(const E& policy, std::size_t chunks, std::size_t elements, Leaf&& leaf, Combine&& combine) {
    const std::size_t threads = thread_count(policy, chunks, elements);
#if defined(_OPENMP)
    if (threads > 1) {
        using State = std::remove_cvref_t<std::invoke_result_t<Leaf&, std::size_t>>;
        const std::size_t batch = std::min(chunks, threads * 32);
        std::vector<State> results(batch);
        for (std::size_t base = 0; base < chunks; base += batch) {
            const auto count = static_cast<std::ptrdiff_t>(std::min(batch, chunks - base));
#pragma omp parallel for num_threads(static_cast<int>(threads)) schedule(dynamic, 1)
            for (std::ptrdiff_t i = 0; i < count; ++i)
                results[static_cast<std::size_t>(i)] = leaf(base + static_cast<std::size_t>(i));
            for (std::ptrdiff_t i = 0; i < count; ++i) combine(std::move(results[static_cast<std::size_t>(i)]));
        }
        return;
    }
#endif
    (void)threads;
    for (std::size_t c = 0; c < chunks; ++c) combine(leaf(c));
}

/// Calls body(task) for every task in [0, tasks) on as many threads as the policy allows
/// (`elements` is the total work, for the small-call cutoff). Tasks must be independent and
/// body must not throw; each task's result depends only on the task, so any split gives the
/// same bits.
template <execution_policy E, class Body>
void parallel_tasks(const E& policy, std::size_t tasks, std::size_t elements, Body&& body) {
    const std::size_t threads = thread_count(policy, tasks, elements);
#if defined(_OPENMP)
    if (threads > 1) {
        const auto count = static_cast<std::ptrdiff_t>(tasks);
#pragma omp parallel for num_threads(static_cast<int>(threads)) schedule(dynamic, 1)
        for (std::ptrdiff_t i = 0; i < count; ++i) body(static_cast<std::size_t>(i));
        return;
    }
#endif
    (void)threads;
    for (std::size_t t = 0; t < tasks; ++t) body(t);
}

}  // namespace kldiv::detail
