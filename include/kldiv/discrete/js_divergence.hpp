// The generalized (skewed) Jensen–Shannon divergence of softmax rows, JSD_β, and its scaled form
// JSD_β/(β(1 − β)), row-wise over two logit matrices, as sums of non-negative Bregman terms.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/execution.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/row_gradients.hpp"
#include "kldiv/discrete/row_options.hpp"
#include "kldiv/discrete/units.hpp"
#include "kldiv/discrete/vector_input.hpp"
#include "kldiv/simd/js_kernel.hpp"

namespace kldiv {
namespace detail {

/// log(w + (1 − w)·eᵈ), the log of a two-point mixture relative to its first point, formed in
/// log space: log1p((1 − w)·expm1(d)) while that argument is ≥ −½ (there log1p is well
/// conditioned and the result keeps its digits however small d is), else the log-sum-exp of
/// log w and log(1 − w) + d (|result| ≥ log 2 there, so its absolute error is a relative one).
/// Never the log of a sum that can underflow to 0: w = 0 gives d exactly in the limit, and
/// w = 0 with d = −inf gives −inf.
template <class A>
A log_mixture_ratio(A d, A one_minus_w, A log_w, A log_one_minus_w) noexcept {
    if (d < A(700)) {
        const A x = one_minus_w * std::expm1(d);
        if (x >= A(-0.5)) return std::log1p(x);
    }
    const A shifted = log_one_minus_w + d;
    const A high = log_w > shifted ? log_w : shifted;
    const A low = log_w > shifted ? shifted : log_w;
    if (high == -std::numeric_limits<A>::infinity()) return high;
    return high + std::log1p(std::exp(low - high));
}

/// e^(log_weight)·φ(u) ≥ 0 with φ(u) = eᵘ − 1 − u, finite where the weight underflows but eᵘ
/// is large (then it is m − weight − weight·u with m = e^(log_weight + u), the mixture's mass).
/// log_m, when given, is log m formed directly (log_weight + u loses m's digits when both are
/// huge and opposite, as at logits of ±1e300).
template <class A>
A weighted_bregman(A log_weight, A u, A log_m = std::numeric_limits<A>::quiet_NaN()) noexcept {
    const A weight = std::exp(log_weight);
    if (u > A(40)) return (std::exp(log_m == log_m ? log_m : log_weight + u) - weight) - (weight > A(0) ? weight * u : A(0));
    return weight > A(0) ? weight * expm1mx(u) : A(0);
}

/// log(eˣ + eʸ) for x, y ≤ 0 or −inf, without overflow.
template <class A>
A log_add(A x, A y) noexcept {
    const A high = x > y ? x : y, low = x > y ? y : x;
    if (high == -std::numeric_limits<A>::infinity()) return high;
    return high + std::log1p(std::exp(low - high));
}

/// β and what the Bregman terms need of it, for the plain (scaled = false) or scaled form.
template <class A>
struct js_skew {
    A beta, one_minus_beta, log_beta, log_one_minus_beta;
    A p_factor, q_factor;  // the terms' factors: β and 1 − β, or 1/(1 − β) and 1/β
    bool p_terms, q_terms;  // false where the factor's limit makes the terms vanish
    bool scaled;

