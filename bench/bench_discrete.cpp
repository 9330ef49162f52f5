// Discrete KL over probability vectors (n = 4K … 64M) and row-wise KL over logits, each beside
// a naive scalar loop, Highway's Σ p·log(p/q) and the two-array streaming read in the same binary.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <kldiv/discrete/half_precision_rows.hpp>
#include <kldiv/discrete/js_divergence.hpp>
#include <kldiv/discrete/logits.hpp>
#include <kldiv/discrete/row_gradients.hpp>
#include <kldiv/discrete/topk.hpp>
#include <kldiv/discrete/measures.hpp>
#include <numeric>
#include <random>
#include <vector>

#include "inputs.hpp"
#if defined(KLDIV_BENCH_HIGHWAY)
#include "peer_baselines.hpp"
#endif
#if defined(KLDIV_BENCH_NATIVE_BASELINES)
#include "native_baselines.hpp"
#endif

namespace {

using kldiv_bench::distribution;

template <class T>
void kl_kldiv(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto p = distribution<T>(n, 1), q = distribution<T>(n, 2);
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::unchecked::kl_divergence(p, q));
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 2 * static_cast<std::int64_t>(sizeof(T)));
}

template <class T>
void kl_kldiv_checked(benchmark::State& state) {  // the public API: validation of p and q, then KL
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto p = distribution<T>(n, 1), q = distribution<T>(n, 2);
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::kl_divergence(p, q));
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 2 * static_cast<std::int64_t>(sizeof(T)));
}

template <class T>
void kl_naive(benchmark::State& state) {  // Σ p log(p/q): the textbook loop
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto p = distribution<T>(n, 1), q = distribution<T>(n, 2);
    for (auto _ : state) {
        T sum = 0;
        for (std::size_t i = 0; i < n; ++i)
            if (p[i] > 0) sum += p[i] * std::log(p[i] / q[i]);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 2 * static_cast<std::int64_t>(sizeof(T)));
}

#if defined(KLDIV_BENCH_HIGHWAY)
template <class T>
void kl_highway(benchmark::State& state) {  // Σ p·log(p/q) with Highway's vector Log, -march=native
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto p = distribution<T>(n, 1), q = distribution<T>(n, 2);
    for (auto _ : state) benchmark::DoNotOptimize(kldiv_bench::highway_kl(p.data(), q.data(), n));
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 2 * static_cast<std::int64_t>(sizeof(T)));
}
#endif

#if defined(KLDIV_BENCH_NATIVE_BASELINES)
template <class T>
void streaming_read(benchmark::State& state) {  // Σ(q − p) over both arrays, -march=native: the memory floor
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto p = distribution<T>(n, 1), q = distribution<T>(n, 2);
    for (auto _ : state) benchmark::DoNotOptimize(kldiv_bench::streaming_read_native(p.data(), q.data(), n));
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.SetBytesProcessed(state.iterations() * state.range(0) * 2 * static_cast<std::int64_t>(sizeof(T)));
}
#endif

template <class T>
void entropy_kldiv(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto p = distribution<T>(n, 1);
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::unchecked::entropy(p));
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

template <class T>
void entropy_naive(benchmark::State& state) {  // −Σ p log p with libm's log
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto p = distribution<T>(n, 1);
    for (auto _ : state) {
        T sum = 0;
        for (std::size_t i = 0; i < n; ++i)
            if (p[i] > 0) sum -= p[i] * std::log(p[i]);
        benchmark::DoNotOptimize(sum);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// Two rows × vocabulary matrices (state.range(0) × state.range(1)) of N(0, 2²) logits.
struct logit_matrices : kldiv_bench::logit_pair {
    std::size_t rows, vocabulary;
    explicit logit_matrices(const benchmark::State& state)
        : logit_pair(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1))),
          rows(static_cast<std::size_t>(state.range(0))),
          vocabulary(static_cast<std::size_t>(state.range(1))) {}
};

void logits_rows_kldiv(benchmark::State& state) {
    const logit_matrices matrices(state);
    const std::size_t rows = matrices.rows, vocabulary = matrices.vocabulary;
    const std::vector<float>&a = matrices.a, &b = matrices.b;
    std::vector<float> out(rows);
    for (auto _ : state) {
        kldiv::unchecked::kl_divergence_rows<float>(a, b, vocabulary, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows * vocabulary));
}

void logits_rows_kldiv_checked(benchmark::State& state) {  // the public API: every row validated, then KL
    const logit_matrices matrices(state);
    const std::size_t rows = matrices.rows, vocabulary = matrices.vocabulary;
    const std::vector<float>&a = matrices.a, &b = matrices.b;
    std::vector<float> out(rows);
    for (auto _ : state) {
        kldiv::kl_divergence_rows(a, b, vocabulary, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows * vocabulary));
}

