// The reductions of the kernels: sums over a block of doubles in independent lanes (plain or
// compensated; a single running sum is a chain of dependent adds the compiler may not reorder
// without -ffast-math, a kernel's bottleneck), means and centred sums of squares of a block, and
// the block strategy near_zero_or_full_range (the reduction-free evaluator where a block allows it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kldiv/core/summation.hpp"
#include "kldiv/simd/detail/arithmetic.hpp"

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

/// Adds a block's compensated sum (hi + lo) to a running compensated total.
inline void add_block(compensated_sum<double>& total, const double_word<double>& block) noexcept {
    total.add(block.hi);
    total.add(block.lo);
}

/// For each of the four value arrays: Σv/count and Σ keep·(v − mean)² over n values (keep =
/// null: all count), two passes. The four arrays are summed side by side in eight-double lanes,
/// four independent accumulators per pass: a single running sum is a chain of dependent adds the
/// compiler may not reorder, and one chain per array was still latency-bound.
template <unsigned Stats>
KLDIV_VECTOR_INLINE void means_and_m2s(const double* const (&v)[4], const double* keep, std::size_t n, double count,
                                       double (&mean)[4], double (&m2)[4]) noexcept {
    // Arrays not asked for (bit s of Stats clear) are skipped in every loop: the tests are
    // compile-time.
    constexpr auto wanted = [](int s) { return ((Stats >> s) & 1u) != 0; };
#if defined(__GNUC__) && !defined(__clang__)
    typedef double lane_vector __attribute__((vector_size(64)));
    constexpr std::size_t width = 8;
    const std::size_t end = n - n % width;
    const auto lane_total = [](const lane_vector& x) __attribute__((always_inline)) {
        return ((x[0] + x[1]) + (x[2] + x[3])) + ((x[4] + x[5]) + (x[6] + x[7]));
    };
    lane_vector sums[4] = {};
    for (std::size_t i = 0; i < end; i += width)
        for (int s = 0; s < 4; ++s) {
            if (!wanted(s)) continue;
            lane_vector x;
            std::memcpy(&x, v[s] + i, sizeof x);
            sums[s] += x;
        }
    for (int s = 0; s < 4; ++s) {
        if (!wanted(s)) continue;
        double total = lane_total(sums[s]);
        for (std::size_t i = end; i < n; ++i) total += v[s][i];
        mean[s] = total / count;
    }
    lane_vector squares[4] = {};
    for (std::size_t i = 0; i < end; i += width) {
        lane_vector k;
        if (keep) std::memcpy(&k, keep + i, sizeof k);
        for (int s = 0; s < 4; ++s) {
            if (!wanted(s)) continue;
            lane_vector x;
            std::memcpy(&x, v[s] + i, sizeof x);
            lane_vector d = x - mean[s];
            if (keep) d *= k;  // loop-invariant: the compiler unswitches it
            squares[s] += d * d;
        }
    }
    for (int s = 0; s < 4; ++s) {
        if (!wanted(s)) continue;
        double total = lane_total(squares[s]);
        for (std::size_t i = end; i < n; ++i) {
            const double d = (v[s][i] - mean[s]) * (keep ? keep[i] : 1.0);
            total += d * d;
        }
        m2[s] = total;
    }
#else
    for (int s = 0; s < 4; ++s) {
        if (!wanted(s)) continue;
        mean[s] = block_sum(v[s], n) / count;
        double squares = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double d = (v[s][i] - mean[s]) * (keep ? keep[i] : 1.0);
            squares += d * d;
        }
        m2[s] = squares;
    }
#endif
}

/// At most this many elements of a block outside the near-zero evaluator's range are redone one
/// by one; with more, the whole block takes the vectorised full-range loop instead
/// (near_zero_or_full_range).
inline constexpr std::size_t max_scalar_fixups = 8;

/// Elements 0 … n−1 of a block, each by near_zero(i) (the reduction-free evaluator, |x| < 1) or
/// full_range(i): a first pass counts the elements outside near_zero's range (outside(i)); with
/// more than max_scalar_fixups the block goes to full_range(i) whole, else near_zero(i) runs for
/// every element and full_range(i) redoes the few. Both evaluators must be of the same tier.
/// Every loop is one the vectoriser takes (the count is a lane sum of 0/1).
template <class NearZero, class FullRange, class Outside>
KLDIV_VECTOR_INLINE void near_zero_or_full_range(std::size_t n, NearZero&& near_zero, FullRange&& full_range,
                                                 Outside&& outside) noexcept {
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < n; ++i) count += outside(i) ? 1 : 0;
    if (count > max_scalar_fixups) {
        for (std::size_t i = 0; i < n; ++i) full_range(i);
        return;
    }
    for (std::size_t i = 0; i < n; ++i) near_zero(i);
    if (count > 0)
        for (std::size_t i = 0; i < n; ++i)
            if (outside(i)) full_range(i);
}

}  // namespace kldiv::simd::detail