    js_skew(double b, bool is_scaled) noexcept
        : beta(static_cast<A>(b)),
          one_minus_beta(A(1) - static_cast<A>(b)),
          log_beta(std::log(static_cast<A>(b))),
          log_one_minus_beta(std::log1p(-static_cast<A>(b))),
          scaled(is_scaled) {
        if (is_scaled) {
            p_terms = beta < A(1);  // at β = 1: Σ pᵢφ(uᵢ)/(1 − β) → 0, uᵢ = O(1 − β)
            q_terms = beta > A(0);
            p_factor = p_terms ? A(1) / one_minus_beta : A(0);
            q_factor = q_terms ? A(1) / beta : A(0);
        } else {
            p_terms = beta > A(0);
            q_terms = beta < A(1);
            p_factor = beta;
            q_factor = one_minus_beta;
        }
    }
};

/// JSD_β(softmax(a/τ), softmax(b/τ)) in nats, or its scaled form, as
///   Σ β·pᵢ·φ(uᵢ) + (1 − β)·qᵢ·φ(vᵢ),  uᵢ = log(mᵢ/pᵢ), vᵢ = log(mᵢ/qᵢ), m = βp + (1 − β)q
/// (KL(p‖m) = Σ pᵢ(e^uᵢ − 1 − uᵢ) because Σm = Σp = 1, with the term mᵢ where pᵢ = 0, and
/// likewise for q): every term ≥ 0, nothing cancels when p ≈ q. uᵢ and vᵢ come from
/// dᵢ = log qᵢ − log pᵢ = (bᵢ − aᵢ)/τ − c (c from logits_shift, exact to a relative ulp of dᵢ
/// however close the rows) through log_mixture_ratio.
/// With grad_a / grad_b (each may be null), a second pass writes scale·∂/∂a and scale·∂/∂b:
///   ∂/∂aᵢ = −(p_factor/τ)·pᵢ·(uᵢ + KL(p‖m)),  ∂/∂bᵢ = −(q_factor/τ)·qᵢ·(vᵢ + KL(q‖m))
/// (∂JSD/∂pᵢ = −β·uᵢ through the softmax, Σpu = −KL(p‖m)); the scaled form at β = 1 (β = 0)
/// takes the limit uᵢ/(1 − β) → expm1(dᵢ) (vᵢ/β → expm1(−dᵢ)): the KL's own gradient.
template <class A, class T>
A logits_js_nats(std::span<const T> a, std::span<const T> b, const js_skew<A>& skew, A tau, A scale = A(1),
                 T* grad_a = nullptr, T* grad_b = nullptr) noexcept {
    constexpr A minus_inf = -std::numeric_limits<A>::infinity();
    const row_normalizer<A, T> na(a, tau);
    const row_normalizer<A, T> nb(b, tau);
    if (std::isnan(na.max) || std::isnan(nb.max)) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (grad_a) grad_a[i] = std::numeric_limits<T>::quiet_NaN();
            if (grad_b) grad_b[i] = std::numeric_limits<T>::quiet_NaN();
        }
        return std::numeric_limits<A>::quiet_NaN();
    }
    const A c = logits_shift(a, b, na, nb);
    // uᵢ, vᵢ and dᵢ of one outcome with both probabilities positive.
    const auto mixture_logs = [&](std::size_t i, A& u, A& v, A& d) {
        d = logit_difference(na, nb, a[i], b[i]) - c;
        // Logits near ±DBL_MAX: bᵢ − aᵢ or c overflowed; then d from the rows' own normalisations.
        if (!std::isfinite(d)) d = nb.log_probability(b[i]) - na.log_probability(a[i]);
        u = log_mixture_ratio(d, skew.one_minus_beta, skew.log_beta, skew.log_one_minus_beta);
        v = log_mixture_ratio(-d, skew.beta, skew.log_one_minus_beta, skew.log_beta);
    };
    compensated_sum<A> kl_pm, kl_qm;  // KL(p‖m) and KL(q‖m)
    for (std::size_t i = 0; i < a.size(); ++i) {
        const A log_p = na.log_probability(a[i]), log_q = nb.log_probability(b[i]);
        if (log_p == minus_inf && log_q == minus_inf) continue;
        if (log_p == minus_inf) {
            // KL(p‖m)'s term where pᵢ = 0 is mᵢ (the limit of pᵢφ(uᵢ)): the identity Σm = Σp
            // counts every mᵢ. Here mᵢ = (1 − β)qᵢ and vᵢ = log(1 − β).
            const A q = std::exp(log_q);
            kl_pm.add(skew.one_minus_beta * q);
            kl_qm.add(weighted_bregman(log_q, skew.log_one_minus_beta));
        } else if (log_q == minus_inf) {
            kl_qm.add(skew.beta * std::exp(log_p));  // mᵢ = βpᵢ
            kl_pm.add(weighted_bregman(log_p, skew.log_beta));
        } else {
            A u, v, d;
            mixture_logs(i, u, v, d);
            const A log_m = log_add(skew.log_beta + log_p, skew.log_one_minus_beta + log_q);
            kl_pm.add(weighted_bregman(log_p, u, log_m));
            kl_qm.add(weighted_bregman(log_q, v, log_m));
        }
    }
    const A kl_p = kl_pm.value(), kl_q = kl_qm.value();
    A value = 0;
    if (skew.p_terms) value += skew.p_factor * kl_p;
    if (skew.q_terms) value += skew.q_factor * kl_q;
    if (grad_a == nullptr && grad_b == nullptr) return value;
    const bool scaled_at_one = skew.scaled && skew.beta == A(1);
    const bool scaled_at_zero = skew.scaled && skew.beta == A(0);
    const gradient_factor<A> factor{scale, tau};
    for (std::size_t i = 0; i < a.size(); ++i) {
        const A log_p = na.log_probability(a[i]), log_q = nb.log_probability(b[i]);
        const A p = std::exp(log_p), q = std::exp(log_q);
        A u = skew.log_beta, v = skew.log_one_minus_beta, d = log_q - log_p;
        if (log_p != minus_inf && log_q != minus_inf) mixture_logs(i, u, v, d);
        if (grad_a != nullptr) {
            A g = 0;
            if (p > A(0)) {
                if (scaled_at_one)
                    g = -p * std::expm1(d);
                else if (skew.p_terms)
                    g = -skew.p_factor * p * (u + kl_p);
            }
            grad_a[i] = static_cast<T>(factor(g));
        }
        if (grad_b != nullptr) {
            A g = 0;
            if (q > A(0)) {
                if (scaled_at_zero)
                    g = -q * std::expm1(-d);
                else if (skew.q_terms)
                    g = -skew.q_factor * q * (v + kl_q);
            }
            grad_b[i] = static_cast<T>(factor(g));
        }
    }
    return value;
}

