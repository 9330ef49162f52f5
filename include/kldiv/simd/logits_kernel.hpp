// Row-wise kernels over logits: the validation scan (NaN, +inf, any finite entry) for float and
// double, and, for float logits in double lanes on GCC vector types, KL(softmax(a/τ)‖softmax(b/τ))
// with or without its gradients and the entropy of softmax(a) with log-softmax fused (two or
// three passes over each row, no temporaries), and the pieces of a top-k row. Entry points:
// scan_logits, logits_kl_rows, logits_kl_rows_with_gradients, logits_entropy_rows,
// logits_frame, logits_tail_sums, logits_gradient_row, first_above.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/simd/detail/exp_residuals.hpp"
#include "kldiv/simd/detail/lanes.hpp"
#include "kldiv/simd/dispatch.hpp"

namespace kldiv::simd {
namespace detail {

struct logits_scan_body {
    template <bool UseFma, class T>
    KLDIV_VECTOR_INLINE static void run(const T* v, std::size_t n, unsigned& bad, unsigned& any_finite) noexcept {
        unsigned b = 0, f = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const T x = v[i];
            b |= static_cast<unsigned>((x != x) | (x == std::numeric_limits<T>::infinity()));
            f |= static_cast<unsigned>(x - x == T(0));
        }
        bad = b, any_finite = f;
    }
};

}  // namespace detail

/// What a pass over a vector of logits finds: whether any entry is NaN or +inf (not a logit),
/// and whether any is finite (−inf entries are outcomes of probability 0, but not all of them).
struct logits_scan {
    bool has_nan_or_plus_inf;
    bool has_finite;
};

/// One vectorised pass of validation over n logits, on simd::active_isa().
template <class T>
[[nodiscard]] logits_scan scan_logits(const T* v, std::size_t n) noexcept {
    unsigned bad = 0, any_finite = 0;
    detail::dispatch<detail::logits_scan_body>(v, n, bad, any_finite);
    return {bad != 0, any_finite != 0};
}

}  // namespace kldiv::simd

#if defined(KLDIV_HAVE_FLOAT_LANES)

