// The one-pass kernel behind kl_estimates: per block of log-ratios ℓ = log p − log q, the sums
// and centred sums of squares of k1, k2, k3 and the reverse estimator, vectorised per ISA.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kldiv/simd/detail/arithmetic.hpp"
#include "kldiv/simd/detail/exp_residuals.hpp"
#include "kldiv/simd/detail/lanes.hpp"
#include "kldiv/simd/detail/reductions.hpp"
#include "kldiv/simd/dispatch.hpp"

namespace kldiv::simd {

/// Per-estimator count, mean and M2 of one block, ready for a Chan merge.
struct log_ratio_moments {
    double count = 0;
    double mean[4] = {0, 0, 0, 0};  // k1, k2, k3, reverse
    double m2[4] = {0, 0, 0, 0};
    std::uint64_t clamped = 0;
};

/// Bits of log_ratio_options::statistics: which of the four the caller wants.
inline constexpr unsigned k1_statistic = 1, k2_statistic = 2, k3_statistic = 4, reverse_statistic = 8,
                          all_statistics = 15;

/// What the kernel is asked to do beyond the plain path.
struct log_ratio_options {
    /// Which statistics to compute (bits above); the others are left at count 0. The plain
    /// path has its own instantiation for k3 alone, k1 + k3, k3 + reverse and all four; other
    /// sets, and every set with options, compute all four and drop the rest.
    unsigned statistics = all_statistics;
    bool clamp = false;
    double clamp_limit = 0;              // ℓ is clamped to [−limit, limit] when clamp is set
    const void* weights = nullptr;       // same element type as the log-probabilities, or null
    const std::uint8_t* mask = nullptr;  // 0 = skip the sample, or null
};

namespace detail {

inline constexpr std::size_t block_size = 256;
static_assert(block_size % 32 == 0, "means_and_m2s pads the value arrays to a multiple of 32");

/// One block (n ≤ block_size): values into stack arrays, then two passes (mean, then centred
/// squares) — vectorisable loops, and M2 without the cancellation of Σv² − n·mean².
/// Clamp: ℓ clamped to ±options.clamp_limit when options.clamp; Weights, Mask: the option is
/// given (each combination is its own instantiation, so the loops stay branch-free and
/// vectorise). A masked sample's log-probabilities and weight are never read into the
/// arithmetic (padding may hold anything). Double input takes the near-zero residuals (no
/// reduction, |ℓ| < 1, residuals_within_3ulp_near_zero) when at most max_scalar_fixups samples of the block lie outside that
/// range (those few are redone with the full-range residuals), else the full-range residuals for
/// the whole block (near_zero_or_full_range; expect_outside carries its guess from block to block,
/// false for a first block).
template <bool UseFma, bool Clamp, bool Weights, bool Mask, unsigned Stats, class T>
KLDIV_VECTOR_INLINE void log_ratio_block(const T* log_q, const T* log_p, std::size_t n,
                                         const log_ratio_options& options, log_ratio_moments& out,
                                         bool& expect_outside) noexcept {
    alignas(64) double v1[block_size], v2[block_size], v3[block_size], v4[block_size], keep[block_size];
    const T* weights = static_cast<const T*>(options.weights);
    const std::uint8_t* mask = options.mask;
    const double limit = (Clamp && options.clamp) ? options.clamp_limit : __builtin_inf();
    // The mask as doubles first: a loop mixing bytes and doubles is vectorised for the bytes
    // (32 per step) and spills. An integer min and a conversion: GCC 12 leaves `mask[i] != 0`
    // (as a select or a bool) as a branch here.
    if constexpr (Mask)
        for (std::size_t i = 0; i < n; ++i) keep[i] = static_cast<double>(std::min<unsigned>(mask[i], 1u));
    const auto used = [&](std::size_t i) __attribute__((always_inline)) {
        if constexpr (Mask)
            return keep[i] != 0.0;
        else
            return true;
    };
    // ℓ of sample i before the clamp (0 for a masked sample) and after it.
    const auto raw_log_ratio = [&](std::size_t i) __attribute__((always_inline)) {
        const double l = static_cast<double>(log_p[i]) - static_cast<double>(log_q[i]);  // exact for float input
        return blend(used(i), l, 0.0);
    };
    const auto log_ratio = [&](std::size_t i) __attribute__((always_inline)) {
        double l = raw_log_ratio(i);
        if constexpr (Clamp) {
            l = blend(l > limit, limit, l);
            l = blend(l < -limit, -limit, l);
        }
        return l;
    };
    // Sample i's values into the arrays; returns its ℓ. Residuals(ℓ, φ, ρ).
    const auto sample = [&](std::size_t i, auto residuals) __attribute__((always_inline)) {
        const double l = log_ratio(i);
        double a = -l, b = 0.5 * l * l, c, d;
        residuals(l, c, d);
        if constexpr (Weights) {
            // A zero weight (or a masked sample) contributes exactly 0, also where a value is
            // ±inf or ℓ² overflows (0·inf would be NaN).
            const double w = blend(used(i), static_cast<double>(weights[i]), 0.0);
            const bool zero = w == 0.0;
            a = blend(zero, 0.0, a * w), b = blend(zero, 0.0, b * w), c = blend(zero, 0.0, c * w),
            d = blend(zero, 0.0, d * w);
        }
        // Only the statistics asked for are stored (and so computed: the rest is dead code).
        if constexpr ((Stats & k1_statistic) != 0) v1[i] = a;
        if constexpr ((Stats & k2_statistic) != 0) v2[i] = b;
        if constexpr ((Stats & k3_statistic) != 0) v3[i] = c;
        if constexpr ((Stats & reverse_statistic) != 0) v4[i] = d;
        return l;
    };
    const auto full_range = [](double l, double& c, double& d) __attribute__((always_inline)) {
        if constexpr (std::is_same_v<T, float>)
            residuals_within_float<UseFma>(l, c, d);  // 1e-14 relative: beyond float's own precision
        else
            residuals_within_2ulp<UseFma>(l, c, d);
    };
    std::uint64_t clamped = 0;
    if (Clamp && options.clamp) {
        for (std::size_t i = 0; i < n; ++i) {
            // One comparison: `l > limit || l < -limit` short-circuits into branches that stay scalar.
            clamped += (std::fabs(raw_log_ratio(i)) > limit) ? 1 : 0;
        }
    }
    if constexpr (std::is_same_v<T, float>) {
        for (std::size_t i = 0; i < n; ++i) sample(i, full_range);
    } else {
        // Samples with |ℓ| ≥ 1, inf or NaN take the full-range residuals.
        near_zero_or_full_range(
            n,
            [&](std::size_t i) __attribute__((always_inline)) {
                const double l = sample(
                    i, [](double x, double& c, double& d)
                           __attribute__((always_inline)) { residuals_within_3ulp_near_zero<UseFma>(x, c, d); });
                return !(std::fabs(l) < near_zero_limit);
            },
            [&](std::size_t i) __attribute__((always_inline)) { sample(i, full_range); },
            [&](std::size_t i)
                __attribute__((always_inline)) { return !(std::fabs(log_ratio(i)) < near_zero_limit); },
            expect_outside);
    }
    double count = static_cast<double>(n);
    if constexpr (Mask) count = block_sum(keep, n);  // exact: a sum of at most 256 ones
    out.count = count;
    out.clamped = clamped;
    if (count == 0) return;
    double* const values[4] = {v1, v2, v3, v4};
    means_and_m2s<Stats>(values, Mask ? keep : nullptr, n, count, out.mean, out.m2);
}

/// Runs Block::template run<Clamp, Weights, Mask, Stats>(...) for the options given: the plain
/// path (no options) and the clamp-only path have their own instantiations, so options cost the
/// plain path nothing; with weights or a mask the clamp is checked at run time. The plain path
/// also has one instantiation per statistics set users ask for (k3; k1 + k3; k3 + reverse; all),
/// which computes nothing else; any other set computes all four.
template <class Block, class... Args>
KLDIV_VECTOR_INLINE void with_options(const log_ratio_options& options, Args&&... args) noexcept {
    const bool weights = options.weights != nullptr, mask = options.mask != nullptr;
    if (weights && mask)
        Block::template run<true, true, true, all_statistics>(static_cast<Args&&>(args)...);
    else if (weights)
        Block::template run<true, true, false, all_statistics>(static_cast<Args&&>(args)...);
    else if (mask)
        Block::template run<true, false, true, all_statistics>(static_cast<Args&&>(args)...);
    else if (options.clamp)
        Block::template run<true, false, false, all_statistics>(static_cast<Args&&>(args)...);
    else if (options.statistics == k3_statistic)
        Block::template run<false, false, false, k3_statistic>(static_cast<Args&&>(args)...);
    else if (options.statistics == (k1_statistic | k3_statistic))
        Block::template run<false, false, false, k1_statistic | k3_statistic>(static_cast<Args&&>(args)...);
    else if (options.statistics == (k3_statistic | reverse_statistic))
        Block::template run<false, false, false, k3_statistic | reverse_statistic>(static_cast<Args&&>(args)...);
    else
        Block::template run<false, false, false, all_statistics>(static_cast<Args&&>(args)...);
}

/// All blocks of n samples, each handed to sink(log_ratio_moments) in order.
template <bool UseFma, class T, class Sink>
struct log_ratio_blocks_body {
    template <bool Clamp, bool Weights, bool Mask, unsigned Stats>
    KLDIV_VECTOR_INLINE static void run(const T* log_q, const T* log_p, std::size_t n, const log_ratio_options& options,
                                        Sink& sink) noexcept {
        bool expect_outside = false;
        for (std::size_t start = 0; start < n; start += block_size) {
            const std::size_t count = (n - start < block_size) ? n - start : block_size;
            log_ratio_options shifted = options;
            if (Weights) shifted.weights = static_cast<const T*>(options.weights) + start;
            if (Mask) shifted.mask = options.mask + start;
            log_ratio_moments block;
            log_ratio_block<UseFma, Clamp, Weights, Mask, Stats>(log_q + start, log_p + start, count, shifted, block,
                                                                 expect_outside);
            sink(block);
        }
    }
};


#if defined(KLDIV_HAVE_FLOAT_LANES)
inline constexpr std::size_t fast_block_size = 2048;

/// Float input with options (clamp, weights, mask) or without FMA (W = 4): blocks of
/// fast_block_size samples; ℓ, ℓ² (k2 = ℓ²/2, scaled at the end), φ and ρ evaluated in double lanes (≤ 1e-13 relative, far below a float ulp) and summed in lanes about
/// a shift (the block's first values), so M2 = Σa² − (Σa)²/n keeps its digits. Samples go in
/// groups of four registers: a group with every |ℓ| < 1 takes residuals_within_float_near_zero_lanes (no
/// reduction), any other group residuals_within_float_lanes. Options as log_ratio_block: masked lanes get ℓ = 0 and weight 0 before
/// any arithmetic and are left out of every sum; the clamp applies to the others.
/// n must be a positive multiple of W. Returns false, leaving `out` unspecified, if any |ℓ|
/// exceeds 640 or is not finite (then the caller runs log_ratio_block on the block): ±inf and
/// large |ℓ| can only be in groups of the second kind, which are watched; a NaN anywhere (or a
/// non-finite weight) makes the sums non-finite, which is checked at the end.
template <int W, bool Clamp, bool Weights, bool Mask, unsigned Stats>
KLDIV_VECTOR_INLINE bool float_lanes_block(const float* log_q, const float* log_p, const float* weights,
                                           const std::uint8_t* mask, std::size_t n, double limit,
                                           log_ratio_moments& out) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    using I = typename L::hi;
    constexpr std::size_t H = W / 2, group = 4;  // doubles per register, registers per group
    double_range_watch<W> watch;
    D shift[4], sum[4] = {}, square[4] = {};
    I kept{}, clamped{};  // −(number of kept samples), −(number clamped), per lane
    // The register of samples at i: ℓ (masked, clamped), its weight and its mask.
    struct register_input {
        D l, w;
        I keep;
    };
    const auto load = [&](std::size_t i) __attribute__((always_inline)) {
        register_input in;
        in.l = L::load_half(log_p + i) - L::load_half(log_q + i);  // exact
        if constexpr (Mask) {
            in.keep = L::load_mask(mask + i);
            in.l = L::keep_where(in.keep, in.l);
        }
        if constexpr (Clamp) {
            clamped += L::abs(in.l) > limit;
            in.l = (in.l > limit) ? D{} + limit : in.l;
            in.l = (in.l < -limit) ? D{} - limit : in.l;
        }
        if constexpr (Weights) {
            in.w = L::load_half(weights + i);
            if constexpr (Mask) in.w = L::keep_where(in.keep, in.w);
        }
        return in;
    };
    const auto values =
        [](const register_input& in, const residual_lanes<D>& r, D(&value)[4]) __attribute__((always_inline)) {
        value[0] = in.l, value[1] = r.square, value[2] = r.phi,
        value[3] = r.rho;  // ℓ², not k2 = ℓ²/2: scaled at the end
        if constexpr (Weights)  // a zero weight contributes exactly 0, also against ±inf (no 0·inf)
            for (int s = 0; s < 4; ++s) value[s] = (in.w == 0) ? D{} : value[s] * in.w;
    };
    {
        const register_input first = load(0);
        D value[4];
        values(first, residuals_within_float_lanes<W>(first.l), value);
        for (int s = 0; s < 4; ++s) shift[s] = D{} + value[s][0];  // unused for statistics not asked for
        clamped = I{};  // counted again in the main loop
    }
    const auto accumulate = [&](const register_input& in, const residual_lanes<D>& r)
        __attribute__((always_inline)) {
        D value[4];
        values(in, r, value);
        for (int s = 0; s < 4; ++s) {
            if (((Stats >> s) & 1u) == 0) continue;  // compile-time: nothing computed for it
            D a = value[s] - shift[s];
            if constexpr (Mask) a = L::keep_where(in.keep, a);
            sum[s] += a;
            square[s] += a * a;
        }
        if constexpr (Mask) kept += in.keep;
    };
    // A group of R registers at sample i: the ranges checked once for the group.
    const auto run_group = [&]<std::size_t R>(std::size_t i) __attribute__((always_inline)) {
        register_input in[R];
        D largest{};
        for (std::size_t g = 0; g < R; ++g) {
            in[g] = load(i + g * H);
            const D magnitude = L::abs(in[g].l);
            largest = (magnitude > largest) ? magnitude : largest;
        }
        if (L::any_at_least(largest, near_zero_limit)) {
            for (std::size_t g = 0; g < R; ++g) {
                watch.see(in[g].l);
                accumulate(in[g], residuals_within_float_lanes<W>(in[g].l));
            }
        } else {
            for (std::size_t g = 0; g < R; ++g) accumulate(in[g], residuals_within_float_near_zero_lanes<W>(in[g].l));
        }
    };
    // n is a multiple of W = 2 registers: groups of 4 registers, then possibly one of 2.
    std::size_t i = 0;
    for (; n - i >= group * H; i += group * H) run_group.template operator()<group>(i);
    if (i < n) run_group.template operator()<2>(i);
    D probe{};
    for (int s = 0; s < 4; ++s) probe += sum[s] - sum[s];  // NaN ℓ or a non-finite weight → NaN
    watch.see(probe);
    if (!watch.in_range()) return false;
    const double count = Mask ? static_cast<double>(-L::lane_sum(kept)) : static_cast<double>(n);
    out.count = count;
    out.clamped = static_cast<std::uint64_t>(-L::lane_sum(clamped));
    if (count == 0) return true;
    for (int s = 0; s < 4; ++s) {
        if (((Stats >> s) & 1u) == 0) continue;
        const double total = L::lane_sum(sum[s]);
        out.mean[s] = shift[s][0] + total / count;
        const double squares = L::lane_sum(square[s]);
        const double m2 = squares - total * (total / count);
        // Values past 10¹⁵⁴ overflow their squares: M2 is then +inf, as a Welford update gives.
        out.m2[s] = (squares == __builtin_inf()) ? squares : (m2 > 0 ? m2 : 0.0);
    }
    out.mean[0] = -out.mean[0];             // k1 = −ℓ
    out.mean[1] *= 0.5, out.m2[1] *= 0.25;  // k2 = ℓ²/2 (exact scalings; one multiply less per register)
    return true;
}

/// Float input on the plain path (no clamp, weights or mask), W ≥ 8: the statistics in float
/// lanes, whose accuracy is stated in float units. Per group of four registers, ℓ = fl(log p −
/// log q). Where every ℓ of the group is 0 or has 2⁻⁴⁸ < |ℓ| < 1 (two integer tests on the bits
/// a register), ℓ², φ and ρ are evaluated in float lanes (residuals_in_float_lanes) and each lane
/// keeps its four values' sum (pairwise: exact for equal values) and their M2 about their own mean
/// m (x·2⁶⁰ − m·2⁶⁰ by one FMA, squared and summed: the scale keeps every square such a group can
/// have in float's normal range); unmasked groups are merged in float, in pairs and pairs of
/// pairs (Chan: M2a + M2b + (c/2)(ma − mb)² for two sets of c a lane); the sums, the M2 and the
/// means' offsets m − s from the block's shift s then go to double lanes, where the spread
/// between the groups is summed as 4·Σ(m − s) and 4·Σ(m − s)² (a merged set of 4k counting k
/// times). So M2 is centred twice — nothing cancels in float — and the bound
/// is on Σ(x − x̄)² itself. Samples outside (NaN, ±inf, |ℓ| ≥ 1, tiny ℓ) take the exact ℓ in double
/// lanes after the loop (residuals_within_float_lanes, watched for |ℓ| > 640 and non-finite),
/// summing x − s and (x − s)² in double: where one or two lanes of a group hold them, those lanes'
/// samples alone (the group's other lanes stay in float, the lanes set aside masked to 0); where
/// more do, the group's four registers; and the last n mod 4W samples. s: the first sample's value
/// as its register's path computes it, so constant ℓ gives M2 = 0 exactly. n must be a positive
/// multiple of W. Returns false (out unspecified) where the watch saw a value outside the double
/// lanes' range; the caller then reruns the block.
template <int W, unsigned Stats>
KLDIV_VECTOR_INLINE bool plain_float_block(const float* log_q, const float* log_p, std::size_t n,
                                           log_ratio_moments& out) noexcept {
    using L = lanes<W>;
    using F = typename L::ff;
    using D = typename L::hd;
    using U = typename vector_types<W>::fu32;
    constexpr std::size_t half = W / 2, group = 4;
    constexpr std::uint32_t smallest_bits = (127u - 48u) << 23, one_bits = 127u << 23;  // 2⁻⁴⁸, 1
    constexpr float up = 0x1p60f;
    constexpr auto wanted = [](int s) constexpr { return ((Stats >> s) & 1u) != 0; };
    double_range_watch<W> watch;
    D sum[4] = {}, shifted[4] = {}, squares[4] = {};  // Σx, Σ(x − s), Σ(x − s)², x a group mean ×4 or a sample
    D within[4] = {};                                 // Σ of the float groups' M2, scaled by 2¹²⁰
    // x of statistic s (ℓ, ℓ², φ, ρ: k1 and k2 are scaled at the end) in float and in double lanes.
    const auto float_values = [](const F& p, const F& q, const F& l, F(&x)[4]) __attribute__((always_inline)) {
        const auto r =
            residuals_in_float_lanes<W, (Stats & k3_statistic) != 0, (Stats & reverse_statistic) != 0>(p, q, l);
        x[0] = l, x[1] = r.square, x[2] = r.phi, x[3] = r.rho;
    };
    const auto double_values = [](const D& l, D(&x)[4]) __attribute__((always_inline)) {
        const auto r = residuals_within_float_lanes<W>(l);
        x[0] = l, x[1] = r.square, x[2] = r.phi, x[3] = r.rho;
    };
    const auto magnitude_bits = [](const F& l) __attribute__((always_inline)) {
        U bits;
        std::memcpy(&bits, &l, sizeof bits);
        return bits & 0x7fffffffu;
    };
    const auto in_float_range = [](std::uint32_t m) { return m == 0 || (m > smallest_bits && m < one_bits); };
    double shift[4];
    {
        const F p = L::load_full(log_p), q = L::load_full(log_q), l = p - q;
        if (in_float_range(magnitude_bits(l)[0])) {
            F y[4];
            float_values(p, q, l, y);
            for (int s = 0; s < 4; ++s) shift[s] = y[s][0];
        } else {
            D x[4];
            double_values(L::load_half(log_p) - L::load_half(log_q), x);
            for (int s = 0; s < 4; ++s) shift[s] = x[s][0];
        }
    }
    // Per lane and statistic, a float group's sum of values, their mean ×2⁶⁰ and M2 about it ×2¹²⁰.
    struct group_moments {
        F total[4], centre[4], m2[4];
    };
    // Into the double lanes: the M2, the sum, and the offset of the mean from the shift, counted
    // Count/4 times (shifted and squares are kept divided by 4: a float group of four counts once).
    // Masked: valid_low/high (1 or 0 a lane) take the lanes set aside out of the offsets.
    const auto to_double = [&]<std::size_t Count, bool Masked>(const group_moments& g, const D& valid_low,
                                                                const D& valid_high) __attribute__((always_inline)) {
        for (int s = 0; s < 4; ++s) {
            if (!wanted(s)) continue;
            within[s] += L::halves_sum(g.m2[s]);
            D low, high;
            L::halves(g.total[s], low, high);
            sum[s] += low + high;
            D a_low = low * (1.0 / Count) - shift[s], a_high = high * (1.0 / Count) - shift[s];
            if constexpr (Masked) a_low *= valid_low, a_high *= valid_high;
            constexpr double times = Count / group;  // 1, 2 or 4: exact
            shifted[s] += (a_low + a_high) * times;
            squares[s] += (a_low * a_low + a_high * a_high) * times;
        }
    };
    // A group of four registers in float lanes. Masked (keep: all ones in the lanes kept): the
    // lanes set aside get p = q = ℓ = 0, so their four values are 0, their sum and M2 are 0, and
    // their offsets from the shift are multiplied by 0; their samples go to the double lanes.
    const auto float_group = [&](std::size_t i, const F(&l)[group], auto masked, const U& keep)
                                 __attribute__((always_inline)) {
        constexpr bool Masked = decltype(masked)::value;
        F x[group][4];
        for (std::size_t g = 0; g < group; ++g) {
            F p = L::load_full(log_p + i + g * W), q = L::load_full(log_q + i + g * W);
            if constexpr (Masked) {
                p = L::keep_where(keep, p), q = L::keep_where(keep, q);
                float_values(p, q, p - q, x[g]);
            } else {
                float_values(p, q, l[g], x[g]);
            }
        }
        group_moments moments{};
        for (int s = 0; s < 4; ++s) {
            if (!wanted(s)) continue;
            const F total = (x[0][s] + x[1][s]) + (x[2][s] + x[3][s]);
            const F centre = total * (up / group);  // m·2⁶⁰, exact
            F m2{};
            for (std::size_t g = 0; g < group; ++g) {
                const F d = x[g][s] * up - centre;  // one FMA: (x − m)·2⁶⁰ rounded once
                m2 += d * d;
            }
            moments.total[s] = total, moments.centre[s] = centre, moments.m2[s] = m2;
        }
        return moments;
    };
    // Unmasked groups go to the double lanes four at a time (a quarter of the widening and offset
    // work a sample): merged in float in pairs, then pairs of pairs, by Chan's formula for two
    // sets of c samples a lane, M2a + M2b + (c/2)(ma − mb)² — every term ≥ 0, nothing cancels.
    const auto merge = [&]<int Count>(const group_moments& a, const group_moments& b) __attribute__((always_inline)) {
        group_moments m{};
        for (int s = 0; s < 4; ++s) {
            if (!wanted(s)) continue;
            const F gap = a.centre[s] - b.centre[s];
            m.total[s] = a.total[s] + b.total[s];
            m.centre[s] = m.total[s] * (up / (2 * Count));  // exact
            m.m2[s] = (gap * (Count / 2.0f)) * gap + (a.m2[s] + b.m2[s]);
        }
        return m;
    };
    group_moments pending{}, pending_pair{};
    bool has_pending = false, has_pending_pair = false;
    const auto unmasked_group = [&](const group_moments& g) __attribute__((always_inline)) {
        if (!has_pending) {
            pending = g, has_pending = true;
            return;
        }
        has_pending = false;
        const group_moments pair = merge.template operator()<group>(pending, g);
        if (!has_pending_pair) {
            pending_pair = pair, has_pending_pair = true;
            return;
        }
        has_pending_pair = false;
        to_double.template operator()<4 * group, false>(merge.template operator()<2 * group>(pending_pair, pair), D{},
                                                       D{});
    };
    // Half a register of exact ℓ in double lanes, watched; valid (1 or 0 a lane) leaves padding
    // lanes (ℓ = 0) out of the offsets from the shift.
    const auto double_lanes = [&](const D& l, const D* valid) __attribute__((always_inline)) {
        watch.see(l);
        D x[4];
        double_values(l, x);
        for (int s = 0; s < 4; ++s) {
            if (!wanted(s)) continue;
            D a = x[s] - shift[s];
            if (valid != nullptr) a *= *valid;
            sum[s] += x[s], shifted[s] += a * (1.0 / group), squares[s] += a * a * (1.0 / group);
        }
    };
    const auto double_register = [&](std::size_t i) __attribute__((always_inline)) {
        for (std::size_t k = 0; k < 2; ++k)  // ℓ exact in double
            double_lanes(L::load_half(log_p + i + k * half) - L::load_half(log_q + i + k * half), nullptr);
    };
    // Single samples set aside from masked groups (|ℓ| ≥ 1, tiny or not finite), half a register at
    // a time.
    const auto double_samples = [&](const double* l_values, std::size_t count) __attribute__((always_inline)) {
        D l{}, valid{};
        for (std::size_t j = 0; j < count; ++j) l[j] = l_values[j], valid[j] = 1.0;
        double_lanes(l, &valid);
    };
    // Registers for the double lanes, after the loop: their code would crowd the loop's registers.
    std::size_t deferred[fast_block_size / 8], deferred_count = 0;
    // A group with one or two lanes outside the float range keeps the other lanes in float and sets
    // those lanes' four samples aside (at most 8 of every 4W ≥ 32 samples); more go as registers.
    double set_aside[fast_block_size / 4];
    std::size_t set_aside_count = 0;
    std::size_t i = 0;
    for (; n - i >= group * W; i += group * W) {
        F l[group];
        U low = U{} + 0xffffffffu, high = U{};  // min of |ℓ|'s bits − 1 (0 wraps to the top), max of the bits
        for (std::size_t g = 0; g < group; ++g) {
            l[g] = L::load_full(log_p + i + g * W) - L::load_full(log_q + i + g * W);
            const U m = magnitude_bits(l[g]);
            const U m_less = m - 1u;
            low = (m_less < low) ? m_less : low;
            high = (m > high) ? m : high;
        }
        // A lane is outside when (low >> 1) < smallest_bits/2 or high ≥ one_bits: both as the sign
        // of a difference of values below 2³¹ (GCC 12 turns 512-bit integer comparisons into scalar
        // code, one lane at a time; these are three vector operations).
        const U outside = ((low >> 1) - smallest_bits / 2) | ((one_bits - 1u) - high);
        const unsigned outside_lanes = L::top_bits(outside);
        if (outside_lanes == 0) {
            unmasked_group(float_group(i, l, std::false_type{}, U{}));
        } else if (__builtin_popcount(outside_lanes) <= 2) {
            // Heavy tails (|ℓ| ≥ 1 in one sample of ~700 would send one group in ~11 to the double
            // lanes whole): only the lanes outside go, sample by sample.
            using I = typename vector_types<W>::fi32;
            const U keep = ~reinterpret_cast<U>(reinterpret_cast<I>(outside) >> 31);
            D valid_low, valid_high;  // 1 in the lanes kept, 0 in those set aside
            L::halves(L::keep_where(keep, F{} + 1.0f), valid_low, valid_high);
            to_double.template operator()<group, true>(float_group(i, l, std::true_type{}, keep), valid_low,
                                                       valid_high);
            for (unsigned lanes_left = outside_lanes; lanes_left != 0; lanes_left &= lanes_left - 1) {
                const std::size_t j = static_cast<std::size_t>(__builtin_ctz(lanes_left));
                for (std::size_t g = 0; g < group; ++g)
                    set_aside[set_aside_count++] = static_cast<double>(log_p[i + g * W + j]) -
                                                   static_cast<double>(log_q[i + g * W + j]);  // exact
            }
        } else {
            for (std::size_t g = 0; g < group; ++g) deferred[deferred_count++] = i + g * W;
        }
    }
    if (has_pending_pair) to_double.template operator()<2 * group, false>(pending_pair, D{}, D{});
    if (has_pending) to_double.template operator()<group, false>(pending, D{}, D{});
    for (; i < n; i += W) deferred[deferred_count++] = i;
    for (std::size_t k = 0; k < deferred_count; ++k) double_register(deferred[k]);
    for (std::size_t k = 0; k < set_aside_count; k += half)
        double_samples(set_aside + k, set_aside_count - k < half ? set_aside_count - k : half);
    if (!watch.in_range()) return false;
    const double count = static_cast<double>(n);
    out.count = count;
    out.clamped = 0;
    for (int s = 0; s < 4; ++s) {
        if (!wanted(s)) continue;
        out.mean[s] = L::lane_sum(sum[s]) / count;
        // Shifted sums were kept divided by 4 (each float group counts as one mean of four).
        const double a = group * L::lane_sum(shifted[s]), a2 = group * L::lane_sum(squares[s]);
        const double m2 = L::lane_sum(within[s]) * 0x1p-120 + (a2 - a * (a / count));
        // Values past 10¹⁵⁴ overflow their squares: M2 is then +inf, as a Welford update gives.
        out.m2[s] = (a2 == __builtin_inf()) ? a2 : (m2 > 0 ? m2 : 0.0);
    }
    out.mean[0] = -out.mean[0];             // k1 = −ℓ
    out.mean[1] *= 0.5, out.m2[1] *= 0.25;  // k2 = ℓ²/2 (exact scalings)
    return true;
}

template <int W, class Sink>
struct float_lanes_blocks {
    template <bool Clamp, bool Weights, bool Mask, unsigned Stats>
    KLDIV_VECTOR_INLINE static void run(const float* log_q, const float* log_p, std::size_t n,
                                        const log_ratio_options& options, Sink& sink) noexcept {
        const float* weights = static_cast<const float*>(options.weights);
        const std::uint8_t* mask = options.mask;
        const double limit = options.clamp ? options.clamp_limit : __builtin_inf();
        // The options shifted to sample `at`, for log_ratio_block.
        const auto options_at = [&](std::size_t at) {
            log_ratio_options shifted = options;
            if (Weights) shifted.weights = weights + at;
            if (Mask) shifted.mask = mask + at;
            return shifted;
        };
        // 0/1 = no FMA is the portable choice for log_ratio_block here: these are not the hot paths.
        bool unused = false;  // log_ratio_block's guess: double input only
        std::size_t start = 0;
        const std::size_t vector_end = n - n % W;
        while (start < vector_end) {
            const std::size_t count = (vector_end - start < fast_block_size) ? vector_end - start : fast_block_size;
            log_ratio_moments block;
            bool done;
            if constexpr (W >= 8 && !Clamp && !Weights && !Mask)
                done = plain_float_block<W, Stats>(log_q + start, log_p + start, count, block);
            else
                done = float_lanes_block<W, Clamp, Weights, Mask, Stats>(log_q + start, log_p + start,
                                                                        Weights ? weights + start : nullptr,
                                                                        Mask ? mask + start : nullptr, count, limit,
                                                                        block);
            if (done) {
                sink(block);
            } else {
                for (std::size_t sub = start; sub < start + count; sub += block_size) {
                    const std::size_t m = (start + count - sub < block_size) ? start + count - sub : block_size;
                    log_ratio_block<false, Clamp, Weights, Mask, Stats>(log_q + sub, log_p + sub, m, options_at(sub),
                                                                        block, unused);
                    sink(block);
                }
            }
            start += count;
        }
        if (start < n) {
            log_ratio_moments block;
            log_ratio_block<false, Clamp, Weights, Mask, Stats>(log_q + start, log_p + start, n - start,
                                                                options_at(start), block, unused);
            sink(block);
        }
    }
};

/// One variant (options, statistics) of the float-lane kernel, for dispatch_lanes.
template <bool Clamp, bool Weights, bool Mask, unsigned Stats>
struct float_lanes_body {
    template <int W, class Sink>
    KLDIV_VECTOR_INLINE static void run(const float* log_q, const float* log_p, std::size_t n,
                                        const log_ratio_options& options, Sink& sink) noexcept {
        float_lanes_blocks<W, Sink>::template run<Clamp, Weights, Mask, Stats>(log_q, log_p, n, options, sink);
    }
};

/// with_options' Block for float input: each variant dispatched on the ISA on its own.
struct float_lanes_variants {
    template <bool Clamp, bool Weights, bool Mask, unsigned Stats, class Sink>
    static void run(const float* log_q, const float* log_p, std::size_t n, const log_ratio_options& options,
                    Sink& sink) noexcept {
        dispatch_lanes<float_lanes_body<Clamp, Weights, Mask, Stats>>(log_q, log_p, n, options, sink);
    }
};
#endif

/// One variant (options, statistics) of the kernel in T's lanes, for dispatch.
template <bool Clamp, bool Weights, bool Mask, unsigned Stats>
struct log_ratio_body {
    template <bool UseFma, class T, class Sink>
    KLDIV_VECTOR_INLINE static void run(const T* log_q, const T* log_p, std::size_t n, const log_ratio_options& options,
                                        Sink& sink) noexcept {
        log_ratio_blocks_body<UseFma, T, Sink>::template run<Clamp, Weights, Mask, Stats>(log_q, log_p, n, options,
                                                                                           sink);
    }
};

/// with_options' Block: each variant dispatched on the ISA on its own. (One function per
/// variant and ISA, not every variant inlined into one function per ISA: GCC's RTL PRE is
/// superlinear in a function's size, and the single function took a minute to compile.)
struct log_ratio_variants {
    template <bool Clamp, bool Weights, bool Mask, unsigned Stats, class T, class Sink>
    static void run(const T* log_q, const T* log_p, std::size_t n, const log_ratio_options& options,
                    Sink& sink) noexcept {
        dispatch<log_ratio_body<Clamp, Weights, Mask, Stats>>(log_q, log_p, n, options, sink);
    }
};

}  // namespace detail

/// Runs the log-ratio kernel on the active instruction set (simd::active_isa()), calling
/// sink(log_ratio_moments) once per block (256 samples, 2048 for float input), in order. Double
/// input: residuals ≤ 3 ulp, sums per block in double. Float input: plain_float_block (float
/// lanes, the statistics' bounds in float units) or float_lanes_block (double lanes). Blocks are
/// merged by the caller (Chan), so results do not depend on the ISA beyond those bounds.
template <class T, class Sink>
void log_ratio_kernel(const T* log_q, const T* log_p, std::size_t n, const log_ratio_options& options, Sink&& sink) {
#if defined(KLDIV_HAVE_FLOAT_LANES)
    if constexpr (std::is_same_v<T, float>) {
        detail::with_options<detail::float_lanes_variants>(options, log_q, log_p, n, options, sink);
        return;
    }
#endif
    detail::with_options<detail::log_ratio_variants>(options, log_q, log_p, n, options, sink);
}

}  // namespace kldiv::simd