template <class T>
void js_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary, std::span<T> out,
             const row_options& options, const row_gradients<T>& gradients, information_unit unit,
             bool scaled) noexcept {
    using A = accumulator_t<T>;
    const js_skew<A> skew(options.beta, scaled);
    const A tau = static_cast<A>(options.temperature);
    const std::size_t rows = vocabulary == 0 ? 0 : p_logits.size() / vocabulary;
    const A scale = gradient_scale<A>(options, rows, unit);
    zero_masked_gradient_rows(options, rows, vocabulary, gradients);
#if defined(KLDIV_HAVE_FLOAT_LANES)
    if constexpr (simd_real<T>) {
        if (gradients.p_logits.empty() && gradients.q_logits.empty()) {
            // The lane kernel (simd/js_kernel.hpp); rows it declines take the scalar path below.
            const simd::detail::js_row_constants constants{
                static_cast<double>(skew.beta), static_cast<double>(skew.one_minus_beta),
                skew.p_terms ? static_cast<double>(skew.p_factor) : 0.0,
                skew.q_terms ? static_cast<double>(skew.q_factor) : 0.0, 1.0 / options.temperature};
            reduce_rows<T, A>(
                options, rows, out,
                [&](std::size_t row) -> A {
                    const auto p_row = p_logits.subspan(row * vocabulary, vocabulary);
                    const auto q_row = q_logits.subspan(row * vocabulary, vocabulary);
                    double nats = 0;
                    bool lanes_ok = false;
                    auto finish = [&](std::size_t, bool ok, double value) {
                        lanes_ok = ok;
                        nats = value;
                    };
                    simd::detail::dispatch_lanes<simd::detail::js_rows_body<>>(p_row.data(), q_row.data(), vocabulary,
                                                                               std::size_t{1}, constants, finish);
                    if (lanes_ok) return static_cast<A>(nats);
                    return logits_js_nats<A, T>(p_row, q_row, skew, tau);
                },
                [&](A nats_value) { return unit.from_nats(nats_value); });
            return;
        }
        // With gradients, float rows: the lane kernel's fourth pass writes them
        // (simd/js_kernel.hpp; ~1e-8 relative, ~1e-11 in its double grade, short of the double
        // rows' 1e-12, which keep the scalar path). The plain JSD at β = 0 or 1 is 0 for every
        // input: its gradients are 0 exactly.
        if constexpr (std::is_same_v<T, float>) {
            const bool vanishes = !scaled && (skew.beta == A(0) || skew.beta == A(1));
            const simd::detail::js_row_constants constants{
                static_cast<double>(skew.beta), static_cast<double>(skew.one_minus_beta),
                skew.p_terms && !vanishes ? static_cast<double>(skew.p_factor) : 0.0,
                skew.q_terms && !vanishes ? static_cast<double>(skew.q_factor) : 0.0, 1.0 / options.temperature};
            const simd::detail::js_gradient_constants gradient_constants{
                static_cast<double>(scale / tau), scaled && skew.beta == A(1), scaled && skew.beta == A(0)};
            reduce_rows<T, A>(
                options, rows, out,
                [&](std::size_t row) -> A {
                    const auto p_row = p_logits.subspan(row * vocabulary, vocabulary);
                    const auto q_row = q_logits.subspan(row * vocabulary, vocabulary);
                    T* grad_p = gradients.p_logits.empty() ? nullptr : gradients.p_logits.data() + row * vocabulary;
                    T* grad_q = gradients.q_logits.empty() ? nullptr : gradients.q_logits.data() + row * vocabulary;
                    double nats = 0;
                    bool lanes_ok = false;
                    auto finish = [&](std::size_t, bool ok, double value) {
                        lanes_ok = ok;
                        nats = value;
                    };
                    simd::detail::dispatch_lanes<simd::detail::js_gradient_rows_body>(
                        p_row.data(), q_row.data(), vocabulary, std::size_t{1}, constants, gradient_constants, grad_p,
                        grad_q, finish);
                    if (lanes_ok) return static_cast<A>(nats);
                    return logits_js_nats<A, T>(p_row, q_row, skew, tau, scale, grad_p, grad_q);
                },
                [&](A nats_value) { return unit.from_nats(nats_value); });
            return;
        }
    }
#endif
    reduce_rows<T, A>(
        options, rows, out,
        [&](std::size_t row) {
            T* grad_p = gradients.p_logits.empty() ? nullptr : gradients.p_logits.data() + row * vocabulary;
            T* grad_q = gradients.q_logits.empty() ? nullptr : gradients.q_logits.data() + row * vocabulary;
            return logits_js_nats<A, T>(p_logits.subspan(row * vocabulary, vocabulary),
                                        q_logits.subspan(row * vocabulary, vocabulary), skew, tau, scale, grad_p,
                                        grad_q);
        },
        [&](A nats_value) { return unit.from_nats(nats_value); });
}

}  // namespace detail