namespace kldiv::simd {
namespace detail {

/// The range of a row of logits, and whether every entry is finite (a row holding −inf, +inf
/// or NaN goes to the scalar path, which knows what each means).
struct row_range {
    float min, max;
    bool finite;
};

/// A logit as a float: float rows as they are, bfloat16 rows widened exactly.
inline float logit_value(float x) noexcept { return x; }
inline float logit_value(bfloat16 x) noexcept { return static_cast<float>(x); }

template <int W, class E>
KLDIV_VECTOR_INLINE row_range range_of(const E* a, std::size_t n) noexcept {
    using L = lanes<W>;
    using full = typename L::ff;
    const std::size_t end = n - n % W;
    const float first = logit_value(a[0]);
    full largest = full{} + first, smallest = largest, non_finite{};
    for (std::size_t i = 0; i < end; i += W) {
        const full v = L::load_full(a + i);
        largest = (v > largest) ? v : largest;
        smallest = (v < smallest) ? v : smallest;
        non_finite += v - v;  // NaN for ±inf and NaN
    }
    row_range r{first, first, true};
    for (int j = 0; j < W; ++j) {
        r.max = largest[j] > r.max ? largest[j] : r.max;
        r.min = smallest[j] < r.min ? smallest[j] : r.min;
        r.finite = r.finite && non_finite[j] == 0;
    }
    for (std::size_t i = end; i < n; ++i) {
        const float v = logit_value(a[i]);
        r.max = v > r.max ? v : r.max;
        r.min = v < r.min ? v : r.min;
        r.finite = r.finite && v - v == 0;
    }
    return r;
}

/// A row pair's frame at temperature τ (1/τ = inverse_tau): gap = (a − max a)/τ ≤ 0 and
/// y = (b − a)/τ − c₀ with c₀ = (max b − max a)/τ (b − a is exact in double for float logits,
/// so y is small when the rows are close, up to a shift), and the bounds of every y.
struct logits_row_frame {
    double max_a = 0, c0 = 0, inverse_tau = 1;
    double y_low = 0, y_high = 0;  // every y lies in [y_low, y_high]; y_high − y_low = (range a + range b)/τ
    double gap_low = 0;            // the smallest gap, (min a − max a)/τ
    bool may_underflow = false;    // some gap < −700 (its weight counts as 0)
};

/// Σw, Σw·y and Σw·φ(y) of a row pair (w = e^gap): what KL, the shift and the masses come from.
struct logits_row_sums {
    double z = 0, s1 = 0, s2 = 0;
};

/// The frame of one row pair of finite logits; false (scalar path) for an empty row, a
/// non-finite logit, a y beyond ±600 or a τ so small that 1/τ overflows.
template <int W, class E>
KLDIV_VECTOR_INLINE bool logits_frame_of(const E* a, const E* b, std::size_t n, double inverse_tau,
                                         logits_row_frame& f) noexcept {
    if (n == 0) return false;
    const row_range ra = range_of<W>(a, n), rb = range_of<W>(b, n);
    if (!ra.finite || !rb.finite) return false;
    f.max_a = ra.max;
    f.inverse_tau = inverse_tau;
    f.c0 = (double(rb.max) - double(ra.max)) * inverse_tau;  // exact at τ = 1
    f.y_high = (double(rb.max) - double(ra.min)) * inverse_tau - f.c0;
    f.y_low = (double(rb.min) - double(ra.max)) * inverse_tau - f.c0;
    f.gap_low = (double(ra.min) - f.max_a) * inverse_tau;
    f.may_underflow = f.gap_low < -700.0;
    return f.y_high <= 600.0 && f.y_low >= -600.0;  // false for NaN (1/τ = inf on a flat row)
}

/// The accuracy tiers of the KL sums, named by their bound per piece:
///  - logits_within_3e9: w and φ(y) to 3e-9, for the value alone, rounded to float (KL ~3e-9).
///  - logits_weights_within_2e15: w to 2e-15 (φ(y) to 3e-9), for the shift of a gradient or a
///    top-k row: dᵢ = yᵢ − log1p(x) must keep its digits where dᵢ is small, and x carries the
///    weights' error times |y| (3e-9·|y| is 3e-6 of a d of 1e-6 at rows 1e-3 apart); φ's error
///    enters x only times y², and the KL with its own 3e-9.
template <bool WeightsWithin2e15, bool WithLogRatio = true>
struct logits_tier {
    static constexpr bool with_log_ratio = WithLogRatio;  // false: Σw alone (a row against itself)
    template <int W>
    KLDIV_VECTOR_INLINE static typename lanes<W>::hd weight(const typename lanes<W>::hd& gap) noexcept {
        if constexpr (WeightsWithin2e15)
            return exp_within_2e15_lanes<W>(gap);
        else
            return exp_within_3e9_lanes<W>(gap);
    }
    template <int W>
    KLDIV_VECTOR_INLINE static typename lanes<W>::hd phi(const typename lanes<W>::hd& y) noexcept {
        return expm1mx_within_3e9_lanes<W>(y);
    }
};
using logits_within_3e9 = logits_tier<false>;
using logits_weights_within_2e15 = logits_tier<true>;

/// One block's w, y and φ(y) added to the sums, lanes outside keep cleared (w = 0 there).
template <int W, bool MayUnderflow, class Tier = logits_within_3e9>
KLDIV_VECTOR_INLINE void logits_kl_block(const typename lanes<W>::hd& av, const typename lanes<W>::hd& bv,
                                         const logits_row_frame& f, typename lanes<W>::hd& z,
                                         typename lanes<W>::hd& s1, typename lanes<W>::hd& s2,
                                         const typename lanes<W>::hi* keep = nullptr,
                                         float* weights = nullptr) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    const D gap = (av - f.max_a) * f.inverse_tau;  // ≤ 0, exact at τ = 1
    D weight = Tier::template weight<W>(gap);
    if constexpr (MayUnderflow) weight = (gap < -700.0) ? D{} : weight;  // e^gap < 1e-304 counts as 0
    if (keep != nullptr) weight = L::keep_where(*keep, weight);
    if (weights != nullptr) L::store_half(weights, weight);
    z += weight;
    if constexpr (Tier::with_log_ratio) {
        const D y = (bv - av) * f.inverse_tau - f.c0;
        const D phi = Tier::template phi<W>(y);
        s1 += weight * y;
        s2 += weight * phi;
    }
}

/// The scalar form of logits_kl_block for the entries after the last whole block.
template <class E>
void logits_kl_scalar(E a_logit, E b_logit, const logits_row_frame& f, logits_row_sums& sums,
                      float* weight = nullptr) noexcept {
    const double a = logit_value(a_logit), b = logit_value(b_logit);
    const double y = (b - a) * f.inverse_tau - f.c0;
    const double w = std::exp((a - f.max_a) * f.inverse_tau);
    if (weight != nullptr) *weight = static_cast<float>(w);
    sums.z += w;
    sums.s1 += w * y;
    sums.s2 += w * kldiv::expm1mx(y);
}

/// The sums over a row, or with excluded (excluded_count ascending indices) over the outcomes
/// not in it: the tail of a top-k support, summed directly (no subtraction of the support's
/// share). With weights (n floats) each wᵢ is also stored there (0 for excluded outcomes), for a
/// gradient pass that follows: rows whose every gap is above −80, so that no wᵢ underflows as a
/// float.
template <int W, bool MayUnderflow, class Tier = logits_within_3e9, class E = float>
KLDIV_VECTOR_INLINE logits_row_sums logits_kl_sums(const E* a, const E* b, std::size_t n,
                                                   const logits_row_frame& f, float* weights = nullptr,
                                                   const std::size_t* excluded = nullptr,
                                                   std::size_t excluded_count = 0) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    using I = typename L::hi;
    constexpr std::size_t H = W / 2;
    const std::size_t end = n - n % H;
    const std::size_t* next = excluded;
    const std::size_t* const last = excluded + excluded_count;
    D z{}, s1{}, s2{};
    const auto blocks = [&](auto stored) __attribute__((always_inline)) {
        constexpr bool store = !std::is_same_v<decltype(stored), std::nullptr_t>;
        for (std::size_t i = 0; i < end; i += H) {
            float* to = nullptr;
            if constexpr (store) to = stored + i;
            if (next != last && *next < i + H) {  // a block holding excluded outcomes: clear their lanes
                I keep = I{} - 1;
                for (; next != last && *next < i + H; ++next) keep[*next - i] = 0;
                logits_kl_block<W, MayUnderflow, Tier>(L::load_half(a + i), L::load_half(b + i), f, z, s1, s2, &keep,
                                                       to);
            } else {
                logits_kl_block<W, MayUnderflow, Tier>(L::load_half(a + i), L::load_half(b + i), f, z, s1, s2,
                                                       nullptr, to);
            }
        }
    };
    if (weights != nullptr)
        blocks(weights);
    else
        blocks(nullptr);
    logits_row_sums sums{L::lane_sum(z), L::lane_sum(s1), L::lane_sum(s2)};
    for (std::size_t i = end; i < n; ++i) {
        if (next != last && *next == i) {
            ++next;
            if (weights != nullptr) weights[i] = 0;
            continue;
        }
        logits_kl_scalar(a[i], b[i], f, sums, weights == nullptr ? nullptr : weights + i);
    }
    return sums;
}

