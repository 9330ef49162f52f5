// Execution policies: kldiv::seq, kldiv::par and kldiv::parallel{n}, passed first as in the
// standard algorithms. Guarantee: every policy gives the same bits (see docs/scaling-out.md).
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>

// The engine is OpenMP whenever the compiler is in OpenMP mode (_OPENMP: -fopenmp, which the
// CMake target kldiv::kldiv passes on when it found OpenMP, defining KLDIV_HAVE_OPENMP too).
#if defined(_OPENMP)
#include <omp.h>
#endif

namespace kldiv {

/// Runs on the calling thread only, with the same fixed chunking as the parallel policies
/// (so its results are bit-identical to theirs).
struct sequenced_policy {};

/// Runs on `threads` threads (0: all of kldiv::hardware_threads()). The split of the work
/// never changes a result: chunk boundaries depend only on the global index, and chunk
/// results are combined in chunk-index order. Calls too small to pay for threads
/// (≤ detail::serial_cutoff elements) run on the calling thread.
struct parallel {
    std::size_t threads = 0;  ///< how many threads; 0 means kldiv::hardware_threads()
};

/// The sequential policy: `kldiv::kl_estimates(kldiv::seq, log_q, log_p)`.
inline constexpr sequenced_policy seq{};
/// All hardware threads: `kldiv::kl_estimates(kldiv::par, log_q, log_p)`.
inline constexpr parallel par{};

/// kldiv::seq, kldiv::par or kldiv::parallel{n}.
template <class E>
concept execution_policy = std::is_same_v<std::remove_cvref_t<E>, sequenced_policy> ||
                           std::is_same_v<std::remove_cvref_t<E>, parallel>;

/// Whether kldiv was compiled with a thread engine (OpenMP). Without it every policy runs on
/// the calling thread.
[[nodiscard]] constexpr bool parallel_engine_available() noexcept {
#if defined(_OPENMP)
    return true;
#else
    return false;
#endif
}

/// How many threads kldiv::par uses: OpenMP's omp_get_max_threads() (the processors available
/// to the process, or OMP_NUM_THREADS when set). Returns 1 when kldiv was built without OpenMP
/// (find_package(OpenMP) failed or no -fopenmp): then kldiv::par runs on the calling thread.
[[nodiscard]] inline std::size_t hardware_threads() noexcept {
#if defined(_OPENMP)
    const int n = omp_get_max_threads();
    return n > 0 ? static_cast<std::size_t>(n) : 1;
#else
    return 1;
#endif
}

namespace detail {

/// Calls on at most this many elements start no threads (thread start-up costs more than
/// the work).
inline constexpr std::size_t serial_cutoff = std::size_t{1} << 14;

/// The number of threads to use for `tasks` independent tasks covering `elements` elements.
[[nodiscard]] inline std::size_t thread_count(sequenced_policy, std::size_t, std::size_t) noexcept { return 1; }
[[nodiscard]] inline std::size_t thread_count(parallel policy, std::size_t tasks, std::size_t elements) noexcept {
    if (elements <= serial_cutoff || tasks < 2) return 1;
#if defined(_OPENMP)
    const std::size_t wanted = policy.threads == 0 ? hardware_threads() : policy.threads;
    return std::max<std::size_t>(1, std::min(wanted, tasks));
#else
    (void)policy;
    return 1;
#endif
}

}  // namespace detail
}  // namespace kldiv
