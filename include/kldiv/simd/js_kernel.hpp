// Row-wise generalized Jensen–Shannon divergence JSD_β (and its scaled form) of softmax rows of
// float or double logits at a temperature τ, log-softmax fused (three passes over each row, no
// temporaries), in double lanes on GCC vector types.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kldiv/simd/detail/arithmetic.hpp"
#include "kldiv/simd/detail/constants.hpp"
#include "kldiv/simd/detail/exp_residuals.hpp"
#include "kldiv/simd/detail/lanes.hpp"
#include "kldiv/simd/dispatch.hpp"

#if defined(KLDIV_HAVE_FLOAT_LANES)

namespace kldiv::simd::detail {

/// What the lanes need of β, the form (plain or scaled) and τ, per call.
struct js_row_constants {
    double beta, one_minus_beta;  // the mixture weights of P and Q: M = βP + (1 − β)Q
    double p_factor, q_factor;    // of Σpᵢφ(uᵢ) and Σqᵢφ(vᵢ): β and 1 − β, or 1/(1 − β) and 1/β
                                  // (scaled), 0 where the factor's limit makes the terms vanish
    double inverse_tau;           // 1/τ
};

/// W/2 logits from p in double lanes (floats widened exactly).
template <int W>
KLDIV_VECTOR_INLINE typename lanes<W>::hd load_logits(const float* p) noexcept {
    return lanes<W>::load_half(p);
}
template <int W>
KLDIV_VECTOR_INLINE typename lanes<W>::hd load_logits(const double* p) noexcept {
    typename lanes<W>::hd v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

/// The accuracy tier of the lanes, named by its bound per piece: which of the library's
/// polynomials they evaluate.
///  - js_within_3e9 (float logits, whose answer is rounded to float): φ(t) = t²·g(t) with
///    constants.hpp's degree-5 g (2.9e-9 relative) and five terms of the atanh series
///    (5e-9 relative on the series, itself ≤ 6 % of the log): every piece ~3e-9, three orders
///    below a float ulp.
///  - js_within_2e15 (double logits): the degree-8 g (1.5e-14) and ten atanh terms
///    (4e-18): every piece ~2e-15.
struct js_within_3e9 {
    static constexpr const auto& phi_over_t2 = phi_over_t2_degree5;
    static constexpr std::size_t atanh_terms = 5;
};
struct js_within_2e15 {
    static constexpr const auto& phi_over_t2 = phi_over_t2_degree8;
    static constexpr std::size_t atanh_terms = 10;
};
template <class T>
using js_tier_t = std::conditional_t<std::is_same_v<T, float>, js_within_3e9, js_within_2e15>;

/// 2u³·Σu²ⁿ/(2n+3) = log((1 + u)/(1 − u)) − 2u for |u| ≤ 0.1716 (constants.hpp's atanh
/// coefficients, as many as the tier needs).
template <int W, class Tier>
KLDIV_VECTOR_INLINE typename lanes<W>::hd atanh_tail_lanes(const typename lanes<W>::hd& u) noexcept {
    const typename lanes<W>::hd u2 = u * u;
    return (2.0 * u) * u2 * horner_prefix<W, Tier::atanh_terms>(u2, element_constants<double>::atanh_tail);
}

/// eˣ and eˣ − 1 in double lanes for |x| ≤ 700, both to the tier's relative accuracy
/// (exp_residuals.hpp's exp_expm1_lanes with the tier's polynomial).
template <int W, class Tier>
KLDIV_VECTOR_INLINE exp_and_expm1<W> exp_expm1_lanes(const typename lanes<W>::hd& x) noexcept {
    return exp_expm1_lanes<W>(x, Tier::phi_over_t2);
}

/// The largest and smallest logit of a row in double, and whether every entry is finite (a row
/// holding −inf, +inf or NaN goes to the scalar path).
struct js_row_range {
    double min, max;
    bool finite;
};

template <int W, class T>
KLDIV_VECTOR_INLINE js_row_range js_range_of(const T* a, std::size_t n) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    constexpr std::size_t H = W / 2;
    const std::size_t end = n - n % H;
    D largest = D{} + double(a[0]), smallest = largest, non_finite{};
    for (std::size_t i = 0; i < end; i += H) {
        const D v = load_logits<W>(a + i);
        largest = (v > largest) ? v : largest;
        smallest = (v < smallest) ? v : smallest;
        non_finite += v - v;  // NaN for ±inf and NaN
    }
    js_row_range r{double(a[0]), double(a[0]), true};
    for (std::size_t j = 0; j < H; ++j) {
        r.max = largest[j] > r.max ? largest[j] : r.max;
        r.min = smallest[j] < r.min ? smallest[j] : r.min;
        r.finite = r.finite && non_finite[j] == 0;
    }
    for (std::size_t i = end; i < n; ++i) {
        const double v = double(a[i]);
        r.max = v > r.max ? v : r.max;
        r.min = v < r.min ? v : r.min;
        r.finite = r.finite && v - v == 0;
    }
    return r;
}

/// The row's shift quantities, fixed before the pass that sums the divergence terms.
struct js_row_shift {
    double max_a, max_b;  // the rows' maxima (logit units)
    double c0;            // (max b − max a)/τ
    double c1;            // c − c₀ with c = log Σe^(b/τ) − log Σe^(a/τ), from log1p (keeps its digits)
    double log_z;         // log Σ e^((a − max a)/τ) ≥ 0
};

/// Z = Σwᵢ and X = Σwᵢ·expm1(yᵢ) over H logits, wᵢ = e^((aᵢ − max a)/τ), yᵢ = (bᵢ − aᵢ)/τ − c₀,
/// so that X/Z = e^(c − c₀) − 1 (Σ over the kept lanes of keep).
template <int W, class Tier>
KLDIV_VECTOR_INLINE void js_shift_block(const typename lanes<W>::hd& av, const typename lanes<W>::hd& bv, double max_a,
                                        double c0, double inverse_tau, typename lanes<W>::hd& z,
                                        typename lanes<W>::hd& x) noexcept {
    using D = typename lanes<W>::hd;
    const D gap = (av - max_a) * inverse_tau;
    const D y = (bv - av) * inverse_tau - c0;  // b − a exact in double for float logits
    const D w = exp_expm1_lanes<W, Tier>(gap).value;
    z += w;
    x += w * exp_expm1_lanes<W, Tier>(y).minus_one;
}

/// What one block's terms are made of (see js_row): per lane, p is the big side where d ≤ 0.
template <int W>
struct js_pieces {
    using D = typename lanes<W>::hd;
    D big;     // A = max(pᵢ, qᵢ)
    D z, e;    // e^−|d| and e^−|d| − 1
    D s;       // |d|
    D x1, l1;  // c_small·e and log1pmx(x₁): the big side's φ(log(mᵢ/A)) = −l1
    D x2, l2;  // −c_big·e/z and log1pmx(x₂): the small side's φ(log(mᵢ/(Az))) = −l2
    D f_big, f_small;
    typename lanes<W>::hi q_big;  // −1 where d > 0 (q is the larger probability)
};

template <int W, class Tier>
KLDIV_VECTOR_INLINE js_pieces<W> js_pieces_of(const typename lanes<W>::hd& av, const typename lanes<W>::hd& bv,
                                              const js_row_shift& shift, const js_row_constants& k) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    using I = typename L::hi;
    using R = bit_traits<double>;
    using C = element_constants<double>;
    const D gap = (av - shift.max_a) * k.inverse_tau;
    const D d = ((bv - av) * k.inverse_tau - shift.c0) - shift.c1;  // log qᵢ − log pᵢ
    const D log_p = gap - shift.log_z;
    const D zero{};
    const D s = L::abs(d);
    // The larger probability A = max(pᵢ, qᵢ) is the "big" side; z = e^−|d| the ratio small/big.
    const D log_big = log_p + ((d > zero) ? d : zero);
    const D big = exp_expm1_lanes<W, Tier>(log_big).value;
    const exp_and_expm1<W> ez = exp_expm1_lanes<W, Tier>(-s);
    const D z = ez.value, e = ez.minus_one;  // z ∈ (0, 1], e = z − 1 ∈ (−1, 0]
    // Mixture weights and factors of the big and the small side (p is big where d ≤ 0).
    const D c_big = (d > zero) ? (zero + k.one_minus_beta) : (zero + k.beta);
    const D c_small = (d > zero) ? (zero + k.beta) : (zero + k.one_minus_beta);
    const D f_big = (d > zero) ? (zero + k.q_factor) : (zero + k.p_factor);
    const D f_small = (d > zero) ? (zero + k.p_factor) : (zero + k.q_factor);
    // Big side: φ(log(mᵢ/A)) = −log1pmx(x₁), x₁ = c_small·e ∈ (−1, 0]. Near 0 (x₁ ≥ −0.29) by
    // u = x₁/(2 + x₁): log1pmx = −x₁u + 2u³Σu²ⁿ/(2n+3); else log1pmx = log w − x₁ with
    // w = mᵢ/A = c_big + c_small·z formed directly (not 1 + x₁, which loses w's digits near 0),
    // w = 2ᵉ·m, m ∈ [√½, √2), log w = e·ln2 + 2u + 2u³Σ…, u = (m − 1)/(m + 1): one quotient, one
    // series, for both.
    const D x1 = c_small * e;
    const D w = c_big + c_small * z;  // ≥ e^−650: normal
    I w_bits;
    std::memcpy(&w_bits, &w, sizeof w_bits);
    I exponent_bits = (w_bits >> 52) | static_cast<std::int64_t>(R::integer_magic);
    I mantissa_bits = (w_bits & static_cast<std::int64_t>(R::mantissa_mask)) | static_cast<std::int64_t>(R::one);
    D w_exponent, m;
    std::memcpy(&w_exponent, &exponent_bits, sizeof w_exponent);
    std::memcpy(&m, &mantissa_bits, sizeof m);
    w_exponent = w_exponent - (R::integer_magic_value + 1023.0);
    const D half_m = m * 0.5;
    w_exponent = (m > C::sqrt2) ? w_exponent + 1.0 : w_exponent;
    m = (m > C::sqrt2) ? half_m : m;
    const D near_limit1 = zero - 0.29;
    const D numerator1 = (x1 >= near_limit1) ? x1 : m - 1.0;  // m − 1 exact
    const D denominator1 = (x1 >= near_limit1) ? x1 + 2.0 : m + 1.0;
    // Small side: φ(log(mᵢ/small)) = −log1pmx(x₂), x₂ = −c_big·e/z = c_big(e^|d| − 1) ≥ 0. Near 0
    // (x₂ ≤ 0.41) by the series, u₂ = x₂/(2 + x₂); else from log1p(x₂) = log w + |d|:
    // log1pmx(x₂) = ((log1pmx(x₁) + x₁) + |d|) − x₂ (cancels by at most ~20× where x₂ is just
    // above 0.41). u₁ and u₂ share one division (2 + x₂ ≤ 1e261: no overflow).
    const D x2 = -(c_big * e) / z;
    const D denominator2 = x2 + 2.0;
    const D reciprocal = 1.0 / (denominator1 * denominator2);
    const D u1 = (numerator1 * denominator2) * reciprocal;
    const D u2 = (x2 * denominator1) * reciprocal;
    const D tail1 = atanh_tail_lanes<W, Tier>(u1);
    const D near1 = tail1 - x1 * u1;
    const D log_w = ((w_exponent * C::ln2_hi - x1) + 2.0 * u1) + (w_exponent * C::ln2_lo + tail1);  // log w − x₁
    const D l1 = (x1 >= near_limit1) ? near1 : log_w;                                               // log1pmx(x₁)
    const D near2 = atanh_tail_lanes<W, Tier>(u2) - x2 * u2;
    const D far2 = ((l1 + x1) + s) - x2;
    const D l2 = (x2 <= zero + 0.41) ? near2 : far2;  // log1pmx(x₂)
    js_pieces<W> out;
    out.big = big;
    out.z = z;
    out.e = e;
    out.s = s;
    out.x1 = x1;
    out.l1 = l1;
    out.x2 = x2;
    out.l2 = l2;
    out.f_big = f_big;
    out.f_small = f_small;
    out.q_big = d > zero;
    return out;
}

