// The one-pass kernel behind kl_estimates: per block of log-ratios ℓ = log p − log q, the sums
// and centred sums of squares of k1, k2, k3 and the reverse estimator, vectorised per ISA.
#pragma once

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

/// Σv/count and Σ keep·(v − mean)² over n values (keep = null: all count), two passes. The sums
/// run in independent lanes: a single running sum is a chain of dependent adds the compiler may
/// not reorder, which made these loops the kernel's bottleneck.
KLDIV_VECTOR_INLINE void mean_and_m2(const double* v, const double* keep, std::size_t n, double count, double& mean,
                                     double& m2) noexcept {
    mean = block_sum(v, n) / count;
#if defined(__GNUC__) && !defined(__clang__)
    typedef double lane_vector __attribute__((vector_size(32)));
    constexpr std::size_t width = 4;
    const std::size_t end = n - n % (2 * width);
    lane_vector square_a{}, square_b{};
    for (std::size_t i = 0; i < end; i += 2 * width) {
        lane_vector a, b;
        std::memcpy(&a, v + i, sizeof a);
        std::memcpy(&b, v + i + width, sizeof b);
        a -= mean, b -= mean;
        if (keep) {
            lane_vector ka, kb;
            std::memcpy(&ka, keep + i, sizeof ka);
            std::memcpy(&kb, keep + i + width, sizeof kb);
            a *= ka, b *= kb;
        }
        square_a += a * a, square_b += b * b;
    }
    const lane_vector square_ab = square_a + square_b;
    double squares = (square_ab[0] + square_ab[1]) + (square_ab[2] + square_ab[3]);
    for (std::size_t i = end; i < n; ++i) {
        const double d = (v[i] - mean) * (keep ? keep[i] : 1.0);
        squares += d * d;
    }
    m2 = squares;
#else
    double squares = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = (v[i] - mean) * (keep ? keep[i] : 1.0);
        squares += d * d;
    }
    m2 = squares;
#endif
}

/// One block (n ≤ block_size): values into stack arrays, then two passes (mean, then centred
/// squares) — vectorisable loops, and M2 without the cancellation of Σv² − n·mean².
/// plain: no options; clamped: ℓ clamped; general: clamp, weights and mask as given (null = off).
template <bool UseFma, block_mode Mode, class T>
KLDIV_VECTOR_INLINE void log_ratio_block(const T* log_q, const T* log_p, std::size_t n,
                                         const log_ratio_options& options, log_ratio_moments& out) noexcept {
    alignas(64) double v1[block_size], v2[block_size], v3[block_size], v4[block_size], keep[block_size];
    const T* weights = static_cast<const T*>(options.weights);
    const std::uint8_t* mask = options.mask;
    const double limit = (Mode == block_mode::plain || !options.clamp) ? __builtin_inf() : options.clamp_limit;
    std::uint64_t clamped = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double l = static_cast<double>(log_p[i]) - static_cast<double>(log_q[i]);  // exact for float input
        if constexpr (Mode != block_mode::plain) {
            clamped += (l > limit || l < -limit) ? 1 : 0;
            l = (l > limit) ? limit : l;
            l = (l < -limit) ? -limit : l;
        }
        double a = -l, b = 0.5 * l * l, c, d;
        if constexpr (std::is_same_v<T, float>)
            float_grade_residuals<UseFma>(l, c, d);  // 1e-14 relative: beyond float's own precision
        else
            expm1mx_and_rlogr_residual<UseFma>(l, c, d);
        if constexpr (Mode == block_mode::general) {
            const double w = weights ? static_cast<double>(weights[i]) : 1.0;
            const bool use = mask ? mask[i] != 0 : true;
            a *= w, b *= w, c *= w, d *= w;
            keep[i] = use ? 1.0 : 0.0;
            a = use ? a : 0.0, b = use ? b : 0.0, c = use ? c : 0.0, d = use ? d : 0.0;
        }
        v1[i] = a, v2[i] = b, v3[i] = c, v4[i] = d;
    }
    double count = static_cast<double>(n);
    if constexpr (Mode == block_mode::general) {
        count = 0;
        for (std::size_t i = 0; i < n; ++i) count += keep[i];
    }
    out.count = count;
    out.clamped = clamped;
    if (count == 0) return;
    const double* values[4] = {v1, v2, v3, v4};
    for (int s = 0; s < 4; ++s)
        mean_and_m2(values[s], Mode == block_mode::general ? keep : nullptr, n, count, out.mean[s], out.m2[s]);
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
/// double lanes (float_grade_of: ≤ 1e-12 relative, far below a float ulp) and summed in lanes
/// about a shift (the block's first values), so M2 = Σa² − (Σa)²/n keeps its digits.
/// n must be a positive multiple of W. Returns false, leaving `out` unspecified, if any |ℓ|
/// exceeds 640 or is not finite (then the caller runs the double-word path on the block).
template <int W>
KLDIV_VECTOR_INLINE void float_lanes_values(const float* log_q, const float* log_p, typename lanes<W>::hd (&value)[4],
                                            double_range_watch<W>& watch) noexcept {
    using L = lanes<W>;
    const typename L::hd l = L::load_half(log_p) - L::load_half(log_q);  // exact
    watch.see(l);
    const auto r = float_grade_of<W>(l);
    value[0] = l, value[1] = 0.5 * l * l, value[2] = r.phi, value[3] = r.rho;
}

template <int W>
KLDIV_VECTOR_INLINE bool float_lanes_block(const float* log_q, const float* log_p, std::size_t n,
                                           log_ratio_moments& out) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    constexpr int H = W / 2;
    double_range_watch<W> watch;
    D value[4], shift[4], sum[4] = {}, square[4] = {};
    float_lanes_values<W>(log_q, log_p, value, watch);
    for (int s = 0; s < 4; ++s) shift[s] = D{} + value[s][0];
    for (std::size_t i = 0;;) {
        for (int s = 0; s < 4; ++s) {
            const D a = value[s] - shift[s];
            sum[s] += a;
            square[s] += a * a;
        }
        i += H;
        if (i >= n) break;
        float_lanes_values<W>(log_q + i, log_p + i, value, watch);
    }
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
