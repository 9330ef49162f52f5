// A user's program: includes kldiv and checks one value, so a broken package fails the build or run.
#include <kldiv/kldiv.hpp>

#include <cstdio>
#include <vector>

int main() {
    const double phi = kldiv::expm1mx(1e-9);  // 5.0000000016666667e-19
    std::printf("kldiv %s: expm1mx(1e-9) = %.17g\n", KLDIV_VERSION_STRING, phi);
#if defined(KLDIV_HAVE_OPENMP)
    // kldiv was built with OpenMP: linking kldiv::kldiv alone must give working threads.
    if (!kldiv::parallel_engine_available()) return 1;
#endif
    const std::vector<double> log_q(70000, -1.0), log_p(70000, -1.25);
    const auto e = kldiv::kl_estimates(kldiv::par, log_q, log_p);
    std::printf("kl_estimates(par): k1 = %.17g on up to %zu threads\n", e.k1.mean(), kldiv::hardware_threads());
    return (phi > 4.9e-19 && phi < 5.1e-19 && e.k1.mean() == 0.25) ? 0 : 1;
}
