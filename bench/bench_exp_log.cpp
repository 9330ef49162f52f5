// Array exp, log, log1pmx and expm1mx: kldiv::simd::exp / log / log1pmx / expm1mx (run-time
// dispatch) beside libm loops (std::exp, std::log, log1p(x) − x, expm1(x) − x into an array) in
// the same binary, n = 4096 (in L1).
#include <benchmark/benchmark.h>

#include <cmath>
#include <kldiv/simd/elementwise.hpp>
#include <random>
#include <span>
#include <vector>

namespace {

template <class T>
std::vector<T> arguments(std::size_t n, bool positive) {
    std::mt19937_64 engine(1);
    std::normal_distribution<double> normal(0.0, 3.0);
    std::vector<T> values(n);
    for (auto& v : values) v = static_cast<T>(positive ? std::exp(normal(engine)) : normal(engine));
    return values;
}

template <class T, bool Log, bool Kldiv>
void array_function(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto in = arguments<T>(n, Log);
    std::vector<T> out(n);
    for (auto _ : state) {
        if constexpr (Kldiv) {
            if constexpr (Log)
                kldiv::simd::log(std::span<const T>(in), std::span<T>(out));
            else
                kldiv::simd::exp(std::span<const T>(in), std::span<T>(out));
        } else {
            for (std::size_t i = 0; i < n; ++i) out[i] = Log ? std::log(in[i]) : std::exp(in[i]);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

template <class T, bool Kldiv>
void log1pmx_array(benchmark::State& state) {  // kldiv::simd::log1pmx against log1p(x) − x
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto in = arguments<T>(n, true);
    std::vector<T> out(n);
    for (auto _ : state) {
        if constexpr (Kldiv)
            kldiv::simd::log1pmx(std::span<const T>(in), std::span<T>(out));
        else
            for (std::size_t i = 0; i < n; ++i) out[i] = std::log1p(in[i]) - in[i];
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// kldiv::simd::expm1mx against expm1(x) − x (which loses every digit near 0), arguments
// N(0, spread²): spread 0.3 is the log-ratio of a KL penalty (cheap residuals, no reduction),
// spread 3 mostly takes the full-range path.
template <class T, bool Kldiv>
void expm1mx_array(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const double spread = static_cast<double>(state.range(1)) / 10;
    std::mt19937_64 engine(1);
    std::normal_distribution<double> normal(0.0, spread);
    std::vector<T> in(n), out(n);
    for (auto& v : in) v = static_cast<T>(normal(engine));
    for (auto _ : state) {
        if constexpr (Kldiv)
            kldiv::simd::expm1mx(std::span<const T>(in), std::span<T>(out));
        else
            for (std::size_t i = 0; i < n; ++i) out[i] = std::expm1(in[i]) - in[i];
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(expm1mx_array<double, true>)->Name("expm1mx_kldiv<double>")->Args({4096, 3})->Args({4096, 30});
BENCHMARK(expm1mx_array<double, false>)->Name("expm1mx_naive<double>")->Args({4096, 3})->Args({4096, 30});
BENCHMARK(expm1mx_array<float, true>)->Name("expm1mx_kldiv<float>")->Args({4096, 3})->Args({4096, 30});
BENCHMARK(expm1mx_array<float, false>)->Name("expm1mx_naive<float>")->Args({4096, 3})->Args({4096, 30});
BENCHMARK(log1pmx_array<double, true>)->Name("log1pmx_kldiv<double>")->Arg(4096);
BENCHMARK(log1pmx_array<double, false>)->Name("log1pmx_naive<double>")->Arg(4096);
BENCHMARK(log1pmx_array<float, true>)->Name("log1pmx_kldiv<float>")->Arg(4096);
BENCHMARK(log1pmx_array<float, false>)->Name("log1pmx_naive<float>")->Arg(4096);
BENCHMARK(array_function<double, false, true>)->Name("exp_kldiv<double>")->Arg(4096);
BENCHMARK(array_function<double, false, false>)->Name("exp_libm<double>")->Arg(4096);
BENCHMARK(array_function<float, false, true>)->Name("exp_kldiv<float>")->Arg(4096);
BENCHMARK(array_function<float, false, false>)->Name("exp_libm<float>")->Arg(4096);
BENCHMARK(array_function<double, true, true>)->Name("log_kldiv<double>")->Arg(4096);
BENCHMARK(array_function<double, true, false>)->Name("log_libm<double>")->Arg(4096);
BENCHMARK(array_function<float, true, true>)->Name("log_kldiv<float>")->Arg(4096);
BENCHMARK(array_function<float, true, false>)->Name("log_libm<float>")->Arg(4096);

BENCHMARK_MAIN();