namespace unchecked {

/// kldiv::js_divergence_rows without validation (NaN or +inf logits give NaN; β outside [0, 1]
/// or τ ≤ 0 give unspecified values).
template <real T>
void js_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, const row_options& options = {}, information_unit unit = nats) noexcept {
    detail::js_rows(p_logits, q_logits, vocabulary, out, options, row_gradients<T>{}, unit, false);
}

/// kldiv::scaled_js_divergence_rows without validation.
template <real T>
void scaled_js_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                               std::span<T> out, const row_options& options = {},
                               information_unit unit = nats) noexcept {
    detail::js_rows(p_logits, q_logits, vocabulary, out, options, row_gradients<T>{}, unit, true);
}

/// kldiv::js_divergence_rows with gradients, without validation.
template <real T>
void js_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, const row_options& options, const row_gradients<T>& gradients,
                        information_unit unit = nats) noexcept {
    detail::js_rows(p_logits, q_logits, vocabulary, out, options, gradients, unit, false);
}

/// kldiv::scaled_js_divergence_rows with gradients, without validation.
template <real T>
void scaled_js_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                               std::span<T> out, const row_options& options, const row_gradients<T>& gradients,
                               information_unit unit = nats) noexcept {
    detail::js_rows(p_logits, q_logits, vocabulary, out, options, gradients, unit, true);
}

}  // namespace unchecked

