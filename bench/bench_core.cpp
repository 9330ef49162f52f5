// Scalar expm1mx against the naive forms exp(x) − 1 − x and expm1(x) − x, in and out of cache.
#include <benchmark/benchmark.h>

#include <cmath>
#include <kldiv/core/expm1mx.hpp>
#include <kldiv/core/log1pmx.hpp>
#include <random>
#include <vector>

namespace {

template <class T>
std::vector<T> log_ratios(std::size_t n) {
    std::mt19937_64 engine(1);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<T> values(n);
    for (auto& v : values) v = static_cast<T>(normal(engine));
    return values;
}

template <class T, class F>
void run(benchmark::State& state, F f) {
    const auto values = log_ratios<T>(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        double sum = 0.0;
        for (const T v : values) sum += static_cast<double>(f(v));
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * static_cast<std::int64_t>(sizeof(T)));
}

template <class T>
void expm1mx_kldiv(benchmark::State& state) {
    run<T>(state, [](T x) { return kldiv::expm1mx(x); });
}
template <class T>
void expm1mx_naive_exp(benchmark::State& state) {
    run<T>(state, [](T x) { return std::exp(x) - T(1) - x; });
}
template <class T>
void expm1mx_naive_expm1(benchmark::State& state) {
    run<T>(state, [](T x) { return std::expm1(x) - x; });
}
template <class T>
void log1pmx_kldiv(benchmark::State& state) {
    run<T>(state, [](T x) { return kldiv::log1pmx(std::fabs(x)); });
}
template <class T>
void log1pmx_naive(benchmark::State& state) {
    run<T>(state, [](T x) { return std::log1p(std::fabs(x)) - std::fabs(x); });
}

}  // namespace

BENCHMARK(expm1mx_kldiv<double>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(expm1mx_naive_exp<double>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(expm1mx_naive_expm1<double>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(expm1mx_kldiv<float>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(expm1mx_naive_exp<float>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(expm1mx_naive_expm1<float>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(log1pmx_kldiv<double>)->Arg(4096);
BENCHMARK(log1pmx_naive<double>)->Arg(4096);

BENCHMARK_MAIN();
