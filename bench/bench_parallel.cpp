// Threads (issue 15): one thread vs two for the compute-bound sizes, a two-thread streaming
// read as the DRAM baseline, and a small call under kldiv::par vs kldiv::seq — same binary.
// Run: build/bench/bench_parallel --benchmark_min_time=0.3 (wall-clock rates: UseRealTime)
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include <kldiv/core/execution.hpp>
#include <kldiv/discrete/logits.hpp>
#include <kldiv/distributions/normal.hpp>
#include <kldiv/divergence/monte_carlo.hpp>
#include <kldiv/estimators/kl_estimates.hpp>
#include <kldiv/random/engine.hpp>
#include <kldiv/random/normal.hpp>

namespace {

template <class T>
void fill(std::vector<T>& log_q, std::vector<T>& log_p, std::size_t n) {
    kldiv::random_engine engine(1);
    log_q.resize(n);
    log_p.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double x = kldiv::standard_normal(engine);
        log_q[i] = static_cast<T>(-0.5 * x * x);
        log_p[i] = static_cast<T>(-0.5 * (x - 0.3) * (x - 0.3));
    }
}

// state.range(0): threads (0 = kldiv::seq); state.range(1): samples.
template <class T>
void kl_estimates_threads(benchmark::State& state) {
    std::vector<T> log_q, log_p;
    const auto n = static_cast<std::size_t>(state.range(1));
    fill(log_q, log_p, n);
    const auto threads = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        const auto e = threads == 0 ? kldiv::kl_estimates(kldiv::seq, log_q, log_p)
                                    : kldiv::kl_estimates(kldiv::parallel{threads}, log_q, log_p);
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * 2 * sizeof(T)));
}
BENCHMARK(kl_estimates_threads<float>)->Args({1, 1 << 20})->Args({2, 1 << 20})->UseRealTime();
BENCHMARK(kl_estimates_threads<double>)->Args({1, 1 << 20})->Args({2, 1 << 20})->UseRealTime();
// From DRAM (2 × 64 MB of float): compare with streaming_read below.
BENCHMARK(kl_estimates_threads<float>)->Args({2, 1 << 24})->UseRealTime();
// A small call: kldiv::par must not be slower than kldiv::seq (no threads are started).
BENCHMARK(kl_estimates_threads<float>)->Args({0, 1 << 14})->Args({2, 1 << 14})->UseRealTime();

// The two-thread streaming read of the same two arrays (a sum, so the loads cannot be dropped).
void streaming_read_two_threads(benchmark::State& state) {
    std::vector<float> a, b;
    const auto n = static_cast<std::size_t>(state.range(0));
    fill(a, b, n);
    for (auto _ : state) {
        float total = 0;
        const auto count = static_cast<std::ptrdiff_t>(n);
#pragma omp parallel for num_threads(2) reduction(+ : total) schedule(static)
        for (std::ptrdiff_t i = 0; i < count; ++i) total += a[static_cast<std::size_t>(i)] + b[static_cast<std::size_t>(i)];
        benchmark::DoNotOptimize(total);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * 2 * sizeof(float)));
}
BENCHMARK(streaming_read_two_threads)->Arg(1 << 24)->UseRealTime();

// Logit rows 64 × 32 000 (float), threads = range(0).
void kl_divergence_rows_threads(benchmark::State& state) {
    const std::size_t rows = 64, vocabulary = 32000;
    std::vector<float> p, q;
    fill(p, q, rows * vocabulary);
    std::vector<float> out(rows);
    const kldiv::parallel policy{static_cast<std::size_t>(state.range(0))};
    for (auto _ : state) {
        kldiv::kl_divergence_rows(policy, p, q, vocabulary, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows * vocabulary));
}
BENCHMARK(kl_divergence_rows_threads)->Arg(1)->Arg(2)->UseRealTime();

// The Monte Carlo fallback, 10⁷ samples of N(0, 1) against N(0.5, 1.5²).
void monte_carlo_threads(benchmark::State& state) {
    const kldiv::normal<double> p(0.0, 1.0), q(0.5, 1.5);
    const kldiv::parallel policy{static_cast<std::size_t>(state.range(0))};
    kldiv::random_engine engine(3);
    for (auto _ : state) {
        const auto e = kldiv::kl_divergence(policy, p, q, kldiv::monte_carlo{10'000'000}, engine);
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 10'000'000));
}
BENCHMARK(monte_carlo_threads)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