/// The generalized Jensen–Shannon divergence of each pair of rows of two row-major logit
/// matrices (rows × vocabulary), P = softmax(p_row/τ), Q = softmax(q_row/τ):
///   M = β·P + (1 − β)·Q,   JSD_β(P, Q) = β·KL(P‖M) + (1 − β)·KL(Q‖M),
/// β = options.beta (½: the ordinary JS divergence, symmetric and ≤ log 2), τ =
/// options.temperature. JSD_β is 0 at β = 0 and β = 1 and never exceeds −β·log β −
/// (1 − β)·log(1 − β); for the form that tends to the two KLs at the end points see
/// scaled_js_divergence_rows. One value per row into out, or the sum or mean over the unmasked
/// rows (row_options). No temporaries of the vocabulary's size.
/// Computed as sums of non-negative Bregman terms pᵢ·φ(log(mᵢ/pᵢ)), qᵢ·φ(log(mᵢ/qᵢ)) with the
/// logs of the mixture formed in log space, so nothing cancels when P ≈ Q and nothing underflows
/// to log 0. Accuracy: relative error ≤ 1e-12 in double and ≤ 1e-6 in float (evaluated in
/// double) for |logits/τ| ≤ 100, including nearly equal rows with JSD down to 1e-20 (tested
/// against a quad-precision reference, with ragged row lengths, τ ≠ 1 and β within 1e-9 of the
/// end points). Float and double rows run the lane kernel (simd/js_kernel.hpp, GCC on x86-64:
/// ~1e-8 relative for float rows, ~1e-14 for double rows) when every logit is finite and
/// (range of p_row + range of q_row)/τ ≤ 600; other rows (−inf logits, wider ranges) and other
/// builds take the scalar path in double (long double for long double rows).
/// Special values: −inf logits are outcomes of probability 0 (a −inf on one side only is
/// finite: the mixture keeps the other side's mass); masked rows are not read. Logits up to
/// ±DBL_MAX and any positive finite τ (logits/τ beyond the double range included: the rows
/// tend to one-hot) give a value in [0, ln 2] for β = ½, never NaN.
/// Throws kldiv::domain_error for mismatched sizes, a vocabulary of 0 or one that does not
/// divide the matrix size, an output of the wrong size, β outside [0, 1], τ not positive and
/// finite, a mask of the wrong length, or NaN / +inf / all −inf logits in an unmasked row (the
/// message names the row and the index). Validation happens before anything is written.
template <real T>
void js_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, const row_options& options = {}, information_unit unit = nats) {
    detail::check_row_shapes("js_divergence_rows", p_logits.size(), q_logits.size(), vocabulary, out.size(), options,
                             true);
    detail::check_logit_rows("js_divergence_rows", p_logits, q_logits, vocabulary, options);
    unchecked::js_divergence_rows(p_logits, q_logits, vocabulary, out, options, unit);
}