/// One block's JSD terms: A·[f_big·(−l1) + f_small·z·(−l2)], every part ≥ 0.
template <int W, class Tier>
KLDIV_VECTOR_INLINE typename lanes<W>::hd js_terms(const typename lanes<W>::hd& av, const typename lanes<W>::hd& bv,
                                                   const js_row_shift& shift, const js_row_constants& k) noexcept {
    const js_pieces<W> r = js_pieces_of<W, Tier>(av, bv, shift, k);
    return r.big * (r.f_big * -r.l1 + r.f_small * (r.z * -r.l2));
}

/// What every JSD row's first two passes leave for its terms: the shift (c₀, c₁, log Z), the end
/// of the whole lane blocks, the last n % H logits padded with each row's maximum (finite,
/// harmless) and the mask that keeps only the real ones.
template <int W, class T>
struct js_row_setup {
    js_row_shift shift{};
    std::size_t end = 0;
    T a_tail[W / 2]{}, b_tail[W / 2]{};
    typename lanes<W>::hi keep{};
};

/// The range pass and the shift pass of a JSD row (see js_row). Returns false, for the scalar
/// path, on an empty row, non-finite logits or (range a + range b)/τ > 600.
template <int W, class T, class Tier>
KLDIV_VECTOR_INLINE bool js_prepare_row(const T* a, const T* b, std::size_t n, const js_row_constants& k,
                                        js_row_setup<W, T>& setup) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    constexpr std::size_t H = W / 2;
    if (n == 0) return false;
    const js_row_range ra = js_range_of<W>(a, n), rb = js_range_of<W>(b, n);
    if (!ra.finite || !rb.finite) return false;
    if (!(((ra.max - ra.min) + (rb.max - rb.min)) * k.inverse_tau <= 600.0)) return false;
    js_row_shift& shift = setup.shift;
    shift = js_row_shift{ra.max, rb.max, (rb.max - ra.max) * k.inverse_tau, 0.0, 0.0};
    const std::size_t end = setup.end = n - n % H;
    for (std::size_t j = 0; j < H; ++j) {
        const bool in_row = end + j < n;
        setup.a_tail[j] = in_row ? a[end + j] : static_cast<T>(ra.max);
        setup.b_tail[j] = in_row ? b[end + j] : static_cast<T>(rb.max);
        setup.keep[j] = in_row ? -1 : 0;
    }
    D z{}, x{};
    for (std::size_t i = 0; i < end; i += H)
        js_shift_block<W, Tier>(load_logits<W>(a + i), load_logits<W>(b + i), shift.max_a, shift.c0, k.inverse_tau, z,
                                 x);
    if (end < n) {
        D z_tail{}, x_tail{};
        js_shift_block<W, Tier>(load_logits<W>(setup.a_tail), load_logits<W>(setup.b_tail), shift.max_a, shift.c0,
                                 k.inverse_tau, z_tail, x_tail);
        z += L::keep_where(setup.keep, z_tail);
        x += L::keep_where(setup.keep, x_tail);
    }
    const double z_total = L::lane_sum(z);
    shift.c1 = std::log1p(L::lane_sum(x) / z_total);
    shift.log_z = std::log(z_total);
    return true;
}

