// kld-report's per-token core (apps/kld_report: KL both ways, JSD, NLL of both, top-10, on
// float32 .npy data held in memory) beside kldiv's forward-KL row kernel alone and the naive
// two-pass loops (a scalar log-softmax of each row into temporaries with std::exp/std::log,
// then Σ exp(la)·(la − lb)), in the same binary. Items = logit pairs (rows × vocabulary).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <kldiv/discrete/logits.hpp>

#include "kld_report/npy.hpp"
#include "kld_report/report.hpp"

namespace {

/// Base logits N(0, 2²) and test = base + N(0, 0.3²) (a quantized model's closeness), as .npy
/// bytes in memory, plus one token per row.
struct npy_pair {
    std::size_t rows, vocabulary;
    std::vector<float> a, b;
    std::string base_bytes, test_bytes, token_bytes;
    std::vector<std::int32_t> tokens;
    explicit npy_pair(const benchmark::State& state)
        : rows(static_cast<std::size_t>(state.range(0))),
          vocabulary(static_cast<std::size_t>(state.range(1))),
          a(rows * vocabulary),
          b(rows * vocabulary),
          tokens(rows) {
        std::mt19937_64 engine(5);
        std::normal_distribution<float> normal(0.0f, 2.0f), noise(0.0f, 0.3f);
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] = normal(engine);
            b[i] = a[i] + noise(engine);
        }
        for (std::size_t r = 0; r < rows; ++r) tokens[r] = static_cast<std::int32_t>((r * 7919) % vocabulary);
        using kld_report::npy_dtype;
        base_bytes = kld_report::npy_bytes(npy_dtype::float32, {rows, vocabulary}, std::as_bytes(std::span<const float>(a)));
        test_bytes = kld_report::npy_bytes(npy_dtype::float32, {rows, vocabulary}, std::as_bytes(std::span<const float>(b)));
        token_bytes = kld_report::npy_bytes(npy_dtype::int32, {rows}, std::as_bytes(std::span<const std::int32_t>(tokens)));
    }
    static std::span<const std::byte> view(const std::string& s) {
        return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
    }
};

void kld_report_core(benchmark::State& state) {  // every per-token value and the statistics
    const npy_pair data(state);
    const kld_report::logit_source base(npy_pair::view(data.base_bytes), "base.npy");
    const kld_report::logit_source test(npy_pair::view(data.test_bytes), "test.npy");
    const kld_report::token_source tokens(npy_pair::view(data.token_bytes), "tokens.npy");
    kld_report::report_options options;
    options.threads = static_cast<unsigned>(state.range(2));
    for (auto _ : state) {
        const kld_report::per_token_values v = kld_report::compute_per_token(base, test, &tokens, options);
        const kld_report::report r = kld_report::summarize_report(v, base, test, options.top_k);
        benchmark::DoNotOptimize(r.kld.mean.value);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(data.rows * data.vocabulary));
}

void kl_rows_kernel(benchmark::State& state) {  // kldiv's forward-KL row kernel alone: one of the report's columns
    const npy_pair data(state);
    std::vector<float> out(data.rows);
    for (auto _ : state) {
        kldiv::unchecked::kl_divergence_rows<float>(data.a, data.b, data.vocabulary, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(data.rows * data.vocabulary));
}

/// The naive row: log-softmax into temporaries (float, std::exp/std::log, two passes each).
void log_softmax(const float* x, std::size_t n, std::vector<float>& y) {
    float m = x[0];
    for (std::size_t i = 0; i < n; ++i) m = std::max(m, x[i]);
    float s = 0;
    for (std::size_t i = 0; i < n; ++i) s += std::exp(x[i] - m);
    const float log_s = std::log(s);
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] - m - log_s;
}

void naive_two_pass_kl(benchmark::State& state) {  // KL only
    const npy_pair data(state);
    const std::size_t n = data.vocabulary;
    std::vector<float> out(data.rows), la(n), lb(n);
    for (auto _ : state) {
        for (std::size_t r = 0; r < data.rows; ++r) {
            log_softmax(&data.a[r * n], n, la);
            log_softmax(&data.b[r * n], n, lb);
            float kl = 0;
            for (std::size_t i = 0; i < n; ++i) kl += std::exp(la[i]) * (la[i] - lb[i]);
            out[r] = kl;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(data.rows * n));
}

void naive_two_pass_both_ways(benchmark::State& state) {  // KL both ways, JSD, NLLs and argmax: the report's columns
    const npy_pair data(state);
    const std::size_t n = data.vocabulary;
    std::vector<float> out(data.rows), la(n), lb(n);
    for (auto _ : state) {
        for (std::size_t r = 0; r < data.rows; ++r) {
            log_softmax(&data.a[r * n], n, la);
            log_softmax(&data.b[r * n], n, lb);
            float kl = 0, reverse = 0, jsd = 0;
            std::size_t argmax_a = 0, argmax_b = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const float p = std::exp(la[i]), q = std::exp(lb[i]), log_m = std::log((p + q) / 2);
                kl += p * (la[i] - lb[i]);
                reverse += q * (lb[i] - la[i]);
                jsd += p * (la[i] - log_m) + q * (lb[i] - log_m);
                argmax_a = la[i] > la[argmax_a] ? i : argmax_a;
                argmax_b = lb[i] > lb[argmax_b] ? i : argmax_b;
            }
            const auto t = static_cast<std::size_t>(data.tokens[r]);
            out[r] = kl + reverse + jsd / 2 + static_cast<float>(argmax_a == argmax_b) - la[t] - lb[t];
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(data.rows * n));
}

}  // namespace

// {rows, vocabulary, threads}: Llama-2's 32 000 and Qwen's 151 936 vocabularies.
BENCHMARK(kld_report_core)->Args({64, 32000, 1})->Args({16, 151936, 1})->Args({64, 32000, 2})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(kl_rows_kernel)->Args({64, 32000, 1})->Args({16, 151936, 1})->Unit(benchmark::kMillisecond);
BENCHMARK(naive_two_pass_kl)->Args({64, 32000, 1})->Args({16, 151936, 1})->Unit(benchmark::kMillisecond);
BENCHMARK(naive_two_pass_both_ways)->Args({64, 32000, 1})->Args({16, 151936, 1})->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
