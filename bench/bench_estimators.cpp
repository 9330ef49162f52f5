// kl_estimates (k1, k2, k3, reverse: means and variances, accurate) beside baselines in the same
// binary: a plain two-array streaming read (the bandwidth floor), a scalar std::exp loop of the
// inaccurate k3 mean, and an Eigen Array expression of the same inaccurate mean.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <kldiv/estimators/kl_estimates.hpp>

#include "inputs.hpp"
#if defined(KLDIV_BENCH_NATIVE_BASELINES)
#include "native_baselines.hpp"
#endif
#if defined(KLDIV_BENCH_XSIMD)
#include "peer_baselines.hpp"
#endif
#include <cmath>
#include <random>
#include <vector>

namespace {

template <class T>
using data = kldiv_bench::log_densities<T>;

template <class T>
void finish(benchmark::State& state) {
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 2 * static_cast<std::int64_t>(sizeof(T)));
}

template <class T>
void kl_estimates_kldiv(benchmark::State& state) {
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::kl_estimates(d.log_q, d.log_p));
    finish<T>(state);
    state.SetLabel(kldiv::simd::name(kldiv::simd::active_isa()));
}

// Pay for what you ask: k3 alone (mean and variance), the statistic most callers want.
template <class T>
void kl_estimates_kldiv_k3(benchmark::State& state) {
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    kldiv::kl_estimate_options<T> options;
    options.estimators = kldiv::kl_estimator::k3;
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::kl_estimates(d.log_q, d.log_p, options));
    finish<T>(state);
    state.SetLabel(kldiv::simd::name(kldiv::simd::active_isa()));
}

// k3 alone where no |ℓ| reaches 1 (the float lanes' range): what the one sample in a thousand
// with |ℓ| ≥ 1 of the default data costs.
template <class T>
void kl_estimates_kldiv_k3_light_tails(benchmark::State& state) {
    const data<T> d(static_cast<std::size_t>(state.range(0)), true);
    kldiv::kl_estimate_options<T> options;
    options.estimators = kldiv::kl_estimator::k3;
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::kl_estimates(d.log_q, d.log_p, options));
    finish<T>(state);
    state.SetLabel(kldiv::simd::name(kldiv::simd::active_isa()));
}

// The options RL code uses: a padding mask (one sample in eight is padding) and a clamp of ℓ.
template <class T>
void kl_estimates_kldiv_masked(benchmark::State& state) {
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    std::vector<std::uint8_t> mask(d.log_q.size());
    for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = (i % 8 == 7) ? 0 : 1;
    kldiv::kl_estimate_options<T> options;
    options.mask = mask;
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::kl_estimates(d.log_q, d.log_p, options));
    finish<T>(state);
    state.SetLabel(kldiv::simd::name(kldiv::simd::active_isa()));
}

template <class T>
void kl_estimates_kldiv_clamped(benchmark::State& state) {
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    kldiv::kl_estimate_options<T> options;
    options.clamp_log_ratio = 20.0;
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::kl_estimates(d.log_q, d.log_p, options));
    finish<T>(state);
    state.SetLabel(kldiv::simd::name(kldiv::simd::active_isa()));
}

template <class T>
void streaming_read(benchmark::State& state) {  // Σ(log_p − log_q): the memory-bandwidth floor
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        double sum = 0;
        for (std::size_t i = 0; i < d.log_q.size(); ++i) sum += static_cast<double>(d.log_p[i] - d.log_q[i]);
        benchmark::DoNotOptimize(sum);
    }
    finish<T>(state);
}

template <class T>
void k3_mean_std_exp(benchmark::State& state) {  // mean(exp(ℓ) − 1 − ℓ) with libm, inaccurate near 0
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        T sum = 0;
        for (std::size_t i = 0; i < d.log_q.size(); ++i) {
            const T l = d.log_p[i] - d.log_q[i];
            sum += std::exp(l) - T(1) - l;
        }
        benchmark::DoNotOptimize(sum);
    }
    finish<T>(state);
}