/// JSD_β (or its scaled form, by the factors in k) in nats of softmax(a/τ) and softmax(b/τ) for
/// one row of finite logits. Per outcome, with d = log qᵢ − log pᵢ, A = max(pᵢ, qᵢ), z = e^−|d|,
/// e = z − 1 and c_big, c_small the mixture weights of the larger and the smaller side:
///   f_big·A·φ(log(mᵢ/A)) + f_small·A·z·φ(log(mᵢ/(Az))) = −A·[f_big·log1pmx(c_small·e)
///                                                          + f_small·z·log1pmx(−c_big·e/z)],
/// φ(u) = eᵘ − 1 − u: both terms ≥ 0, of order d² for nearly equal rows (no cancellation), and
/// nothing overflows (A ≤ 1, z ≤ 1). d = (bᵢ − aᵢ)/τ − c₀ − c₁ with c₀ = (max b − max a)/τ and
/// c₁ = log1p(Σwᵢ·expm1(yᵢ)/Σwᵢ) (logits_kernel.hpp's shift), so d keeps its digits however
/// close the rows are. Three passes: range, shift sums, terms. Returns false (scalar path) for
/// non-finite logits or (range a + range b)/τ > 600, which bounds every |d| and every exponent.
/// Accuracy, relative to the row's value: ~1e-14 in the js_within_2e15 tier (every piece ≤ 2e-15
/// relative, the worst cancellation ~20×), ~1e-8 in the js_within_3e9 tier (pieces ~3e-9), the float
/// tier being the default for float logits and the js_within_2e15 tier for double logits.
template <int W, class T, class Tier = js_tier_t<T>>
KLDIV_VECTOR_INLINE bool js_row(const T* a, const T* b, std::size_t n, const js_row_constants& k,
                                double& value) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    using I = typename L::hi;
    constexpr std::size_t H = W / 2;
    js_row_setup<W, T> setup;
    if (!js_prepare_row<W, T, Tier>(a, b, n, k, setup)) return false;
    const js_row_shift& shift = setup.shift;
    const std::size_t end = setup.end;
    const T* a_tail = setup.a_tail;
    const T* b_tail = setup.b_tail;
    const I keep = setup.keep;
    D sum{};
    for (std::size_t i = 0; i < end; i += H)
        sum += js_terms<W, Tier>(load_logits<W>(a + i), load_logits<W>(b + i), shift, k);
    if (end < n)
        sum += L::keep_where(keep, js_terms<W, Tier>(load_logits<W>(a_tail), load_logits<W>(b_tail), shift, k));
    const double total = L::lane_sum(sum);
    value = total > 0 ? total : 0.0;
    return true;
}

