// xsimd's k3 mean and variance, built with -march=native (see bench/peer_baselines.hpp).
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cmath>

#include "peer_baselines.hpp"

namespace kldiv_bench {
namespace {

template <class T>
mean_and_variance k3(const T* log_q, const T* log_p, std::size_t n) {
    using batch = xsimd::batch<T>;
    constexpr std::size_t lanes = batch::size;
    constexpr std::size_t flush = 8192;  // lane sums go to double this often
    double sum = 0, sum_squares = 0;
    std::size_t i = 0;
    while (i + lanes <= n) {
        const std::size_t stop = std::min(n - (n - i) % lanes, i + flush);
        batch s(T(0)), s2(T(0));
        for (; i < stop; i += lanes) {
            const batch l = xsimd::load_unaligned(log_p + i) - xsimd::load_unaligned(log_q + i);
            const batch k = xsimd::exp(l) - batch(T(1)) - l;
            s += k;
            s2 = xsimd::fma(k, k, s2);
        }
        sum += static_cast<double>(xsimd::hadd(s));
        sum_squares += static_cast<double>(xsimd::hadd(s2));
    }
    for (; i < n; ++i) {
        const T l = log_p[i] - log_q[i];
        const double k = static_cast<double>(std::exp(l) - T(1) - l);
        sum += k;
        sum_squares += k * k;
    }
    const double count = static_cast<double>(n);
    const double mean = sum / count;
    return {mean, (sum_squares - count * mean * mean) / (count - 1)};
}

}  // namespace

mean_and_variance xsimd_k3_mean_variance(const float* q, const float* p, std::size_t n) { return k3(q, p, n); }
mean_and_variance xsimd_k3_mean_variance(const double* q, const double* p, std::size_t n) { return k3(q, p, n); }

}  // namespace kldiv_bench
