// Normal sampling: kldiv's ziggurat over xoshiro256++ against std::normal_distribution over
// std::mt19937_64 (the baseline the issue names), batched into a buffer.
#include <benchmark/benchmark.h>

#include <kldiv/random/engine.hpp>
#include <kldiv/random/normal.hpp>
#include <random>
#include <vector>

namespace {

void normal_kldiv(benchmark::State& state) {
    kldiv::random_engine engine(1);
    std::vector<double> out(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        kldiv::fill_standard_normal(engine, std::span<double>(out));
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void normal_std_mt19937_64(benchmark::State& state) {
    std::mt19937_64 engine(1);
    std::normal_distribution<double> normal;
    std::vector<double> out(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        for (auto& v : out) v = normal(engine);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void uniform_bits_kldiv(benchmark::State& state) {
    kldiv::random_engine engine(1);
    std::vector<std::uint64_t> out(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        for (auto& v : out) v = engine();
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

}  // namespace

BENCHMARK(normal_kldiv)->Arg(4096);
BENCHMARK(normal_std_mt19937_64)->Arg(4096);
BENCHMARK(uniform_bits_kldiv)->Arg(4096);

BENCHMARK_MAIN();