/// js_row for a caller that already has each row's log-sum-exp at τ, log Σe^(aᵢ/τ) and
/// log Σe^(bᵢ/τ): no shift pass (two passes: range, terms), with
/// dᵢ = (bᵢ − aᵢ)/τ − (lse b − lse a) and log pᵢ = aᵢ/τ − lse a. dᵢ then carries the absolute
/// error of the two log-sum-exps (~1e-16·|lse|), so nearly equal rows lose the relative
/// accuracy js_row keeps (there the difference of the log-sum-exps cancels); the terms are
/// otherwise as js_row's. Returns false for the rows js_row declines.
template <int W, class T, class Tier = js_tier_t<T>>
KLDIV_VECTOR_INLINE bool js_row_given_log_sums(const T* a, const T* b, std::size_t n, const js_row_constants& k,
                                               double log_sum_a, double log_sum_b, double& value) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    using I = typename L::hi;
    constexpr std::size_t H = W / 2;
    if (n == 0) return false;
    const js_row_range ra = js_range_of<W>(a, n), rb = js_range_of<W>(b, n);
    if (!ra.finite || !rb.finite) return false;
    if (!(((ra.max - ra.min) + (rb.max - rb.min)) * k.inverse_tau <= 600.0)) return false;
    const js_row_shift shift{0.0, 0.0, log_sum_b - log_sum_a, 0.0, log_sum_a};
    const std::size_t end = n - n % H;
    T a_tail[H], b_tail[H];
    I keep;
    for (std::size_t j = 0; j < H; ++j) {
        const bool in_row = end + j < n;
        a_tail[j] = in_row ? a[end + j] : static_cast<T>(ra.max);
        b_tail[j] = in_row ? b[end + j] : static_cast<T>(rb.max);
        keep[j] = in_row ? -1 : 0;
    }
    D sum{};
    for (std::size_t i = 0; i < end; i += H)
        sum += js_terms<W, Tier>(load_logits<W>(a + i), load_logits<W>(b + i), shift, k);
    if (end < n)
        sum += L::keep_where(keep, js_terms<W, Tier>(load_logits<W>(a_tail), load_logits<W>(b_tail), shift, k));
    const double total = L::lane_sum(sum);
    value = total > 0 ? total : 0.0;
    return true;
}

