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
/// null: all count), two passes. The arrays are summed side by side, each in four eight-double
/// lane vectors a pass (32 partial sums: a single running sum is a chain of dependent adds the
/// compiler may not reorder), then pairwise: at most 7 + 5 roundings on the way to a total, so
/// the mean is within 12ε·Σ|v|/count of the exact mean of the values and M2 within ~15ε of Σ(v −
/// mean)² (kl_estimates' 16ε contract, with the per-sample error on top). The arrays (and keep)
/// are padded in place to a multiple of 32 — zeros for the sums, the mean for the squares — so
/// they must have room for that (block_size is a multiple of 32).
template <unsigned Stats>
KLDIV_VECTOR_INLINE void means_and_m2s(double* const (&v)[4], double* keep, std::size_t n, double count,
                                       double (&mean)[4], double (&m2)[4]) noexcept {
    // Arrays not asked for (bit s of Stats clear) are skipped in every loop: the tests are
    // compile-time.
    constexpr auto wanted = [](int s) { return ((Stats >> s) & 1u) != 0; };
    constexpr std::size_t width = 8, ways = 4, step = width * ways;
    const std::size_t end = (n + step - 1) / step * step;
    for (int s = 0; s < 4; ++s)
        if (wanted(s))
            for (std::size_t i = n; i < end; ++i) v[s][i] = 0.0;
    if (keep)
        for (std::size_t i = n; i < end; ++i) keep[i] = 0.0;
#if defined(__GNUC__) && !defined(__clang__)
    typedef double lane_vector __attribute__((vector_size(64)));
    // The 32 partial sums of one array, pairwise.
    const auto total_of = [](const lane_vector(&x)[ways]) __attribute__((always_inline)) {
        const lane_vector y = (x[0] + x[1]) + (x[2] + x[3]);
        return ((y[0] + y[1]) + (y[2] + y[3])) + ((y[4] + y[5]) + (y[6] + y[7]));
    };
    lane_vector sums[4][ways] = {};
    for (std::size_t i = 0; i < end; i += step)
        for (int s = 0; s < 4; ++s) {
            if (!wanted(s)) continue;
            for (std::size_t w = 0; w < ways; ++w) {
                lane_vector x;
                std::memcpy(&x, v[s] + i + w * width, sizeof x);
                sums[s][w] += x;
            }
        }
    for (int s = 0; s < 4; ++s) {
        if (!wanted(s)) continue;
        mean[s] = total_of(sums[s]) / count;
        if (!keep)
            for (std::size_t i = n; i < end; ++i) v[s][i] = mean[s];  // the padding adds no square
    }
    lane_vector squares[4][ways] = {};
    for (std::size_t i = 0; i < end; i += step) {
        for (std::size_t w = 0; w < ways; ++w) {
            lane_vector k;
            if (keep) std::memcpy(&k, keep + i + w * width, sizeof k);
            for (int s = 0; s < 4; ++s) {
                if (!wanted(s)) continue;
                lane_vector x;
                std::memcpy(&x, v[s] + i + w * width, sizeof x);
                lane_vector d = x - mean[s];
                if (keep) d *= k;  // loop-invariant: the compiler unswitches it
                squares[s][w] += d * d;
            }
        }
    }
    for (int s = 0; s < 4; ++s)
        if (wanted(s)) m2[s] = total_of(squares[s]);
#else
    // The same partial sums, in scalars.
    for (int s = 0; s < 4; ++s) {
        if (!wanted(s)) continue;
        double partial[step] = {};
        for (std::size_t i = 0; i < end; i += step)
            for (std::size_t j = 0; j < step; ++j) partial[j] += v[s][i + j];
        for (std::size_t width_now = step / 2; width_now > 0; width_now /= 2)
            for (std::size_t j = 0; j < width_now; ++j) partial[j] += partial[j + width_now];
        mean[s] = partial[0] / count;
        double squares[step] = {};
        for (std::size_t i = 0; i < end; i += step)
            for (std::size_t j = 0; j < step; ++j) {
                const double d = (i + j < n) ? (v[s][i + j] - mean[s]) * (keep ? keep[i + j] : 1.0) : 0.0;
                squares[j] += d * d;
            }
        for (std::size_t width_now = step / 2; width_now > 0; width_now /= 2)
            for (std::size_t j = 0; j < width_now; ++j) squares[j] += squares[j + width_now];
        m2[s] = squares[0];
    }
#endif
}

/// At most this many elements of a block outside the near-zero evaluator's range are redone one
/// by one; with more, the whole block takes the vectorised full-range loop instead
/// (near_zero_or_full_range).
inline constexpr std::size_t max_scalar_fixups = 8;

/// Elements 0 … n−1 of a block, each by near_zero(i) (the reduction-free evaluator, |x| < 1; it
/// returns outside(i), from the argument it has at hand) or full_range(i), counting the elements
/// outside near_zero's range (outside(i)): with more than
/// max_scalar_fixups the block goes to full_range(i) whole, else near_zero(i) runs for every
/// element and full_range(i) redoes the few. The count is taken in near_zero's loop, unless
/// expect_outside (the previous block's outcome, updated here) says the block will most likely
/// go whole to full_range: then a pass of its own counts first, and near_zero's work is not
/// thrown away (a separate pass cost 25 % of kl_estimates' double k3 where nothing is outside).
/// full_range must be of near_zero's tier or a tighter one (the result's bound is near_zero's).
/// Every loop is one the vectoriser takes (the count is a lane sum of 0/1).
template <class NearZero, class FullRange, class Outside>
KLDIV_VECTOR_INLINE void near_zero_or_full_range(std::size_t n, NearZero&& near_zero, FullRange&& full_range,
                                                 Outside&& outside, bool& expect_outside) noexcept {
    std::uint64_t count = 0;
    if (expect_outside) {
        for (std::size_t i = 0; i < n; ++i) count += outside(i) ? 1 : 0;
        if (count <= max_scalar_fixups)
            for (std::size_t i = 0; i < n; ++i) near_zero(i);
    } else {
        for (std::size_t i = 0; i < n; ++i) count += near_zero(i) ? 1 : 0;
    }
    expect_outside = count > max_scalar_fixups;
    if (count > max_scalar_fixups) {
        for (std::size_t i = 0; i < n; ++i) full_range(i);
        return;
    }
    if (count > 0)
        for (std::size_t i = 0; i < n; ++i)
            if (outside(i)) full_range(i);
}

}  // namespace kldiv::simd::detail
