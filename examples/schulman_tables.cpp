// Reproduces both of Schulman's tables ("Approximating KL Divergence", 2020): q = N(0, 1),
// p = N(0.1, 1) and p = N(1, 1), 10⁷ samples each, seeded. For each estimator one Markdown row:
// Monte Carlo bias/KL and std/KL, the exact values, and the throughput of the whole pipeline
// (sampling, log-densities, all four estimates with their variances).
#include <kldiv/kldiv.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <vector>

namespace {

struct exact_values {
    double kl, k1_std, k2_bias, k2_std, k3_std, reverse_std;  // std and bias relative to KL
};

/// Closed forms for q = N(0,1), p = N(μ,1): ℓ = μx − μ²/2, KL = μ²/2 both ways
/// (Schulman's setting; the reverse estimator's variance by Gaussian tilting:
/// E_q[(rℓ − r + 1)²] = e^{μ²}(9μ⁴/4 − 2μ² + 1) + μ² − 1).
exact_values exact(double mu) {
    const double m2 = mu * mu, kl = m2 / 2;
    const double reverse_second_moment = std::exp(m2) * (2.25 * m2 * m2 - 2 * m2 + 1) + m2 - 1;
    return {kl,
            2 / mu,
            m2 / 4,
            std::sqrt(2 + m2),
            2 * std::sqrt(std::expm1(m2) - m2) / m2,
            std::sqrt(reverse_second_moment - kl * kl) / kl};
}

void table(double mu, long samples, std::uint64_t seed) {
    constexpr std::size_t chunk = 4096;  // small enough that the three arrays stay in L1/L2
    constexpr double half_log_two_pi = 0.91893853320467274178;
    kldiv::random_engine engine(seed);
    std::vector<double> x(chunk), log_q(chunk), log_p(chunk);
    kldiv::kl_estimate_set estimates;
    const auto start = std::chrono::steady_clock::now();
    for (long done = 0; done < samples; done += static_cast<long>(chunk)) {
        const std::size_t n = std::min<std::size_t>(chunk, static_cast<std::size_t>(samples - done));
        kldiv::fill_standard_normal(engine, std::span<double>(x.data(), n));  // x ~ q
        for (std::size_t i = 0; i < n; ++i) {
            log_q[i] = -0.5 * x[i] * x[i] - half_log_two_pi;
            const double d = x[i] - mu;
            log_p[i] = -0.5 * d * d - half_log_two_pi;
        }
        estimates.merge(kldiv::kl_estimates(std::span<const double>(log_q.data(), n),
                                            std::span<const double>(log_p.data(), n)));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const exact_values truth = exact(mu);
    std::printf("\np = N(%g, 1), q = N(0, 1), true KL = %g, %ld samples (SIMD: %s)\n\n", mu, truth.kl, samples,
                kldiv::simd::name(kldiv::simd::active_isa()));
    std::printf("| estimator | bias / true KL | std / true KL | exact bias / KL | exact std / KL | samples/s |\n");
    std::printf("|---|---:|---:|---:|---:|---:|\n");
    const auto row = [&](const char* name, const kldiv::running_stats& s, double exact_bias, double exact_std) {
        std::printf("| %s | %.4f | %.4f | %.4f | %.4f | %.3g |\n", name, (s.mean() - truth.kl) / truth.kl,
                    s.stddev() / truth.kl, exact_bias, exact_std, double(samples) / seconds);
    };
    row("k1", estimates.k1, 0.0, truth.k1_std);
    row("k2", estimates.k2, truth.k2_bias, truth.k2_std);
    row("k3", estimates.k3, 0.0, truth.k3_std);
    row("reverse (KL[p‖q])", estimates.reverse, 0.0, truth.reverse_std);
    std::printf("\nStandard error of the k3 mean: %.2g (relative %.2g); %.3f s for this table.\n",
                estimates.k3.standard_error(), estimates.k3.standard_error() / truth.kl, seconds);
}

}  // namespace

int main(int argc, char** argv) {
    // Optional argument: samples per table (default 10⁷, as in Schulman's post).
    const long samples = argc > 1 ? std::atol(argv[1]) : 10000000L;
    std::printf("Schulman's KL estimator tables, reproduced with kldiv %s\n", KLDIV_VERSION_STRING);
    const auto start = std::chrono::steady_clock::now();
    table(0.1, samples, 20200307);
    table(1.0, samples, 20200308);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\nTotal: %ld samples in %.3f s (%.3g samples/s), single thread.\n", 2 * samples, seconds,
                2.0 * double(samples) / seconds);
    return 0;
}