/// js_row_given_log_sums over rows 0..rows−1 with one pair of log-sum-exps each (log_sums_a[r],
/// log_sums_b[r]); finish(row, ok, nats) as js_rows_body.
template <class Tier = void>
struct js_rows_given_log_sums_body {
    template <int W, class T, class Finish>
    KLDIV_VECTOR_INLINE static void run(const T* a, const T* b, std::size_t vocabulary, std::size_t rows,
                                        const js_row_constants& k, const double* log_sums_a, const double* log_sums_b,
                                        Finish& finish) noexcept {
        using G = std::conditional_t<std::is_void_v<Tier>, js_tier_t<T>, Tier>;
        for (std::size_t row = 0; row < rows; ++row) {
            double nats = 0;
            const bool ok = js_row_given_log_sums<W, T, G>(a + row * vocabulary, b + row * vocabulary, vocabulary, k,
                                                           log_sums_a[row], log_sums_b[row], nats);
            finish(row, ok, nats);
        }
    }
};

/// The gradients' constants: factor = scale/τ (scale: unit and reduction), and whether a side's
/// gradient is its KL's own (the scaled form at β = 1 for p, β = 0 for q): −pᵢ·expm1(dᵢ).
struct js_gradient_constants {
    double factor;
    bool p_at_limit, q_at_limit;
};