template <class T>
void k3_mean_eigen(benchmark::State& state) {  // the same inaccurate mean as an Eigen Array expression
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    using array = Eigen::Array<T, Eigen::Dynamic, 1>;
    const Eigen::Map<const array> q(d.log_q.data(), static_cast<Eigen::Index>(d.log_q.size()));
    const Eigen::Map<const array> p(d.log_p.data(), static_cast<Eigen::Index>(d.log_p.size()));
    for (auto _ : state) benchmark::DoNotOptimize(((p - q).exp() - T(1) - (p - q)).mean());
    finish<T>(state);
}

#if defined(KLDIV_BENCH_XSIMD)
template <class T>
void k3_mean_variance_xsimd(benchmark::State& state) {  // xsimd's exp(ℓ) − 1 − ℓ, mean and variance, -march=native
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(kldiv_bench::xsimd_k3_mean_variance(d.log_q.data(), d.log_p.data(), d.log_q.size()));
    finish<T>(state);
}
#endif

#if defined(KLDIV_BENCH_NATIVE_BASELINES)
template <class T>
void k3_mean_eigen_native(benchmark::State& state) {  // Eigen's inaccurate k3 mean built with -march=native
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(kldiv_bench::eigen_k3_mean_native(d.log_q.data(), d.log_p.data(), d.log_q.size()));
    finish<T>(state);
}

template <class T>
void streaming_read_native(benchmark::State& state) {  // vectorised Σ(log_p − log_q), -march=native
    const data<T> d(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(kldiv_bench::streaming_read_native(d.log_q.data(), d.log_p.data(), d.log_q.size()));
    finish<T>(state);
}
#endif

}  // namespace

#define KLDIV_SIZES ->Arg(1 << 12)->Arg(1 << 16)->Arg(1 << 24)->Arg(1 << 26)
BENCHMARK(kl_estimates_kldiv<float>) KLDIV_SIZES;
BENCHMARK(kl_estimates_kldiv_k3<float>) KLDIV_SIZES;
BENCHMARK(kl_estimates_kldiv_k3_light_tails<float>)->Arg(4096)->Arg(1 << 16);
BENCHMARK(kl_estimates_kldiv_masked<float>)->Arg(1 << 16);
BENCHMARK(kl_estimates_kldiv_clamped<float>)->Arg(1 << 16);
BENCHMARK(k3_mean_eigen<float>) KLDIV_SIZES;
BENCHMARK(k3_mean_std_exp<float>) KLDIV_SIZES;
BENCHMARK(streaming_read<float>) KLDIV_SIZES;
#if defined(KLDIV_BENCH_NATIVE_BASELINES)
BENCHMARK(k3_mean_eigen_native<float>) KLDIV_SIZES;
BENCHMARK(streaming_read_native<float>) KLDIV_SIZES;
BENCHMARK(k3_mean_eigen_native<double>) KLDIV_SIZES;
BENCHMARK(streaming_read_native<double>) KLDIV_SIZES;
#endif
BENCHMARK(kl_estimates_kldiv<double>) KLDIV_SIZES;
BENCHMARK(kl_estimates_kldiv_k3<double>) KLDIV_SIZES;
BENCHMARK(kl_estimates_kldiv_masked<double>)->Arg(1 << 16);
BENCHMARK(kl_estimates_kldiv_clamped<double>)->Arg(1 << 16);
BENCHMARK(k3_mean_eigen<double>) KLDIV_SIZES;
BENCHMARK(k3_mean_std_exp<double>) KLDIV_SIZES;
BENCHMARK(streaming_read<double>) KLDIV_SIZES;
#if defined(KLDIV_BENCH_XSIMD)
BENCHMARK(k3_mean_variance_xsimd<float>) KLDIV_SIZES;
BENCHMARK(k3_mean_variance_xsimd<double>) KLDIV_SIZES;
#endif

BENCHMARK_MAIN();