/// KL from a row's sums: with x = (S₁ + S₂)/Z = e^(c − c₀) − 1 (c = log Σe^(b/τ) − log Σe^(a/τ)),
///   KL = Σ pᵢ·φ(yᵢ − (c − c₀)) = S₂/Z − ψ(x),   ψ(x) = x − log1p(x),
/// both terms ≥ 0 and ψ(x) of order x², so a KL of 1e-18 keeps its digits.
inline double logits_kl_of_sums(const logits_row_sums& sums) noexcept {
    const double x = (sums.s1 + sums.s2) / sums.z;
    const double value = sums.s2 / sums.z + kldiv::log1pmx(x);  // S₂/Z − ψ(x)
    return value > 0 ? value : 0.0;
}

/// KL(softmax(a/τ)‖softmax(b/τ)) in nats for one row of finite float logits (see
/// logits_kl_of_sums): two passes, the range and the sums. The row's range bounds every y and
/// every gap in advance, so rows with |y| ≤ 600 run without per-logit range selects; a row with
/// |y| > 600 somewhere returns false (scalar path).
template <int W, class E>
KLDIV_VECTOR_INLINE bool logits_kl_row(const E* a, const E* b, std::size_t n, double inverse_tau,
                                       double& kl) noexcept {
    logits_row_frame f;
    if (!logits_frame_of<W>(a, b, n, inverse_tau, f)) return false;
    const logits_row_sums sums = f.may_underflow ? logits_kl_sums<W, true, logits_within_3e9, E>(a, b, n, f)
                                                 : logits_kl_sums<W, false, logits_within_3e9, E>(a, b, n, f);
    kl = logits_kl_of_sums(sums);
    return true;
}