/// Stores the first count lanes of v to p (float or double).
template <int W>
KLDIV_VECTOR_INLINE void store_lanes(float* p, const typename lanes<W>::hd& v, std::size_t count) noexcept {
    if (count == W / 2) return lanes<W>::store_half(p, v);
    for (std::size_t j = 0; j < count; ++j) p[j] = static_cast<float>(v[j]);
}
template <int W>
KLDIV_VECTOR_INLINE void store_lanes(double* p, const typename lanes<W>::hd& v, std::size_t count) noexcept {
    if (count == W / 2) return static_cast<void>(std::memcpy(p, &v, sizeof v));
    for (std::size_t j = 0; j < count; ++j) p[j] = v[j];
}

/// js_row with the gradients written in a fourth pass (grad_a, grad_b: null or n entries):
///   ∂/∂aᵢ = −factor·p_factor·pᵢ·(uᵢ + KL(P‖M)),  ∂/∂bᵢ = −factor·q_factor·qᵢ·(vᵢ + KL(Q‖M)),
/// uᵢ = log(mᵢ/pᵢ), vᵢ = log(mᵢ/qᵢ) (log1p(x₁) = l1 + x₁ for the big side, log1p(x₂) = l2 + x₂
/// for the small one: the same pieces as the value), or −factor·pᵢ·expm1(dᵢ) (−factor·qᵢ·expm1(−dᵢ)) at
/// a limit. The third pass sums KL(P‖M) and KL(Q‖M) apart.
template <int W, class T, class Tier = js_tier_t<T>>
KLDIV_VECTOR_INLINE bool js_row_with_gradients(const T* a, const T* b, std::size_t n, const js_row_constants& k,
                                               const js_gradient_constants& g, T* grad_a, T* grad_b,
                                               double& value) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    using I = typename L::hi;
    constexpr std::size_t H = W / 2;
    js_row_setup<W, T> setup;
    if (!js_prepare_row<W, T, Tier>(a, b, n, k, setup)) return false;
    const js_row_shift& shift = setup.shift;
    const std::size_t end = setup.end;
    const T* a_tail = setup.a_tail;
    const T* b_tail = setup.b_tail;
    const I keep = setup.keep;
    // KL(P‖M) and KL(Q‖M) apart: the big side's part −A·l1, the small side's −A·z·l2.
    D kl_p{}, kl_q{};
    const auto add_sides = [&](const js_pieces<W>& r, const I& mask) __attribute__((always_inline)) {
        const D big_part = L::keep_where(mask, r.big * -r.l1);
        const D small_part = L::keep_where(mask, r.big * (r.z * -r.l2));
        kl_p += r.q_big ? small_part : big_part;
        kl_q += r.q_big ? big_part : small_part;
    };
    const I all = I{} - 1;
    for (std::size_t i = 0; i < end; i += H)
        add_sides(js_pieces_of<W, Tier>(load_logits<W>(a + i), load_logits<W>(b + i), shift, k), all);
    if (end < n) add_sides(js_pieces_of<W, Tier>(load_logits<W>(a_tail), load_logits<W>(b_tail), shift, k), keep);
    const double kl_p_total = L::lane_sum(kl_p), kl_q_total = L::lane_sum(kl_q);
    const double total = k.p_factor * kl_p_total + k.q_factor * kl_q_total;
    value = total > 0 ? total : 0.0;
    // The gradients, from the same pieces.
    const auto gradients = [&](const js_pieces<W>& r, T* ga, T* gb, std::size_t count) __attribute__((always_inline)) {
        const D small = r.big * r.z;
        const D log_w = r.l1 + r.x1;    // log(mᵢ/A) = log1p(x₁)
        const D log_w_s = r.l2 + r.x2;  // log(mᵢ/(Az)) = log1p(x₂), not log w + |d| (which cancels)
        const D big_e = r.big * r.e;    // the big side's A·expm1(−|d|); the small side's is −A·e
        const D p = r.q_big ? small : r.big, q = r.q_big ? r.big : small;
        const D u = r.q_big ? log_w_s : log_w, v = r.q_big ? log_w : log_w_s;
        if (ga != nullptr) {
            const D p_expm1 = r.q_big ? -big_e : big_e;  // pᵢ·expm1(dᵢ)
            const D gp = g.p_at_limit ? -p_expm1 : (-k.p_factor) * (p * (u + kl_p_total));
            store_lanes<W>(ga, gp * g.factor, count);
        }
        if (gb != nullptr) {
            const D q_expm1 = r.q_big ? big_e : -big_e;  // qᵢ·expm1(−dᵢ)
            const D gq = g.q_at_limit ? -q_expm1 : (-k.q_factor) * (q * (v + kl_q_total));
            store_lanes<W>(gb, gq * g.factor, count);
        }
    };
    for (std::size_t i = 0; i < end; i += H)
        gradients(js_pieces_of<W, Tier>(load_logits<W>(a + i), load_logits<W>(b + i), shift, k),
                  grad_a == nullptr ? nullptr : grad_a + i, grad_b == nullptr ? nullptr : grad_b + i, H);
    if (end < n)
        gradients(js_pieces_of<W, Tier>(load_logits<W>(a_tail), load_logits<W>(b_tail), shift, k),
                  grad_a == nullptr ? nullptr : grad_a + end, grad_b == nullptr ? nullptr : grad_b + end, n - end);
    return true;
}

