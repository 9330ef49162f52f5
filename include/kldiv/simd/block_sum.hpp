// Σv over a block of doubles in independent lanes (plain or compensated): a single running sum is
// a chain of dependent adds the compiler may not reorder (no -ffast-math), a kernel's bottleneck.
#pragma once

#include <cstddef>
#include <cstring>

#include "kldiv/simd/residuals.hpp"

namespace kldiv::simd::detail {

/// Σv[i], i < n, in eight interleaved partial sums combined pairwise. Error ≤ (n/8 + 3)·ε·Σ|vᵢ|
/// (ε = 2⁻⁵³): blocks of a few hundred values sum to ~1e-14 relative before the caller merges
/// the blocks with compensation. Inf and NaN propagate as in a plain sum.
KLDIV_VECTOR_INLINE double block_sum(const double* v, std::size_t n) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
    typedef double lane_vector __attribute__((vector_size(32)));
    constexpr std::size_t width = 4;
    const std::size_t end = n - n % (2 * width);
    lane_vector sum_a{}, sum_b{};
    for (std::size_t i = 0; i < end; i += 2 * width) {
        lane_vector a, b;
        std::memcpy(&a, v + i, sizeof a);
        std::memcpy(&b, v + i + width, sizeof b);
        sum_a += a, sum_b += b;
    }
    const lane_vector sum_ab = sum_a + sum_b;
    double total = (sum_ab[0] + sum_ab[1]) + (sum_ab[2] + sum_ab[3]);
    for (std::size_t i = end; i < n; ++i) total += v[i];
    return total;
#else
    double lanes[8] = {};
    const std::size_t end = n - n % 8;
    for (std::size_t i = 0; i < end; i += 8)
        for (std::size_t j = 0; j < 8; ++j) lanes[j] += v[i + j];
    double total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    for (std::size_t i = end; i < n; ++i) total += v[i];
    return total;
#endif
}

/// Σv[i], i < n, in eight compensated lanes (each addition's rounding error recovered by TwoSum
/// and accumulated), combined with compensation: error ≤ 2ε·|Σv| + n·ε²·Σ|vᵢ|, as
/// compensated_sum, at a fraction of its cost (no dependency chain across lanes).
KLDIV_VECTOR_INLINE double_word<double> compensated_block_sum(const double* v, std::size_t n) noexcept {
#if defined(__GNUC__) && !defined(__clang__)
    typedef double lane_vector __attribute__((vector_size(64)));
    constexpr std::size_t width = 8;
    const std::size_t end = n - n % width;
    lane_vector total{}, error{};
    for (std::size_t i = 0; i < end; i += width) {
        lane_vector x;
        std::memcpy(&x, v + i, sizeof x);
        const lane_vector s = total + x;
        const lane_vector x_virtual = s - total;
        error += (total - (s - x_virtual)) + (x - x_virtual);
        total = s;
    }
    double_word<double> result{0, 0};
    for (std::size_t j = 0; j < width; ++j) {
        const auto s = sum(result.hi, total[j]);
        result = {s.hi, result.lo + (s.lo + error[j])};
    }
#else
    const std::size_t end = 0;
    double_word<double> result{0, 0};
#endif
    for (std::size_t i = end; i < n; ++i) {
        const auto s = sum(result.hi, v[i]);
        result = {s.hi, result.lo + s.lo};
    }
    // An infinite term leaves inf − inf in the error lanes: the plain sum is the answer then.
    if (!(result.hi - result.hi == 0)) result.lo = 0;
    return result;
}

}  // namespace kldiv::simd::detail