/// The coefficients of a gradient pass: with pᵢ = wᵢ/Z and dᵢ = yᵢ − shift = log qᵢ − log pᵢ,
///   grad_b[i] = p_factor·wᵢ·(alpha·expm1(dᵢ) + beta),   grad_a[i] = p_factor·wᵢ·(gamma·dᵢ + kappa).
/// KL(P‖Q): alpha = 1, beta = 0 (qᵢ − pᵢ), gamma = −1, kappa = −KL; a top-k tail: qᵢ·t is
/// alpha = beta = t. p_factor = factor/Z with factor = scale/τ.
struct logits_gradient_terms {
    double shift, p_factor, alpha, beta, gamma, kappa;
};

/// Stores the first count lanes of v to p as floats.
template <int W>
KLDIV_VECTOR_INLINE void store_float_lanes(float* p, const typename lanes<W>::hd& v, std::size_t count) noexcept {
    if (count == W / 2) return lanes<W>::store_half(p, v);
    for (std::size_t j = 0; j < count; ++j) p[j] = static_cast<float>(v[j]);
}

/// One pass writing the gradients of a row (grad_a, grad_b: n entries where WantA, WantB) from its
/// frame, with wᵢ recomputed or, with weights, read from where the sums pass stored them (it may
/// be grad_a or grad_b: each block is read before it is written). Needs a frame without
/// underflow and with y_high − y_low ≤ 600 (so |dᵢ| ≤ 600): the caller checks. Each entry to
/// ~1e-8 relative (wᵢ and expm1(dᵢ) each to 3e-9; a stored wᵢ to 3e-8).
template <int W, bool WantA, bool WantB>
KLDIV_VECTOR_INLINE void logits_gradient_pass(const float* a, const float* b, std::size_t n, const logits_row_frame& f,
                                              const logits_gradient_terms& g, const float* weights, float* grad_a,
                                              float* grad_b) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    constexpr std::size_t H = W / 2;
    const auto block = [&](const D& av, const D& bv, const D* stored, std::size_t at, std::size_t count)
                           __attribute__((always_inline)) {
        const D p = (stored != nullptr ? *stored : exp_within_3e9_lanes<W>((av - f.max_a) * f.inverse_tau)) * g.p_factor;
        const D d = ((bv - av) * f.inverse_tau - f.c0) - g.shift;
        if constexpr (WantB) {
            const D expm1_d = exp_expm1_lanes<W>(d, phi_over_t2_degree5).minus_one;
            store_float_lanes<W>(grad_b + at, p * (g.alpha * expm1_d + g.beta), count);
        }
        if constexpr (WantA) store_float_lanes<W>(grad_a + at, p * (g.gamma * d + g.kappa), count);
    };
    const std::size_t end = n - n % H;
    if (weights != nullptr) {
        for (std::size_t i = 0; i < end; i += H) {
            const D w = L::load_half(weights + i);
            block(L::load_half(a + i), L::load_half(b + i), &w, i, H);
        }
    } else {
        for (std::size_t i = 0; i < end; i += H) block(L::load_half(a + i), L::load_half(b + i), nullptr, i, H);
    }
    if (end < n) {  // the last n % H entries, padded with a finite logit of each row
        float a_tail[H], b_tail[H];
        for (std::size_t j = 0; j < H; ++j) {
            a_tail[j] = end + j < n ? a[end + j] : a[end];
            b_tail[j] = end + j < n ? b[end + j] : b[end];
        }
        block(L::load_half(a_tail), L::load_half(b_tail), nullptr, end, n - end);
    }
}

