// The benchmarks' inputs, shared by the Google Benchmark programs and bench/instruction_counts.cpp
// so that rates and instruction counts are measured on the same numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

namespace kldiv_bench {

/// A probability vector of n entries: independent exponentials, normalised (bench_discrete).
template <class T>
std::vector<T> distribution(std::size_t n, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::exponential_distribution<double> e(1.0);
    std::vector<double> p(n);
    for (auto& v : p) v = e(engine);
    const double total = std::accumulate(p.begin(), p.end(), 0.0);
    std::vector<T> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(p[i] / total);
    return out;
}

/// log q and log p of n samples (bench_estimators): ℓ = 0.3x − 0.045, x ~ N(0, 1); light_tails
/// clips x to [−3, 3] (every |ℓ| < 1).
template <class T>
struct log_densities {
    std::vector<T> log_q, log_p;
    explicit log_densities(std::size_t n, bool light_tails = false) : log_q(n), log_p(n) {
        std::mt19937_64 engine(5);
        std::normal_distribution<double> normal(0.0, 1.0);
        for (std::size_t i = 0; i < n; ++i) {
            double x = normal(engine);
            if (light_tails) x = x < -3.0 ? -3.0 : (x > 3.0 ? 3.0 : x);
            log_q[i] = static_cast<T>(-0.5 * x * x);
            log_p[i] = static_cast<T>(-0.5 * (x - 0.3) * (x - 0.3));
        }
    }
};

/// Two logit matrices of rows × vocabulary, every logit ~ N(0, 2²) (bench_discrete's rows).
struct logit_pair {
    std::vector<float> a, b;
    logit_pair(std::size_t rows, std::size_t vocabulary) : a(rows * vocabulary), b(rows * vocabulary) {
        std::mt19937_64 engine(3);
        std::normal_distribution<float> normal(0.0f, 2.0f);
        for (auto& v : a) v = normal(engine);
        for (auto& v : b) v = normal(engine);
    }
};

}  // namespace kldiv_bench
