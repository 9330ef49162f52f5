// The fastest peers' forms of kldiv's hot paths, each built with -march=native in its own
// translation unit (bench/peer_xsimd.cpp, bench/peer_highway.cpp) and called from the benchmarks
// beside kldiv's accurate kernels. They are inaccurate by design (exp(ℓ) − 1 − ℓ cancels near 0,
// p·log(p/q) loses every digit for nearly equal inputs): they set the speed to beat.
#pragma once

#include <cstddef>

namespace kldiv_bench {

/// Mean and variance (÷ n − 1) of a k3 sample set.
struct mean_and_variance {
    double mean;
    double variance;
};

/// k3 = exp(ℓ) − 1 − ℓ, ℓ = log_p − log_q, with xsimd's exp: mean and variance from lane sums of
/// k3 and k3², folded into double every 8192 elements.
mean_and_variance xsimd_k3_mean_variance(const float* log_q, const float* log_p, std::size_t n);
mean_and_variance xsimd_k3_mean_variance(const double* log_q, const double* log_p, std::size_t n);

/// Σ p·log(p/q) with Highway's contrib/math Log (static dispatch: the -march=native target).
double highway_kl(const float* p, const float* q, std::size_t n);
double highway_kl(const double* p, const double* q, std::size_t n);

}  // namespace kldiv_bench