/// logits_gradient_pass for the sides asked for (null pointers: not wanted).
template <int W>
KLDIV_VECTOR_INLINE void logits_gradients(const float* a, const float* b, std::size_t n, const logits_row_frame& f,
                                          const logits_gradient_terms& g, const float* weights, float* grad_a,
                                          float* grad_b) noexcept {
    if (grad_a != nullptr && grad_b != nullptr)
        logits_gradient_pass<W, true, true>(a, b, n, f, g, weights, grad_a, grad_b);
    else if (grad_b != nullptr)
        logits_gradient_pass<W, false, true>(a, b, n, f, g, weights, grad_a, grad_b);
    else if (grad_a != nullptr)
        logits_gradient_pass<W, true, false>(a, b, n, f, g, weights, grad_a, grad_b);
}

/// KL(softmax(a/τ)‖softmax(b/τ)) with its gradients in one call of three passes (range, sums,
/// gradients): grad_b[i] = factor·(qᵢ − pᵢ) = factor·pᵢ·expm1(dᵢ), grad_a[i] = factor·pᵢ·(−dᵢ − KL),
/// dᵢ = yᵢ − log1p(x) (no difference of two rounded softmaxes: the P ≈ Q digits stay). Returns
/// false (scalar path) for the rows logits_kl_row declines and for rows whose gap may underflow
/// or whose y spread exceeds 600.
template <int W>
KLDIV_VECTOR_INLINE bool logits_kl_row_with_gradients(const float* a, const float* b, std::size_t n, double inverse_tau,
                                                      double factor, float* grad_a, float* grad_b,
                                                      double& kl) noexcept {
    logits_row_frame f;
    if (!logits_frame_of<W>(a, b, n, inverse_tau, f)) return false;
    if (f.may_underflow || !(f.y_high - f.y_low <= 600.0)) return false;
    // Where no weight underflows as a float, the sums pass leaves them in the gradient storage
    // and the gradient pass reads them instead of taking the exponential again.
    float* weights = f.gap_low >= -80.0 ? (grad_b != nullptr ? grad_b : grad_a) : nullptr;
    const logits_row_sums sums = logits_kl_sums<W, false, logits_weights_within_2e15>(a, b, n, f, weights);
    kl = logits_kl_of_sums(sums);
    const double shift = std::log1p((sums.s1 + sums.s2) / sums.z);
    logits_gradients<W>(a, b, n, f, {shift, factor / sums.z, 1.0, 0.0, -1.0, -kl}, weights, grad_a, grad_b);
    return true;
}

/// Entropy of softmax(a) in nats for one row of finite float logits:
/// H = log Z + Σ w·(max a − a)/Z, every term ≥ 0.
template <int W>
KLDIV_VECTOR_INLINE bool logits_entropy_row(const float* a, std::size_t n, double& entropy) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    constexpr std::size_t H = W / 2;
    if (n == 0) return false;
    const row_range range = range_of<W>(a, n);
    if (!range.finite) return false;
    const double max_a = range.max;
    D z{}, weighted{};
    const std::size_t end = n - n % H;
    for (std::size_t i = 0; i < end; i += H) {
        const D gap = max_a - L::load_half(a + i);             // ≥ 0, exact
        const D w = (gap > 700.0) ? D{} : exp_within_3e9_lanes<W>(-gap);  // e^−gap < 1e-304 counts as 0
        z += w;
        weighted += w * gap;
    }
    double z_total = L::lane_sum(z), weighted_total = L::lane_sum(weighted);
    for (std::size_t i = end; i < n; ++i) {
        const double gap = max_a - double(a[i]);
        const double w = std::exp(-gap);
        z_total += w;
        weighted_total += w * gap;
    }
    entropy = std::log(z_total) + weighted_total / z_total;
    return true;
}

