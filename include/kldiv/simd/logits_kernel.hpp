// Row-wise kernels over logits: the validation scan (NaN, +inf, any finite entry) for float and
// double, and, for float logits in double lanes on GCC vector types, KL(softmax(a)‖softmax(b))
// and the entropy of softmax(a) with log-softmax fused (two passes over each row, no
// temporaries). Entry points: scan_logits, logits_kl_rows, logits_entropy_rows.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>

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

template <int W>
KLDIV_VECTOR_INLINE row_range range_of(const float* a, std::size_t n) noexcept {
    using full = typename lanes<W>::ff;
    const std::size_t end = n - n % W;
    full largest = full{} + a[0], smallest = largest, non_finite{};
    for (std::size_t i = 0; i < end; i += W) {
        full v;
        std::memcpy(&v, a + i, sizeof v);
        largest = (v > largest) ? v : largest;
        smallest = (v < smallest) ? v : smallest;
        non_finite += v - v;  // NaN for ±inf and NaN
    }
    row_range r{a[0], a[0], true};
    for (int j = 0; j < W; ++j) {
        r.max = largest[j] > r.max ? largest[j] : r.max;
        r.min = smallest[j] < r.min ? smallest[j] : r.min;
        r.finite = r.finite && non_finite[j] == 0;
    }
    for (std::size_t i = end; i < n; ++i) {
        r.max = a[i] > r.max ? a[i] : r.max;
        r.min = a[i] < r.min ? a[i] : r.min;
        r.finite = r.finite && a[i] - a[i] == 0;
    }
    return r;
}

/// Σw, Σw·y and Σw·φ(y) in lanes over the first n logits (n a multiple of W/2); see
/// logits_kl_row. MayUnderflow: some a − max a < −700, whose weight counts as 0.
template <int W, bool MayUnderflow>
KLDIV_VECTOR_INLINE void logits_kl_sums(const float* a, const float* b, std::size_t n, double max_a, double c0,
                                        typename lanes<W>::hd& z, typename lanes<W>::hd& s1,
                                        typename lanes<W>::hd& s2) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    for (std::size_t i = 0; i < n; i += W / 2) {
        const D av = L::load_half(a + i), bv = L::load_half(b + i);
        const D gap = av - max_a;  // ≤ 0, exact
        D weight = exp_within_3e9_lanes<W>(gap);
        if constexpr (MayUnderflow) weight = (gap < -700.0) ? D{} : weight;  // e^gap < 1e-304 counts as 0
        const D y = (bv - av) - c0;                                          // b − a exact in double
        const D phi = expm1mx_within_3e9_lanes<W>(y);
        z += weight;
        s1 += weight * y;
        s2 += weight * phi;
    }
}

/// KL(softmax(a)‖softmax(b)) in nats for one row of finite float logits. With w = e^(a − max a),
/// Z = Σw, y = (b − a) − c₀, c₀ = max b − max a (so y is small when the rows are close, up to a
/// shift), S₁ = Σ w·y, S₂ = Σ w·φ(y) and x = (S₁ + S₂)/Z = e^(c − c₀) − 1:
///   KL = Σ pᵢ·φ(yᵢ − (c − c₀)) = S₂/Z − ψ(x),   ψ(x) = x − log1p(x),
/// both terms ≥ 0 and ψ(x) of order x², so a KL of 1e-18 keeps its digits. The row's range
/// bounds every y and every a − max a in advance: rows with |y| ≤ 600 possible run without
/// per-logit range selects; a row with |y| > 600 somewhere returns false (scalar path).
template <int W>
KLDIV_VECTOR_INLINE bool logits_kl_row(const float* a, const float* b, std::size_t n, double& kl) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    constexpr std::size_t H = W / 2;
    if (n == 0) return false;
    const row_range ra = range_of<W>(a, n), rb = range_of<W>(b, n);
    if (!ra.finite || !rb.finite) return false;
    const double max_a = ra.max, c0 = double(rb.max) - double(ra.max);  // exact: differences of floats
    const double y_high = (double(rb.max) - double(ra.min)) - c0, y_low = (double(rb.min) - double(ra.max)) - c0;
    if (!(y_high <= 600.0 && y_low >= -600.0)) return false;
    const std::size_t end = n - n % H;
    D z{}, s1{}, s2{};
    if (double(ra.min) - max_a < -700.0)
        logits_kl_sums<W, true>(a, b, end, max_a, c0, z, s1, s2);
    else
        logits_kl_sums<W, false>(a, b, end, max_a, c0, z, s1, s2);
    double z_total = L::lane_sum(z), s1_total = L::lane_sum(s1), s2_total = L::lane_sum(s2);
    for (std::size_t i = end; i < n; ++i) {
        const double y = (double(b[i]) - double(a[i])) - c0;
        const double w = std::exp(double(a[i]) - max_a);
        z_total += w;
        s1_total += w * y;
        s2_total += w * kldiv::expm1mx(y);
    }
    const double x = (s1_total + s2_total) / z_total;
    const double value = s2_total / z_total + kldiv::log1pmx(x);  // S₂/Z − ψ(x)
    kl = value > 0 ? value : 0.0;
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
/// rows the lanes decline (non-finite logits, |b − a| beyond 600), which finish then computes on
/// the scalar path. (finish is not inlined into the clone: it runs once per row, not per logit.)
struct logits_kl_rows_body {
    template <int W, class Finish>
    KLDIV_VECTOR_INLINE static void run(const float* a, const float* b, std::size_t vocabulary, std::size_t rows,
                                        Finish& finish) noexcept {
        for (std::size_t row = 0; row < rows; ++row) {
            double nats = 0;
            const bool ok = logits_kl_row<W>(a + row * vocabulary, b + row * vocabulary, vocabulary, nats);
            finish(row, ok, nats);
        }
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

/// Row-wise KL(softmax(a)‖softmax(b)) in nats for `rows` rows of `vocabulary` float logits (row r
/// at a + r·vocabulary), through the double lanes of simd::active_isa(): each row's result goes to
/// finish(row, ok, nats), ok false for the rows the lanes decline (non-finite logits, |b − a|
/// beyond 600), which the caller then computes on its scalar path. Defined where
/// KLDIV_HAVE_FLOAT_LANES is (GCC on x86-64).
template <class Finish>
void logits_kl_rows(const float* a, const float* b, std::size_t vocabulary, std::size_t rows,
                    Finish& finish) noexcept {
    detail::dispatch_lanes<detail::logits_kl_rows_body>(a, b, vocabulary, rows, finish);
}

/// Row-wise entropy of softmax(a) in nats, as logits_kl_rows (ok false for rows with a
/// non-finite logit).
template <class Finish>
void logits_entropy_rows(const float* a, std::size_t vocabulary, std::size_t rows, Finish& finish) noexcept {
    detail::dispatch_lanes<detail::logits_entropy_rows_body>(a, vocabulary, rows, finish);
}

}  // namespace kldiv::simd

#endif