/// The scaled generalized Jensen–Shannon divergence JSD_β(P, Q)/(β(1 − β)) of each pair of
/// rows (arguments, options, accuracy and errors as js_divergence_rows). Continuous in β on
/// [0, 1]: at β = 0 it is KL(P‖Q) and at β = 1 it is KL(Q‖P) (P = softmax of p_logits), the
/// limits, with no special case that jumps: it is evaluated as Σ pᵢφ(uᵢ)/(1 − β) + qᵢφ(vᵢ)/β,
/// whose terms at β within 1e-9 of an end point agree with the end point's KL to float
/// precision. At β = ½ it is 4·JS. +inf where the end point's KL is infinite (a −inf logit
/// on one side only, at β = 0 or 1).
template <real T>
void scaled_js_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                               std::span<T> out, const row_options& options = {}, information_unit unit = nats) {
    detail::check_row_shapes("scaled_js_divergence_rows", p_logits.size(), q_logits.size(), vocabulary, out.size(),
                             options, true);
    detail::check_logit_rows("scaled_js_divergence_rows", p_logits, q_logits, vocabulary, options);
    unchecked::scaled_js_divergence_rows(p_logits, q_logits, vocabulary, out, options, unit);
}

/// js_divergence_rows with its gradients, in the same call: gradients.p_logits and/or
/// gradients.q_logits (each empty or rows × vocabulary) receive ∂/∂p_logits and ∂/∂q_logits of
/// what out receives (see row_gradients: per row, sum, or mean; unit and 1/τ included):
///   ∂JSD_β/∂p_logitᵢ = −(β/τ)·pᵢ·(log(mᵢ/pᵢ) + KL(P‖M)),
///   ∂JSD_β/∂q_logitᵢ = −((1 − β)/τ)·qᵢ·(log(mᵢ/qᵢ) + KL(Q‖M)),
/// evaluated in double for float input from the same Bregman quantities as the value, so they
/// keep their relative accuracy when P ≈ Q (each entry ≤ 1e-6 relative in float plus 1e-12 of the
/// row's largest entry, ≤ 1e-12 in double plus 1e-16 of the row's largest entry, tested against
/// finite differences in long double and a quad reference). Float rows run the lane kernel's
/// gradient pass (same rows as the value's lanes); double rows the scalar path. Throws as
/// js_divergence_rows, also for a gradient span of the wrong size.
template <real T>
void js_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, const row_options& options, const row_gradients<T>& gradients,
                        information_unit unit = nats) {
    detail::check_row_shapes("js_divergence_rows", p_logits.size(), q_logits.size(), vocabulary, out.size(), options,
                             true);
    detail::check_row_gradients("js_divergence_rows", gradients, p_logits.size(), q_logits.size());
    detail::check_logit_rows("js_divergence_rows", p_logits, q_logits, vocabulary, options);
    unchecked::js_divergence_rows(p_logits, q_logits, vocabulary, out, options, gradients, unit);
}

/// scaled_js_divergence_rows with its gradients (the js_divergence_rows gradients divided by
/// β(1 − β); at β = 0 and β = 1 the KLs' own gradients, continuous with the neighbouring β).
template <real T>
void scaled_js_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                               std::span<T> out, const row_options& options, const row_gradients<T>& gradients,
                               information_unit unit = nats) {
    detail::check_row_shapes("scaled_js_divergence_rows", p_logits.size(), q_logits.size(), vocabulary, out.size(),
                             options, true);
    detail::check_row_gradients("scaled_js_divergence_rows", gradients, p_logits.size(), q_logits.size());
    detail::check_logit_rows("scaled_js_divergence_rows", p_logits, q_logits, vocabulary, options);
    unchecked::scaled_js_divergence_rows(p_logits, q_logits, vocabulary, out, options, gradients, unit);
}

/// js_divergence_rows for any real_vector inputs (std::vector, Eigen row-major storage, ...) and
/// any contiguous output with data() and size().
template <real_vector P, real_vector Q, class Out>
requires(!std::is_same_v<P, std::span<const vector_value_t<P>>>) void js_divergence_rows(
    const P& p_logits, const Q& q_logits, std::size_t vocabulary, Out& out, const row_options& options = {},
    information_unit unit = nats) {
    using T = vector_value_t<P>;
    static_assert(std::is_same_v<T, vector_value_t<Q>>, "kldiv::js_divergence_rows: p and q element types differ");
    js_divergence_rows(as_span(p_logits), as_span(q_logits), vocabulary,
                       std::span<T>(out.data(), static_cast<std::size_t>(out.size())), options, unit);
}

