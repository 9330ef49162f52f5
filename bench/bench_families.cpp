// Families: batched log_pdf and sampling throughput for representative families, and the KL of
// mv_normal for d = 2 … 512.
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <kldiv/distributions.hpp>
#include <kldiv/divergence.hpp>
#include <kldiv/random/engine.hpp>
#include <random>
#include <vector>

namespace {

template <class D>
void log_pdf_batch(benchmark::State& state, const D& d) {
    kldiv::random_engine engine(1);
    std::vector<double> x(4096), out(4096);
    sample(d, engine, std::span<double>(x));
    for (auto _ : state) {
        log_pdf(d, std::span<const double>(x), std::span<double>(out));
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * 4096);
}

template <class D>
void sample_batch(benchmark::State& state, const D& d) {
    kldiv::random_engine engine(1);
    std::vector<double> x(4096);
    for (auto _ : state) {
        sample(d, engine, std::span<double>(x));
        benchmark::DoNotOptimize(x.data());
    }
    state.SetItemsProcessed(state.iterations() * 4096);
}

void mv_normal_kl(benchmark::State& state) {
    const auto k = static_cast<int>(state.range(0));
    std::mt19937_64 rng(2);
    std::normal_distribution<double> normal;
    const auto spd = [&] {
        Eigen::MatrixXd a(k, k);
        for (int i = 0; i < k; ++i)
            for (int j = 0; j < k; ++j) a(i, j) = normal(rng);
        Eigen::MatrixXd s = a * a.transpose() / k + Eigen::MatrixXd::Identity(k, k);
        return Eigen::MatrixXd(0.5 * (s + s.transpose()));
    };
    const kldiv::mv_normal<double> p(Eigen::VectorXd::Zero(k), spd()), q(Eigen::VectorXd::Ones(k), spd());
    for (auto _ : state) benchmark::DoNotOptimize(kldiv::kl_divergence(p, q));
}

}  // namespace

BENCHMARK_CAPTURE(log_pdf_batch, normal, kldiv::normal<double>(0.5, 1.5));
BENCHMARK_CAPTURE(log_pdf_batch, gamma, kldiv::gamma<double>(2.5, 1.5));
BENCHMARK_CAPTURE(log_pdf_batch, poisson, kldiv::poisson<double>(7.0));
BENCHMARK_CAPTURE(sample_batch, normal, kldiv::normal<double>(0.5, 1.5));
BENCHMARK_CAPTURE(sample_batch, exponential, kldiv::exponential<double>(2.0));
BENCHMARK_CAPTURE(sample_batch, gamma, kldiv::gamma<double>(2.5, 1.5));
BENCHMARK_CAPTURE(sample_batch, beta, kldiv::beta<double>(2.0, 3.0));
BENCHMARK_CAPTURE(sample_batch, poisson_small, kldiv::poisson<double>(3.0));
BENCHMARK_CAPTURE(sample_batch, poisson_large, kldiv::poisson<double>(300.0));
BENCHMARK_CAPTURE(sample_batch, binomial, kldiv::binomial<double>(1000, 0.3));
BENCHMARK(mv_normal_kl)->RangeMultiplier(4)->Range(2, 512)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