/// Rows with gradients: finish(row, ok, nats) as js_rows_body; where ok, the row's gradients
/// are written (grad_a, grad_b: null or rows × vocabulary).
struct js_gradient_rows_body {
    template <int W, class T, class Finish>
    KLDIV_VECTOR_INLINE static void run(const T* a, const T* b, std::size_t vocabulary, std::size_t rows,
                                        const js_row_constants& k, const js_gradient_constants& g, T* grad_a, T* grad_b,
                                        Finish& finish) noexcept {
        for (std::size_t row = 0; row < rows; ++row) {
            double nats = 0;
            const std::size_t at = row * vocabulary;
            const bool ok =
                js_row_with_gradients<W, T>(a + at, b + at, vocabulary, k, g, grad_a == nullptr ? nullptr : grad_a + at,
                                            grad_b == nullptr ? nullptr : grad_b + at, nats);
            finish(row, ok, nats);
        }
    }
};

/// Every row through the lanes, each result handed to finish(row, ok, nats); ok is false for the
/// rows the lanes decline (non-finite logits, a range beyond 600τ), which finish then computes on
/// the scalar path.
template <class Tier = void>  // void: js_tier_t of the logits' type
struct js_rows_body {
    template <int W, class T, class Finish>
    KLDIV_VECTOR_INLINE static void run(const T* a, const T* b, std::size_t vocabulary, std::size_t rows,
                                        const js_row_constants& k, Finish& finish) noexcept {
        for (std::size_t row = 0; row < rows; ++row) {
            double nats = 0;
            using G = std::conditional_t<std::is_void_v<Tier>, js_tier_t<T>, Tier>;
            const bool ok = js_row<W, T, G>(a + row * vocabulary, b + row * vocabulary, vocabulary, k, nats);
            finish(row, ok, nats);
        }
    }
};

}  // namespace kldiv::simd::detail

#endif