/// Every row through the lanes, each result handed to finish(row, ok, nats); ok is false for the
/// rows the lanes decline (non-finite logits, |b − a|/τ beyond 600), which finish then computes on
/// the scalar path. (finish is not inlined into the clone: it runs once per row, not per logit.)
struct logits_kl_rows_body {
    template <int W, class E, class Finish>
    KLDIV_VECTOR_INLINE static void run(const E* a, const E* b, std::size_t vocabulary, std::size_t rows,
                                        double inverse_tau, Finish& finish) noexcept {
        for (std::size_t row = 0; row < rows; ++row) {
            double nats = 0;
            const bool ok =
                logits_kl_row<W>(a + row * vocabulary, b + row * vocabulary, vocabulary, inverse_tau, nats);
            finish(row, ok, nats);
        }
    }
};

/// The rows with their gradients (grad_a, grad_b: null or rows × vocabulary); where ok, the
/// row's gradients are written.
struct logits_kl_gradient_rows_body {
    template <int W, class Finish>
    KLDIV_VECTOR_INLINE static void run(const float* a, const float* b, std::size_t vocabulary, std::size_t rows,
                                        double inverse_tau, double factor, float* grad_a, float* grad_b,
                                        Finish& finish) noexcept {
        for (std::size_t row = 0; row < rows; ++row) {
            double nats = 0;
            const std::size_t at = row * vocabulary;
            const bool ok = logits_kl_row_with_gradients<W>(a + at, b + at, vocabulary, inverse_tau, factor,
                                                            grad_a == nullptr ? nullptr : grad_a + at,
                                                            grad_b == nullptr ? nullptr : grad_b + at, nats);
            finish(row, ok, nats);
        }
    }
};

/// The frame of one row pair (the range pass), for callers that go on with the passes below.
struct logits_frame_body {
    template <int W>
    KLDIV_VECTOR_INLINE static void run(const float* a, const float* b, std::size_t n, double inverse_tau,
                                        logits_row_frame& f, bool& ok) noexcept {
        ok = logits_frame_of<W>(a, b, n, inverse_tau, f);
    }
};

/// The sums over the outcomes outside a support (see logits_kl_sums): for gradients (weights not
/// null) with the weights to 2e-15, stored is then set when they were left in weights; for a
/// value alone in the 3e-9 tier.
struct logits_tail_sums_body {
    template <int W>
    KLDIV_VECTOR_INLINE static void run(const float* a, const float* b, std::size_t n, const logits_row_frame& f,
                                        const std::size_t* excluded, std::size_t excluded_count, float* weights,
                                        bool weights_only, logits_row_sums& sums, bool& stored) noexcept {
        stored = weights != nullptr && f.gap_low >= -80.0;
        float* to = stored ? weights : nullptr;
        if (weights_only) {
            if (weights == nullptr)
                sums = logits_kl_sums<W, false, logits_tier<false, false>>(a, b, n, f, nullptr, excluded, excluded_count);
            else
                sums = logits_kl_sums<W, false, logits_tier<true, false>>(a, b, n, f, to, excluded, excluded_count);
        } else if (weights == nullptr) {
            sums = logits_kl_sums<W, false>(a, b, n, f, nullptr, excluded, excluded_count);
        } else {
            sums = logits_kl_sums<W, false, logits_weights_within_2e15>(a, b, n, f, to, excluded, excluded_count);
        }
    }
};

struct logits_gradient_body {
    template <int W>
    KLDIV_VECTOR_INLINE static void run(const float* a, const float* b, std::size_t n, const logits_row_frame& f,
                                        const logits_gradient_terms& g, const float* weights, float* grad_a,
                                        float* grad_b) noexcept {
        logits_gradients<W>(a, b, n, f, g, weights, grad_a, grad_b);
    }
};

