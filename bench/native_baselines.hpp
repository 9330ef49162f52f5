// Baselines compiled with -march=native in their own translation unit (native_baselines.cpp),
// called from bench_estimators and bench_discrete: Eigen's inaccurate k3 mean at its best, and a
// vectorised two-array streaming read (the bandwidth floor).
#pragma once

#include <cstddef>

namespace kldiv_bench {

/// mean(exp(ℓ) − 1 − ℓ), ℓ = log_p − log_q, as an Eigen Array expression (inaccurate near 0).
double eigen_k3_mean_native(const float* log_q, const float* log_p, std::size_t n);
double eigen_k3_mean_native(const double* log_q, const double* log_p, std::size_t n);

/// Σ(log_p − log_q) with independent vector accumulators: reads both arrays once, computes
/// nothing else.
double streaming_read_native(const float* log_q, const float* log_p, std::size_t n);
double streaming_read_native(const double* log_q, const double* log_p, std::size_t n);

}  // namespace kldiv_bench