void logits_rows_naive(benchmark::State& state) {  // two-pass log-softmax into temporaries, then KL
    const logit_matrices matrices(state);
    const std::size_t rows = matrices.rows, vocabulary = matrices.vocabulary;
    const std::vector<float>&a = matrices.a, &b = matrices.b;
    std::vector<float> out(rows), la(vocabulary), lb(vocabulary);
    const auto log_softmax = [&](const float* x, std::vector<float>& y) {
        float m = x[0];
        for (std::size_t i = 0; i < vocabulary; ++i) m = std::max(m, x[i]);
        float s = 0;
        for (std::size_t i = 0; i < vocabulary; ++i) s += std::exp(x[i] - m);
        const float log_s = std::log(s);
        for (std::size_t i = 0; i < vocabulary; ++i) y[i] = x[i] - m - log_s;
    };
    for (auto _ : state) {
        for (std::size_t r = 0; r < rows; ++r) {
            log_softmax(&a[r * vocabulary], la);
            log_softmax(&b[r * vocabulary], lb);
            float kl = 0;
            for (std::size_t i = 0; i < vocabulary; ++i) kl += std::exp(la[i]) * (la[i] - lb[i]);
            out[r] = kl;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows * vocabulary));
}

}  // namespace


// Issue 18's row functions on the same matrices as logits_rows_kldiv (unchecked, float).
void js_rows_kldiv(benchmark::State& state) {
    const logit_matrices matrices(state);
    std::vector<float> out(matrices.rows);
    for (auto _ : state) {
        kldiv::unchecked::js_divergence_rows<float>(matrices.a, matrices.b, matrices.vocabulary, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(matrices.rows * matrices.vocabulary));
}

void js_rows_with_gradient(benchmark::State& state) {  // value + ∂/∂q (the student side)
    const logit_matrices matrices(state);
    std::vector<float> out(matrices.rows), grad(matrices.a.size());
    const kldiv::row_options options;
    const kldiv::row_gradients<float> gradients{{}, grad};
    for (auto _ : state) {
        kldiv::unchecked::js_divergence_rows<float>(matrices.a, matrices.b, matrices.vocabulary, out, options,
                                                    gradients);
        benchmark::DoNotOptimize(grad.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(matrices.rows * matrices.vocabulary));
}

void kl_rows_with_gradient(benchmark::State& state) {
    const logit_matrices matrices(state);
    std::vector<float> out(matrices.rows), grad(matrices.a.size());
    const kldiv::row_options options;
    const kldiv::row_gradients<float> gradients{{}, grad};
    for (auto _ : state) {
        kldiv::unchecked::kl_divergence_rows<float>(matrices.a, matrices.b, matrices.vocabulary, out, options,
                                                    gradients);
        benchmark::DoNotOptimize(grad.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(matrices.rows * matrices.vocabulary));
}

void topk_rows_kldiv(benchmark::State& state) {  // dense vs dense, the teacher's top-64 + tail
    const logit_matrices matrices(state);
    std::vector<float> out(matrices.rows);
    for (auto _ : state) {
        kldiv::unchecked::kl_divergence_topk_rows<float>(matrices.a, matrices.b, matrices.vocabulary, 64,
                                                         kldiv::topk_support::teacher, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(matrices.rows * matrices.vocabulary));
}

void topk_sparse_rows_kldiv(benchmark::State& state) {  // a stored teacher top-64 (indices, log-probs) vs dense q
    const logit_matrices matrices(state);
    const std::size_t rows = matrices.rows, vocabulary = matrices.vocabulary, k = 64;
    std::vector<std::int32_t> indices(rows * k);
    std::vector<float> log_probs(rows * k);
    std::vector<std::size_t> order(vocabulary);
    for (std::size_t r = 0; r < rows; ++r) {  // the teacher's top-64 and its log-softmax, in double
        const float* a = &matrices.a[r * vocabulary];
        double m = a[0], sum = 0;
        for (std::size_t i = 0; i < vocabulary; ++i) m = std::max(m, double(a[i]));
        for (std::size_t i = 0; i < vocabulary; ++i) sum += std::exp(double(a[i]) - m);
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](std::size_t x, std::size_t y) { return a[x] > a[y]; });
        for (std::size_t j = 0; j < k; ++j) {
            indices[r * k + j] = static_cast<std::int32_t>(order[j]);
            log_probs[r * k + j] = static_cast<float>(double(a[order[j]]) - m - std::log(sum));
        }
    }
    std::vector<float> out(rows);
    for (auto _ : state) {
        kldiv::unchecked::kl_divergence_topk_rows<float, std::int32_t>(indices, log_probs, k, matrices.b, vocabulary, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows * vocabulary));
}

void kl_rows_bf16(benchmark::State& state) {  // bfloat16 storage, widened per row to the float path
    const logit_matrices matrices(state);
    std::vector<kldiv::bfloat16> a, b;
    for (std::size_t i = 0; i < matrices.a.size(); ++i) {
        a.emplace_back(matrices.a[i]);
        b.emplace_back(matrices.b[i]);
    }
    std::vector<float> out(matrices.rows);
    for (auto _ : state) {
        kldiv::kl_divergence_rows(std::span<const kldiv::bfloat16>(a), std::span<const kldiv::bfloat16>(b),
                                  matrices.vocabulary, std::span<float>(out));
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(matrices.rows * matrices.vocabulary));
}

void js_rows_naive(benchmark::State& state) {  // two-pass log-softmax into temporaries, then the textbook JSD
    const logit_matrices matrices(state);
    const std::size_t rows = matrices.rows, vocabulary = matrices.vocabulary;
    std::vector<float> out(rows), la(vocabulary), lb(vocabulary);
    const auto log_softmax = [&](const float* x, std::vector<float>& y) {
        float m = x[0];
        for (std::size_t i = 0; i < vocabulary; ++i) m = std::max(m, x[i]);
        float s = 0;
        for (std::size_t i = 0; i < vocabulary; ++i) s += std::exp(x[i] - m);
        const float log_s = std::log(s);
        for (std::size_t i = 0; i < vocabulary; ++i) y[i] = x[i] - m - log_s;
    };
    for (auto _ : state) {
        for (std::size_t r = 0; r < rows; ++r) {
            log_softmax(&matrices.a[r * vocabulary], la);
            log_softmax(&matrices.b[r * vocabulary], lb);
            float total = 0;
            for (std::size_t i = 0; i < vocabulary; ++i) {
                const float p = std::exp(la[i]), q = std::exp(lb[i]), log_m = std::log(0.5f * p + 0.5f * q);
                total += 0.5f * p * (la[i] - log_m) + 0.5f * q * (lb[i] - log_m);
            }
            out[r] = total;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows * vocabulary));
}

BENCHMARK(kl_kldiv<double>)->RangeMultiplier(16)->Range(4096, 16 << 20)->Arg(64 << 20);
BENCHMARK(kl_kldiv_checked<double>)->Arg(4096)->Arg(65536)->Arg(16 << 20)->Arg(64 << 20);
BENCHMARK(kl_naive<double>)->RangeMultiplier(16)->Range(4096, 16 << 20);
BENCHMARK(kl_kldiv<float>)->RangeMultiplier(16)->Range(4096, 16 << 20)->Arg(64 << 20);
BENCHMARK(kl_kldiv_checked<float>)->Arg(4096)->Arg(65536)->Arg(16 << 20)->Arg(64 << 20);
BENCHMARK(kl_naive<float>)->RangeMultiplier(16)->Range(4096, 16 << 20);
#if defined(KLDIV_BENCH_HIGHWAY)
BENCHMARK(kl_highway<double>)->RangeMultiplier(16)->Range(4096, 16 << 20)->Arg(64 << 20);
BENCHMARK(kl_highway<float>)->RangeMultiplier(16)->Range(4096, 16 << 20)->Arg(64 << 20);
#endif
#if defined(KLDIV_BENCH_NATIVE_BASELINES)
BENCHMARK(streaming_read<double>)->RangeMultiplier(16)->Range(4096, 16 << 20)->Arg(64 << 20);
BENCHMARK(streaming_read<float>)->RangeMultiplier(16)->Range(4096, 16 << 20)->Arg(64 << 20);
#endif
BENCHMARK(entropy_kldiv<double>)->Arg(4096);
BENCHMARK(entropy_naive<double>)->Arg(4096);
BENCHMARK(entropy_kldiv<float>)->Arg(4096);
BENCHMARK(entropy_naive<float>)->Arg(4096);
// rows × vocabulary: 64 × 32 000 (256 KB per row pair, in L2) and the 4096 × 32 000
// (1 GB of logits, streamed from DRAM).
BENCHMARK(logits_rows_kldiv)->Args({64, 32000})->Args({4096, 32000})->Unit(benchmark::kMillisecond);
BENCHMARK(logits_rows_kldiv_checked)->Args({64, 32000})->Unit(benchmark::kMillisecond);
BENCHMARK(logits_rows_naive)->Args({64, 32000})->Args({4096, 32000})->Unit(benchmark::kMillisecond);

BENCHMARK(js_rows_kldiv)->Args({64, 32000})->Args({4096, 32000})->Unit(benchmark::kMillisecond);
BENCHMARK(js_rows_with_gradient)->Args({64, 32000})->Unit(benchmark::kMillisecond);
BENCHMARK(kl_rows_with_gradient)->Args({64, 32000})->Unit(benchmark::kMillisecond);
BENCHMARK(topk_rows_kldiv)->Args({64, 32000})->Unit(benchmark::kMillisecond);
BENCHMARK(topk_sparse_rows_kldiv)->Args({64, 32000})->Unit(benchmark::kMillisecond);
BENCHMARK(kl_rows_bf16)->Args({64, 32000})->Args({4096, 32000})->Unit(benchmark::kMillisecond);
BENCHMARK(js_rows_naive)->Args({64, 32000})->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