/// Validation of a bfloat16 logit row on its bits (see scan_bfloat16_logits).
struct bfloat16_scan_body {
    template <int W>
    KLDIV_VECTOR_INLINE static void run(const bfloat16* v, std::size_t n, bool& bad, bool& any_finite) noexcept {
        using S = typename vector_types<W>::fi16;  // W bfloat16 as int16 (signed compares are native)
        const std::size_t end = n - n % W;
        S bad_lanes{}, finite_lanes{};
        for (std::size_t i = 0; i < end; i += W) {
            S x;
            std::memcpy(&x, v + i, sizeof x);
            const S magnitude = x & 0x7fff;  // ≥ 0
            bad_lanes |= (magnitude > 0x7f80) | (x == 0x7f80);  // NaN, +inf
            finite_lanes |= magnitude < 0x7f80;
        }
        unsigned b = 0, f = 0;
        for (int j = 0; j < W; ++j) b |= bad_lanes[j], f |= finite_lanes[j];
        for (std::size_t i = end; i < n; ++i) {
            const unsigned magnitude = v[i].bits & 0x7fffu;
            b |= static_cast<unsigned>(magnitude > 0x7f80u) | static_cast<unsigned>(v[i].bits == 0x7f80u);
            f |= static_cast<unsigned>(magnitude < 0x7f80u);
        }
        bad = b != 0, any_finite = f != 0;
    }
};

/// The index of the first value above threshold at or after begin (n if none): blocks of 2W
/// floats by vector compares, the block that holds one value by value. Lets a top-k selection
/// skip what cannot enter.
struct first_above_body {
    template <int W>
    KLDIV_VECTOR_INLINE static void run(const float* v, std::size_t begin, std::size_t n, float threshold,
                                        std::size_t& at) noexcept {
        using F = typename lanes<W>::ff;
        using U = std::uint64_t;
        std::size_t i = begin;
        for (; i + 2 * W <= n; i += 2 * W) {
            F x0, x1;
            std::memcpy(&x0, v + i, sizeof x0);
            std::memcpy(&x1, v + i + W, sizeof x1);
            const auto above = (x0 > threshold) | (x1 > threshold);  // −1 in the lanes above
            U words[sizeof above / sizeof(U)];
            std::memcpy(words, &above, sizeof words);
            U any = 0;
            for (const U w : words) any |= w;
            if (any != 0) break;
        }
        for (; i < n; ++i)
            if (v[i] > threshold) break;
        at = i;
    }
};

struct logits_entropy_rows_body {
    template <int W, class Finish>
    KLDIV_VECTOR_INLINE static void run(const float* a, std::size_t vocabulary, std::size_t rows,
                                        Finish& finish) noexcept {
        for (std::size_t row = 0; row < rows; ++row) {
            double nats = 0;
            const bool ok = logits_entropy_row<W>(a + row * vocabulary, vocabulary, nats);
            finish(row, ok, nats);
        }
    }
};

}  // namespace detail

/// Row-wise KL(softmax(a/τ)‖softmax(b/τ)) in nats for `rows` rows of `vocabulary` float or
/// bfloat16 logits (row r at a + r·vocabulary; inverse_tau = 1/τ; bfloat16 loaded straight into
/// the lanes, widened exactly), through the double lanes of simd::active_isa():
/// each row's result goes to finish(row, ok, nats), ok false for the rows the lanes decline
/// (non-finite logits, |b − a|/τ beyond 600), which the caller then computes on its scalar path.
/// Defined where KLDIV_HAVE_FLOAT_LANES is (GCC on x86-64).
template <class E, class Finish>
void logits_kl_rows(const E* a, const E* b, std::size_t vocabulary, std::size_t rows, Finish& finish,
                    double inverse_tau = 1.0) noexcept {
    detail::dispatch_lanes<detail::logits_kl_rows_body>(a, b, vocabulary, rows, inverse_tau, finish);
}

