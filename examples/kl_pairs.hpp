// Shared by mpi_kl_estimates and kl_pairs_tool: the binary input format (little-endian float
// pairs log_q, log_p per sample) and the printed result (hex floats, so runs compare bit for bit).
#pragma once

#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <kldiv/estimators/kl_estimates.hpp>

namespace kl_pairs {

/// Decodes `count` (log_q, log_p) pairs of little-endian floats from raw bytes.
inline void decode(const std::vector<unsigned char>& bytes, std::vector<float>& log_q, std::vector<float>& log_p) {
    const std::size_t count = bytes.size() / 8;
    log_q.resize(count);
    log_p.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::uint32_t words[2];
        for (int k = 0; k < 2; ++k) {
            words[k] = 0;
            for (int b = 0; b < 4; ++b)
                words[k] |= std::uint32_t{bytes[8 * i + 4 * static_cast<std::size_t>(k) + static_cast<std::size_t>(b)]}
                            << (8 * b);
        }
        log_q[i] = std::bit_cast<float>(words[0]);
        log_p[i] = std::bit_cast<float>(words[1]);
    }
}

/// Prints the estimates: readable values, then every statistic's bits as hex floats.
inline void print(const kldiv::kl_estimate_set& e) {
    std::printf("samples %llu\n", static_cast<unsigned long long>(e.k3.count()));
    std::printf("KL[q||p] (k3) = %.10g +- %.3g (standard error)\n", e.k3.mean(), e.k3.standard_error());
    std::printf("KL[p||q] (reverse) = %.10g +- %.3g\n", e.reverse.mean(), e.reverse.standard_error());
    const kldiv::running_stats* stats[] = {&e.k1, &e.k2, &e.k3, &e.reverse};
    const char* names[] = {"k1", "k2", "k3", "reverse"};
    for (int i = 0; i < 4; ++i)
        std::printf("%s mean %a m2 %a\n", names[i], stats[i]->mean(), stats[i]->sum_of_squared_deviations());
}

}  // namespace kl_pairs
