// The scalar residuals against their naive forms (exp(x) − 1 − x, expm1(x) − x, r·x − (r − 1),
// log1p(x) − x), in and out of cache: the loop of exp(x) − 1 − x is the std::exp baseline.
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
void rlogr_residual_kldiv(benchmark::State& state) {
    run<T>(state, [](T x) { return kldiv::rlogr_residual(x); });
}
template <class T>
void rlogr_residual_naive(benchmark::State& state) {
    run<T>(state, [](T x) {
        const T r = std::exp(x);
        return r * x - (r - T(1));
    });
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
BENCHMARK(rlogr_residual_kldiv<double>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(rlogr_residual_naive<double>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(rlogr_residual_kldiv<float>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(rlogr_residual_naive<float>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(log1pmx_kldiv<double>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(log1pmx_naive<double>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(log1pmx_kldiv<float>)->Arg(4096)->Arg(1 << 20);
BENCHMARK(log1pmx_naive<float>)->Arg(4096)->Arg(1 << 20);

BENCHMARK_MAIN();