/// logits_kl_rows with the gradients written in the same call (a third pass per row):
/// grad_b = factor·(qᵢ − pᵢ), grad_a = factor·pᵢ·(log(pᵢ/qᵢ) − KL), each entry to ~1e-8 relative
/// (null: not wanted). Rows with ok false (also those whose gap may underflow or whose
/// (range a + range b)/τ exceeds 600) have no gradient written: the caller computes both.
template <class Finish>
void logits_kl_rows_with_gradients(const float* a, const float* b, std::size_t vocabulary, std::size_t rows,
                                   double inverse_tau, double factor, float* grad_a, float* grad_b,
                                   Finish& finish) noexcept {
    detail::dispatch_lanes<detail::logits_kl_gradient_rows_body>(a, b, vocabulary, rows, inverse_tau, factor, grad_a,
                                                                 grad_b, finish);
}

using detail::logits_gradient_terms;
using detail::logits_row_frame;
using detail::logits_row_sums;

/// The range pass of one row pair of float logits at 1/τ = inverse_tau: false for the rows the
/// lanes decline (non-finite logits, |b − a|/τ beyond 600).
[[nodiscard]] inline bool logits_frame(const float* a, const float* b, std::size_t n, double inverse_tau,
                                       logits_row_frame& f) noexcept {
    bool ok = false;
    detail::dispatch_lanes<detail::logits_frame_body>(a, b, n, inverse_tau, f, ok);
    return ok;
}

/// Σw, Σw·y and Σw·φ(y) over the outcomes of the row not in excluded (ascending); the frame must
/// have no underflow. Without weights (a value alone) every piece to 3e-9; with weights (n floats,
/// may be a gradient row) w to 2e-15, so that the shift log1p(x) keeps the digits of small dᵢ,
/// and each wᵢ is left there when no gap is below −80, as the return value says (excluded
/// outcomes get 0). weights_only: Σw alone (S₁ = S₂ = 0), for a row against itself.
inline bool logits_tail_sums(const float* a, const float* b, std::size_t n, const logits_row_frame& f,
                             const std::size_t* excluded, std::size_t excluded_count, float* weights,
                             logits_row_sums& sums, bool weights_only = false) noexcept {
    bool stored = false;
    detail::dispatch_lanes<detail::logits_tail_sums_body>(a, b, n, f, excluded, excluded_count, weights, weights_only,
                                                          sums, stored);
    return stored;
}

/// One gradient pass over a row (see logits_gradient_terms): grad_b[i] = p_factor·wᵢ·(alpha·expm1(dᵢ) +
/// beta), grad_a[i] = p_factor·wᵢ·(gamma·dᵢ + kappa), null: not wanted; weights as left by
/// logits_tail_sums, or null. The frame must have no underflow and a y spread ≤ 600.
inline void logits_gradient_row(const float* a, const float* b, std::size_t n, const logits_row_frame& f,
                                const logits_gradient_terms& g, const float* weights, float* grad_a,
                                float* grad_b) noexcept {
    detail::dispatch_lanes<detail::logits_gradient_body>(a, b, n, f, g, weights, grad_a, grad_b);
}

/// One pass of validation over n bfloat16 logits on their bits (NaN or +inf: not a logit; some
/// finite entry), vector compares on the 16-bit lanes, no widening.
[[nodiscard]] inline logits_scan scan_bfloat16_logits(const bfloat16* v, std::size_t n) noexcept {
    bool bad = false, any_finite = false;
    detail::dispatch_lanes<detail::bfloat16_scan_body>(v, n, bad, any_finite);
    return {bad, any_finite};
}

/// The index of the first of v[begin], …, v[n − 1] above threshold, or n: a vector compare per
/// block (a top-k selection's skip over what cannot enter).
[[nodiscard]] inline std::size_t first_above(const float* v, std::size_t begin, std::size_t n,
                                             float threshold) noexcept {
    std::size_t at = begin;
    detail::dispatch_lanes<detail::first_above_body>(v, begin, n, threshold, at);
    return at;
}

/// Row-wise entropy of softmax(a) in nats, as logits_kl_rows (ok false for rows with a
/// non-finite logit).
template <class Finish>
void logits_entropy_rows(const float* a, std::size_t vocabulary, std::size_t rows, Finish& finish) noexcept {
    detail::dispatch_lanes<detail::logits_entropy_rows_body>(a, vocabulary, rows, finish);
}

}  // namespace kldiv::simd

#endif