/// scaled_js_divergence_rows for any real_vector inputs and contiguous output.
template <real_vector P, real_vector Q, class Out>
requires(!std::is_same_v<P, std::span<const vector_value_t<P>>>) void scaled_js_divergence_rows(
    const P& p_logits, const Q& q_logits, std::size_t vocabulary, Out& out, const row_options& options = {},
    information_unit unit = nats) {
    using T = vector_value_t<P>;
    static_assert(std::is_same_v<T, vector_value_t<Q>>,
                  "kldiv::scaled_js_divergence_rows: p and q element types differ");
    scaled_js_divergence_rows(as_span(p_logits), as_span(q_logits), vocabulary,
                              std::span<T>(out.data(), static_cast<std::size_t>(out.size())), options, unit);
}

namespace detail {

/// The policy form of js_divergence_rows (scaled: of scaled_js_divergence_rows), written once.
template <execution_policy E, class P, class Q, class Out>
void js_rows_with_policy(std::string_view function, bool scaled, const E& policy, const P& p_logits,
                         const Q& q_logits, std::size_t vocabulary, Out&& out, const row_options& options,
                         information_unit unit) {
    using T = vector_value_t<P>;
    static_assert(std::is_same_v<T, vector_value_t<Q>>, "kldiv: p and q element types differ");
    const auto p = as_span(p_logits);
    const auto q = as_span(q_logits);
    const std::span<T> o(out.data(), static_cast<std::size_t>(out.size()));
    check_row_shapes(function, p.size(), q.size(), vocabulary, o.size(), options, true);
    check_logit_rows(function, p, q, vocabulary, options);
    const row_options one = one_row_options(options);
    policy_rows_with_options(policy, p.size() / vocabulary, p.size(), options, o, unit,
                             [&](std::size_t r, information_unit u) noexcept {
                                 T value = 0;
                                 js_rows(p.subspan(r * vocabulary, vocabulary), q.subspan(r * vocabulary, vocabulary),
                                         vocabulary, std::span<T>(&value, 1), one, row_gradients<T>{}, u, scaled);
                                 return value;
                             });
}

}  // namespace detail

/// js_divergence_rows with an execution policy: `kldiv::js_divergence_rows(kldiv::par, p, q, V,
/// out, options)`. Everything is validated first on the calling thread (errors as
/// js_divergence_rows; nothing written), then the unmasked rows are distributed whole over the
/// threads, each computed exactly as js_divergence_rows computes a single row, and written or
/// reduced on the calling thread in row order: out holds the same bits for every policy (and the
/// policy-free call's values to within the rounding of each row's value to T before a sum or
/// mean). Values only. Calls on ≤ 2¹⁴ logits start no threads.
template <execution_policy E, real_vector P, real_vector Q, class Out>
void js_divergence_rows(const E& policy, const P& p_logits, const Q& q_logits, std::size_t vocabulary, Out&& out,
                        const row_options& options = {}, information_unit unit = nats) {
    detail::js_rows_with_policy("js_divergence_rows", false, policy, p_logits, q_logits, vocabulary, out, options,
                                unit);
}

/// scaled_js_divergence_rows with an execution policy; as js_divergence_rows with a policy.
template <execution_policy E, real_vector P, real_vector Q, class Out>
void scaled_js_divergence_rows(const E& policy, const P& p_logits, const Q& q_logits, std::size_t vocabulary,
                               Out&& out, const row_options& options = {}, information_unit unit = nats) {
    detail::js_rows_with_policy("scaled_js_divergence_rows", true, policy, p_logits, q_logits, vocabulary, out,
                                options, unit);
}

}  // namespace kldiv
