// Instructions per element of kldiv's hot paths and of the peers' forms, counted by valgrind
// (bench/instruction_counts.sh): a kernel run `repeats` times on the benchmarks' inputs, so the
// difference of two counts (repeats 11 and 1) is ten runs' instructions, set-up excluded.
// Valgrind's CPU has AVX2 + FMA and no AVX-512, so kldiv's run-time dispatch takes its AVX2
// clones and the peers are built for AVX2 + FMA (bench/peers_avx2.cpp): 256-bit
// registers on both sides, one instruction set, comparable counts.
#include <kldiv/core/expm1mx.hpp>
#include <kldiv/core/instruction_set.hpp>
#include <kldiv/core/log1pmx.hpp>
#include <kldiv/discrete/logits.hpp>
#include <kldiv/discrete/measures.hpp>
#include <kldiv/estimators/kl_estimates.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "inputs.hpp"
#include "peer_baselines.hpp"

namespace {

volatile double sink;  // keeps every result alive

template <class T>
using log_ratios = kldiv_bench::log_densities<T>;  // the inputs of bench_estimators
using kldiv_bench::distribution;                   // and of bench_discrete

template <class T>
void estimates(unsigned repeats, std::size_t n, bool k3_alone) {
    const log_ratios<T> d(n);
    kldiv::kl_estimate_options<T> options;
    if (k3_alone) options.estimators = kldiv::kl_estimator::k3;
    for (unsigned r = 0; r < repeats; ++r) sink = kldiv::kl_estimates(d.log_q, d.log_p, options).k3.mean();
}

template <class T>
void xsimd_k3(unsigned repeats, std::size_t n) {
    const log_ratios<T> d(n);
    for (unsigned r = 0; r < repeats; ++r)
        sink = kldiv_bench::xsimd_k3_mean_variance(d.log_q.data(), d.log_p.data(), n).mean;
}

template <class T>
void probability_kl(unsigned repeats, std::size_t n, bool highway) {
    const auto p = distribution<T>(n, 1), q = distribution<T>(n, 2);
    for (unsigned r = 0; r < repeats; ++r)
        sink = highway ? kldiv_bench::highway_kl(p.data(), q.data(), n) : double(kldiv::kl_divergence(p, q));
}

void rows(unsigned repeats, std::size_t rows, std::size_t vocabulary) {
    const kldiv_bench::logit_pair logits(rows, vocabulary);  // bench_discrete's logits
    std::vector<float> out(rows);
    for (unsigned r = 0; r < repeats; ++r) {
        kldiv::unchecked::kl_divergence_rows<float>(logits.a, logits.b, vocabulary, out);
        sink = out[0];
    }
}

template <class T>
void scalar(unsigned repeats, std::size_t n, const std::string& function) {  // Σ f(x), x ~ N(0, 1)
    std::vector<T> x(n);
    std::mt19937_64 engine(7);
    std::normal_distribution<T> normal(0, 1);
    for (auto& v : x) v = normal(engine);
    for (unsigned r = 0; r < repeats; ++r) {
        T total = 0;
        if (function == "exp")
            for (const T v : x) total += std::exp(v) - T(1) - v;
        else if (function == "rlogr_residual")
            for (const T v : x) total += kldiv::rlogr_residual(v);
        else if (function == "log1pmx")  // of |x|, as bench_core
            for (const T v : x) total += kldiv::log1pmx(std::fabs(v));
        else
            for (const T v : x) total += kldiv::expm1mx(v);
        sink = double(total);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s KERNEL REPEATS\n", argv[0]);
        return 2;
    }
    const std::string kernel = argv[1];
    const auto repeats = static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10));
    const std::size_t n = 65536;
    if (kernel == "isa") std::printf("%s\n", kldiv::simd::name(kldiv::simd::active_isa()));
    else if (kernel == "kl_estimates_all_float") estimates<float>(repeats, n, false);
    else if (kernel == "kl_estimates_k3_float") estimates<float>(repeats, n, true);
    else if (kernel == "xsimd_k3_float") xsimd_k3<float>(repeats, n);
    else if (kernel == "kl_estimates_all_double") estimates<double>(repeats, n, false);
    else if (kernel == "kl_estimates_k3_double") estimates<double>(repeats, n, true);
    else if (kernel == "xsimd_k3_double") xsimd_k3<double>(repeats, n);
    else if (kernel == "kl_divergence_float") probability_kl<float>(repeats, n, false);
    else if (kernel == "highway_kl_float") probability_kl<float>(repeats, n, true);
    else if (kernel == "kl_divergence_double") probability_kl<double>(repeats, n, false);
    else if (kernel == "highway_kl_double") probability_kl<double>(repeats, n, true);
    else if (kernel == "kl_divergence_rows") rows(repeats, 8, 32000);
    else if (kernel == "expm1mx_double") scalar<double>(repeats, n, "expm1mx");
    else if (kernel == "rlogr_residual_double") scalar<double>(repeats, n, "rlogr_residual");
    else if (kernel == "log1pmx_double") scalar<double>(repeats, n, "log1pmx");
    else if (kernel == "exp_double") scalar<double>(repeats, n, "exp");
    else {
        std::fprintf(stderr, "unknown kernel %s\n", kernel.c_str());
        return 2;
    }
    return 0;
}
