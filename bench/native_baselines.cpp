// Built with -march=native (bench/CMakeLists.txt). Every function is flattened, so it calls no
// out-of-line Eigen code that the linker could share with the default-flags translation units.
#include "native_baselines.hpp"

#include <Eigen/Core>

namespace kldiv_bench {
namespace {

template <class T>
[[gnu::flatten]] double eigen_k3(const T* log_q, const T* log_p, std::size_t n) {
    using array = Eigen::Array<T, Eigen::Dynamic, 1>;
    const Eigen::Map<const array> q(log_q, static_cast<Eigen::Index>(n));
    const Eigen::Map<const array> p(log_p, static_cast<Eigen::Index>(n));
    return static_cast<double>(((p - q).exp() - T(1) - (p - q)).mean());
}

template <class T>
[[gnu::flatten]] double streaming(const T* log_q, const T* log_p, std::size_t n) {
    constexpr std::size_t lanes = 64 / sizeof(T);  // one 64-byte vector per accumulator
    T sum[4][lanes] = {};
    std::size_t i = 0;
    for (; i + 4 * lanes <= n; i += 4 * lanes)
        for (std::size_t a = 0; a < 4; ++a)
            for (std::size_t j = 0; j < lanes; ++j) sum[a][j] += log_p[i + a * lanes + j] - log_q[i + a * lanes + j];
    double total = 0;
    for (; i < n; ++i) total += static_cast<double>(log_p[i] - log_q[i]);
    for (std::size_t a = 0; a < 4; ++a)
        for (std::size_t j = 0; j < lanes; ++j) total += static_cast<double>(sum[a][j]);
    return total;
}

}  // namespace

double eigen_k3_mean_native(const float* q, const float* p, std::size_t n) { return eigen_k3(q, p, n); }
double eigen_k3_mean_native(const double* q, const double* p, std::size_t n) { return eigen_k3(q, p, n); }
double streaming_read_native(const float* q, const float* p, std::size_t n) { return streaming(q, p, n); }
double streaming_read_native(const double* q, const double* p, std::size_t n) { return streaming(q, p, n); }

}  // namespace kldiv_bench
