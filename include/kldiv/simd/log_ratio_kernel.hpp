// The one-pass kernel behind kl_estimates: per block of log-ratios ℓ = log p − log q, the sums
// and centred sums of squares of k1, k2, k3 and the reverse estimator, vectorised per ISA.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kldiv/simd/block_sum.hpp"
#include "kldiv/simd/dispatch.hpp"
#include "kldiv/simd/float_lanes.hpp"
#include "kldiv/simd/residuals.hpp"

namespace kldiv::simd {

/// Per-estimator count, mean and M2 of one block, ready for a Chan merge.
struct log_ratio_moments {
    double count = 0;
    double mean[4] = {0, 0, 0, 0};  // k1, k2, k3, reverse
    double m2[4] = {0, 0, 0, 0};
    std::uint64_t clamped = 0;
};

/// What the kernel is asked to do beyond the plain path.
struct log_ratio_options {
    bool clamp = false;
    double clamp_limit = 0;              // ℓ is clamped to [−limit, limit] when clamp is set
    const void* weights = nullptr;       // same element type as the log-probabilities, or null
    const std::uint8_t* mask = nullptr;  // 0 = skip the sample, or null
};

namespace detail {

inline constexpr std::size_t block_size = 256;

enum class block_mode { plain, clamped, general };

/// For each of the four value arrays: Σv/count and Σ keep·(v − mean)² over n values (keep =
/// null: all count), two passes. The four arrays are summed side by side in eight-double lanes,
/// four independent accumulators per pass: a single running sum is a chain of dependent adds the
/// compiler may not reorder, and one chain per array was still latency-bound.
KLDIV_VECTOR_INLINE void means_and_m2s(const double* const (&v)[4], const double* keep, std::size_t n, double count,
                                       double (&mean)[4], double (&m2)[4]) noexcept {
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
            lane_vector x;
            std::memcpy(&x, v[s] + i, sizeof x);
            sums[s] += x;
        }
    for (int s = 0; s < 4; ++s) {
        double total = lane_total(sums[s]);
        for (std::size_t i = end; i < n; ++i) total += v[s][i];
        mean[s] = total / count;
    }
    lane_vector squares[4] = {};
    for (std::size_t i = 0; i < end; i += width) {
        lane_vector k;
        if (keep) std::memcpy(&k, keep + i, sizeof k);
        for (int s = 0; s < 4; ++s) {
            lane_vector x;
            std::memcpy(&x, v[s] + i, sizeof x);
            lane_vector d = x - mean[s];
            if (keep) d *= k;  // loop-invariant: the compiler unswitches it
            squares[s] += d * d;
        }
    }
    for (int s = 0; s < 4; ++s) {
        double total = lane_total(squares[s]);
        for (std::size_t i = end; i < n; ++i) {
            const double d = (v[s][i] - mean[s]) * (keep ? keep[i] : 1.0);
            total += d * d;
        }
        m2[s] = total;
    }
#else
    for (int s = 0; s < 4; ++s) {
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

/// At most this many samples of a double block with |ℓ| ≥ 1 are redone one by one; with more,
/// the whole block is redone in the vectorised full-range path.
inline constexpr std::size_t max_scalar_fixups = 8;

/// One block (n ≤ block_size): values into stack arrays, then two passes (mean, then centred
/// squares) — vectorisable loops, and M2 without the cancellation of Σv² − n·mean².
/// plain: no options; clamped: ℓ clamped; general: clamp, weights and mask as given (null = off).
/// Double input takes the cheap residuals (no reduction, |ℓ| < 1) for every sample first, then
/// redoes the samples outside that range with the full-range residuals.
template <bool UseFma, block_mode Mode, class T>
KLDIV_VECTOR_INLINE void log_ratio_block(const T* log_q, const T* log_p, std::size_t n,
                                         const log_ratio_options& options, log_ratio_moments& out) noexcept {
    alignas(64) double v1[block_size], v2[block_size], v3[block_size], v4[block_size], keep[block_size];
    const T* weights = static_cast<const T*>(options.weights);
    const std::uint8_t* mask = options.mask;
    const double limit = (Mode == block_mode::plain || !options.clamp) ? __builtin_inf() : options.clamp_limit;
    // ℓ of sample i after the clamp.
    const auto log_ratio = [&](std::size_t i) __attribute__((always_inline)) {
        double l = static_cast<double>(log_p[i]) - static_cast<double>(log_q[i]);  // exact for float input
        if constexpr (Mode != block_mode::plain) {
            l = (l > limit) ? limit : l;
            l = (l < -limit) ? -limit : l;
        }
        return l;
    };
    // Sample i's values into the arrays; returns its ℓ. Residuals(ℓ, φ, ρ).
    const auto sample = [&](std::size_t i, auto residuals) __attribute__((always_inline)) {
        const double l = log_ratio(i);
        double a = -l, b = 0.5 * l * l, c, d;
        residuals(l, c, d);
        if constexpr (Mode == block_mode::general) {
            const double w = weights ? static_cast<double>(weights[i]) : 1.0;
            const bool use = mask ? mask[i] != 0 : true;
            a *= w, b *= w, c *= w, d *= w;
            keep[i] = use ? 1.0 : 0.0;
            a = use ? a : 0.0, b = use ? b : 0.0, c = use ? c : 0.0, d = use ? d : 0.0;
        }
        v1[i] = a, v2[i] = b, v3[i] = c, v4[i] = d;
        return l;
    };
    const auto full_range = [](double l, double& c, double& d) __attribute__((always_inline)) {
        if constexpr (std::is_same_v<T, float>)
            float_grade_residuals<UseFma>(l, c, d);  // 1e-14 relative: beyond float's own precision
        else
            expm1mx_and_rlogr_residual<UseFma>(l, c, d);
    };
    std::uint64_t clamped = 0;
    if constexpr (Mode != block_mode::plain) {
        for (std::size_t i = 0; i < n; ++i) {
            const double l = static_cast<double>(log_p[i]) - static_cast<double>(log_q[i]);
            clamped += (l > limit || l < -limit) ? 1 : 0;
        }
    }
    if constexpr (std::is_same_v<T, float>) {
        for (std::size_t i = 0; i < n; ++i) sample(i, full_range);
    } else {
        std::uint64_t outside = 0;  // samples with |ℓ| ≥ 1, inf or NaN
        for (std::size_t i = 0; i < n; ++i) {
            const double l = sample(
                i, [](double x, double& c, double& d)
                       __attribute__((always_inline)) { small_log_ratio_residuals<UseFma>(x, c, d); });
            outside += (std::fabs(l) < small_residual_limit) ? 0 : 1;
        }
        if (outside > max_scalar_fixups) {
            for (std::size_t i = 0; i < n; ++i) sample(i, full_range);
        } else if (outside > 0) {
            for (std::size_t i = 0; i < n; ++i)
                if (!(std::fabs(log_ratio(i)) < small_residual_limit)) sample(i, full_range);
        }
    }
    double count = static_cast<double>(n);
    if constexpr (Mode == block_mode::general) {
        count = 0;
        for (std::size_t i = 0; i < n; ++i) count += keep[i];
    }
    out.count = count;
    out.clamped = clamped;
    if (count == 0) return;
    const double* const values[4] = {v1, v2, v3, v4};
    means_and_m2s(values, Mode == block_mode::general ? keep : nullptr, n, count, out.mean, out.m2);
}

/// All blocks of n samples, each handed to sink(log_ratio_moments) in order.
template <bool UseFma, class T, class Sink>
KLDIV_VECTOR_INLINE void log_ratio_blocks(const T* log_q, const T* log_p, std::size_t n,
                                          const log_ratio_options& options, Sink& sink) noexcept {
    const bool general = options.weights != nullptr || options.mask != nullptr;
    for (std::size_t start = 0; start < n; start += block_size) {
        const std::size_t count = (n - start < block_size) ? n - start : block_size;
        log_ratio_options shifted = options;
        if (options.weights) shifted.weights = static_cast<const T*>(options.weights) + start;
        if (options.mask) shifted.mask = options.mask + start;
        log_ratio_moments block;
        // The plain path gets its own instantiation so that options cost it nothing.
        if (general)
            log_ratio_block<UseFma, block_mode::general>(log_q + start, log_p + start, count, shifted, block);
        else if (options.clamp)
            log_ratio_block<UseFma, block_mode::clamped>(log_q + start, log_p + start, count, shifted, block);
        else
            log_ratio_block<UseFma, block_mode::plain>(log_q + start, log_p + start, count, shifted, block);
        sink(block);
    }
}

#if defined(KLDIV_HAVE_FLOAT_LANES)
inline constexpr std::size_t fast_block_size = 2048;

/// Float input, no options: blocks of fast_block_size samples; ℓ, ½ℓ², φ and ρ evaluated in
/// double lanes (≤ 1e-13 relative, far below a float ulp) and summed in lanes about a shift
/// (the block's first values), so M2 = Σa² − (Σa)²/n keeps its digits. Samples go in groups of
/// four registers: a group with every |ℓ| < 1 takes small_float_grade_of (no reduction), any
/// other group float_grade_of. n must be a positive multiple of W. Returns false, leaving `out`
/// unspecified, if any |ℓ| exceeds 640 or is not finite (then the caller runs the double-word
/// path on the block): ±inf and large |ℓ| can only be in groups of the second kind, which are
/// watched; a NaN anywhere makes the sums NaN, which is checked at the end.
template <int W>
KLDIV_VECTOR_INLINE bool float_lanes_block(const float* log_q, const float* log_p, std::size_t n,
                                           log_ratio_moments& out) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    constexpr std::size_t H = W / 2, group = 4;  // doubles per register, registers per group
    double_range_watch<W> watch;
    D shift[4], sum[4] = {}, square[4] = {};
    {
        const D l = L::load_half(log_p) - L::load_half(log_q);
        const auto r = float_grade_of<W>(l);
        const D first[4] = {l, r.half_square, r.phi, r.rho};
        for (int s = 0; s < 4; ++s) shift[s] = D{} + first[s][0];
    }
    const auto accumulate = [&](const D& l, const float_grade_lanes<D>& r) __attribute__((always_inline)) {
        const D value[4] = {l, r.half_square, r.phi, r.rho};
        for (int s = 0; s < 4; ++s) {
            const D a = value[s] - shift[s];
            sum[s] += a;
            square[s] += a * a;
        }
    };
    // A group of R registers at sample i: the ranges checked once for the group.
    const auto run_group = [&]<std::size_t R>(std::size_t i) __attribute__((always_inline)) {
        D l[R], largest{};
        for (std::size_t g = 0; g < R; ++g) {
            l[g] = L::load_half(log_p + i + g * H) - L::load_half(log_q + i + g * H);  // exact
            const D magnitude = L::abs(l[g]);
            largest = (magnitude > largest) ? magnitude : largest;
        }
        if (L::any_at_least(largest, small_float_grade_limit)) {
            for (std::size_t g = 0; g < R; ++g) {
                watch.see(l[g]);
                accumulate(l[g], float_grade_of<W>(l[g]));
            }
        } else {
            for (std::size_t g = 0; g < R; ++g) accumulate(l[g], small_float_grade_of<W>(l[g]));
        }
    };
    // n is a multiple of W = 2 registers: groups of 4 registers, then possibly one of 2.
    std::size_t i = 0;
    for (; n - i >= group * H; i += group * H) run_group.template operator()<group>(i);
    if (i < n) run_group.template operator()<2>(i);
    D nan_probe{};
    for (int s = 0; s < 4; ++s) nan_probe += sum[s] - sum[s];  // NaN ℓ → NaN sums (others are finite here)
    watch.see(nan_probe);
    if (!watch.in_range()) return false;
    const double count = static_cast<double>(n);
    out.count = count;
    out.clamped = 0;
    for (int s = 0; s < 4; ++s) {
        const double total = L::lane_sum(sum[s]);
        out.mean[s] = shift[s][0] + total / count;
        const double squares = L::lane_sum(square[s]);
        const double m2 = squares - total * (total / count);
        // Values past 10¹⁵⁴ overflow their squares: M2 is then +inf, as a Welford update gives.
        out.m2[s] = (squares == __builtin_inf()) ? squares : (m2 > 0 ? m2 : 0.0);
    }
    out.mean[0] = -out.mean[0];  // k1 = −ℓ
    return true;
}

struct float_lanes_body {
    template <int W, class Sink>
    KLDIV_VECTOR_INLINE static void run(const float* log_q, const float* log_p, std::size_t n,
                                        const log_ratio_options& options, Sink& sink) noexcept {
        std::size_t start = 0;
        const std::size_t vector_end = n - n % W;
        while (start < vector_end) {
            const std::size_t count = (vector_end - start < fast_block_size) ? vector_end - start : fast_block_size;
            log_ratio_moments block;
            if (float_lanes_block<W>(log_q + start, log_p + start, count, block)) {
                sink(block);
            } else {
                for (std::size_t sub = start; sub < start + count; sub += block_size) {
                    const std::size_t m = (start + count - sub < block_size) ? start + count - sub : block_size;
                    // 0/1 = no FMA is the portable choice here: this rare path is not the hot one.
                    log_ratio_block<false, block_mode::plain>(log_q + sub, log_p + sub, m, options, block);
                    sink(block);
                }
            }
            start += count;
        }
        if (start < n) {
            log_ratio_moments block;
            log_ratio_block<false, block_mode::plain>(log_q + start, log_p + start, n - start, options, block);
            sink(block);
        }
    }
};
#endif

struct log_ratio_body {
    template <bool UseFma, class T, class Sink>
    KLDIV_VECTOR_INLINE static void run(const T* log_q, const T* log_p, std::size_t n, const log_ratio_options& options,
                                        Sink& sink) noexcept {
        log_ratio_blocks<UseFma>(log_q, log_p, n, options, sink);
    }
};

}  // namespace detail

/// Runs the log-ratio kernel on the active instruction set (simd::active_isa()), calling
/// sink(log_ratio_moments) once per block of 256 samples, in order. Every path computes the
/// same quantities to within the residuals' ≤ 2 ulp; sums are per block in double, blocks are
/// merged by the caller (Chan), so results do not depend on the ISA beyond rounding.
template <class T, class Sink>
void log_ratio_kernel(const T* log_q, const T* log_p, std::size_t n, const log_ratio_options& options, Sink&& sink) {
#if defined(KLDIV_HAVE_FLOAT_LANES)
    if constexpr (std::is_same_v<T, float>) {
        if (!options.clamp && options.weights == nullptr && options.mask == nullptr) {
            detail::dispatch_lanes<detail::float_lanes_body>(log_q, log_p, n, options, sink);
            return;
        }
    }
#endif
    detail::dispatch<detail::log_ratio_body>(log_q, log_p, n, options, sink);
}

}  // namespace kldiv::simd
