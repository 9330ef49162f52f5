// Built without OpenMP (-fno-openmp): every policy compiles, runs on the calling thread, and
// hardware_threads() says so; the bits equal kldiv::seq's.
#include <cstring>
#include <vector>

#include "kldiv/core/execution.hpp"
#include "kldiv/estimators/kl_estimates.hpp"

int main() {
    if (kldiv::parallel_engine_available() || kldiv::hardware_threads() != 1) return 1;
    std::vector<double> log_q(300000), log_p(300000);
    for (std::size_t i = 0; i < log_q.size(); ++i) {
        log_q[i] = -0.5 * double(i % 101) / 50.0;
        log_p[i] = -0.5 * double(i % 103) / 50.0;
    }
    const auto a = kldiv::kl_estimates(kldiv::par, log_q, log_p);
    const auto b = kldiv::kl_estimates(kldiv::seq, log_q, log_p);
    const double x[] = {a.k3.mean(), a.k3.sum_of_squared_deviations(), a.k1.mean()};
    const double y[] = {b.k3.mean(), b.k3.sum_of_squared_deviations(), b.k1.mean()};
    return std::memcmp(x, y, sizeof x) == 0 && a.k3.count() == 300000 ? 0 : 1;
}
