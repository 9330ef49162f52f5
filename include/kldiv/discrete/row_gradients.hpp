// Caller storage for the gradients of a row function with respect to its logit matrices, written
// in the same call as the values; kl_divergence_rows with gradients.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/error.hpp"
#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/row_options.hpp"
#include "kldiv/discrete/units.hpp"
#include "kldiv/simd/logits_kernel.hpp"

namespace kldiv {

/// Where a row function writes ∂(its output)/∂(logits): each span empty (not wanted, not
/// computed) or of the matrix's size (rows × vocabulary, row-major). The gradient is that of what
/// the function writes: per row, each row's value with respect to its own row (other rows do not
/// depend on it); with row_reduction::sum the same; with row_reduction::mean divided by the
/// number of unmasked rows; in the function's information unit; with the temperature's 1/τ
/// included. Masked rows get a gradient row of zeros.
template <real T>
struct row_gradients {
    std::span<T> p_logits{};  ///< ∂/∂p_logits, or empty
    std::span<T> q_logits{};  ///< ∂/∂q_logits, or empty
};

namespace detail {

template <class T>
void check_row_gradients(std::string_view function, const row_gradients<T>& gradients, std::size_t p_size,
                         std::size_t q_size) {
    if (!gradients.p_logits.empty() && gradients.p_logits.size() != p_size)
        fail(function, "the p gradient must be empty or hold " + std::to_string(p_size) + " values",
             gradients.p_logits.size());
    if (!gradients.q_logits.empty() && gradients.q_logits.size() != q_size)
        fail(function, "the q gradient must be empty or hold " + std::to_string(q_size) + " values",
             gradients.q_logits.size());
}

/// The factor every gradient entry takes besides 1/τ: the unit, and 1/(unmasked rows) for a mean.
template <class A>
A gradient_scale(const row_options& options, std::size_t rows, information_unit unit) noexcept {
    A scale = unit.from_nats(A(1));
    if (options.reduction == row_reduction::mean) {
        const std::size_t count = selected_rows(options, rows);
        if (count > 0) scale /= static_cast<A>(count);
    }
    return scale;
}

/// x·scale/τ for one gradient entry, as (scale·x)/τ: at a τ so small that scale/τ overflows
/// (τ ≲ 1e-308), an entry whose derivative vanishes stays 0 instead of 0·inf = NaN, and the
/// others go to the ±inf their true values overflow to.
template <class A>
struct gradient_factor {
    A scale, tau;
    [[nodiscard]] A operator()(A x) const noexcept { return (scale * x) / tau; }
};

/// Zeros the gradient rows of masked rows.
template <class T>
void zero_masked_gradient_rows(const row_options& options, std::size_t rows, std::size_t vocabulary,
                               const row_gradients<T>& gradients) noexcept {
    if (options.mask.empty()) return;
    for (std::size_t row = 0; row < rows; ++row) {
        if (row_selected(options, row)) continue;
        for (std::span<T> g : {gradients.p_logits, gradients.q_logits})
            if (!g.empty()) std::fill_n(g.begin() + static_cast<std::ptrdiff_t>(row * vocabulary), vocabulary, T(0));
    }
}

/// KL(softmax(a/τ)‖softmax(b/τ)) in nats and scale/τ times its gradients (each pointer may be
/// null): ∂/∂bᵢ = qᵢ − pᵢ = pᵢ·expm1(dᵢ) (qᵢ where pᵢ = 0), ∂/∂aᵢ = pᵢ·(−dᵢ − KL), with
/// dᵢ = log qᵢ − log pᵢ from the logits' difference and the exact shift (no cancellation at p ≈ q).
template <class A, class T>
A logits_kl_with_gradients(std::span<const T> a, std::span<const T> b, A tau, A scale, T* grad_a,
                           T* grad_b) noexcept {
    constexpr A minus_inf = -std::numeric_limits<A>::infinity();
    const A value = logits_kl_nats<A, T>(a, b, tau);
    const row_normalizer<A, T> na(a, tau), nb(b, tau);
    const A c = logits_shift(a, b, na, nb);
    const gradient_factor<A> factor{scale, tau};
    for (std::size_t i = 0; i < a.size(); ++i) {
        const A log_p = na.log_probability(a[i]), log_q = nb.log_probability(b[i]);
        const A p = std::exp(log_p);
        const A d = (log_p == minus_inf || log_q == minus_inf) ? log_q - log_p : logit_difference(na, nb, a[i], b[i]) - c;
        if (grad_b != nullptr) grad_b[i] = static_cast<T>(factor(p > A(0) ? p * std::expm1(d) : std::exp(log_q)));
        if (grad_a != nullptr) grad_a[i] = static_cast<T>(p > A(0) ? factor(p * (-d - value)) : A(0));
    }
    return value;
}

}  // namespace detail

namespace unchecked {

/// kldiv::kl_divergence_rows with gradients, without validation.
template <real T>
void kl_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, const row_options& options, const row_gradients<T>& gradients,
                        information_unit unit = nats) noexcept {
    using A = accumulator_t<T>;
    const std::size_t rows = vocabulary == 0 ? 0 : p_logits.size() / vocabulary;
    const A tau = static_cast<A>(options.temperature);
    const A scale = detail::gradient_scale<A>(options, rows, unit);
    detail::zero_masked_gradient_rows(options, rows, vocabulary, gradients);
    detail::reduce_rows<T, A>(
        options, rows, out,
        [&](std::size_t row) -> A {
            T* grad_p = gradients.p_logits.empty() ? nullptr : gradients.p_logits.data() + row * vocabulary;
            T* grad_q = gradients.q_logits.empty() ? nullptr : gradients.q_logits.data() + row * vocabulary;
#if defined(KLDIV_HAVE_FLOAT_LANES)
            if constexpr (std::is_same_v<T, float>) {  // three passes in the lanes, at any temperature
                const double factor = scale / tau;
                if (std::isfinite(factor)) {
                    double lane_nats = 0;
                    bool ok = false;
                    auto finish = [&](std::size_t, bool lane_ok, double value) {
                        ok = lane_ok;
                        lane_nats = value;
                    };
                    simd::logits_kl_rows_with_gradients(p_logits.data() + row * vocabulary,
                                                        q_logits.data() + row * vocabulary, vocabulary, 1, 1.0 / tau,
                                                        factor, grad_p, grad_q, finish);
                    if (ok) return lane_nats;
                }
            }
#endif
            return detail::logits_kl_with_gradients<A, T>(p_logits.subspan(row * vocabulary, vocabulary),
                                                          q_logits.subspan(row * vocabulary, vocabulary), tau, scale,
                                                          grad_p, grad_q);
        },
        [&](A nats_value) { return unit.from_nats(nats_value); });
}

}  // namespace unchecked

/// kl_divergence_rows with options and its gradients in the same call: gradients.q_logits gets
/// ∂KL(P‖Q)/∂q_logitᵢ = (qᵢ − pᵢ)/τ (the forward-KL distillation gradient when q is the student)
/// and gradients.p_logits gets ∂/∂p_logitᵢ = pᵢ·(log(pᵢ/qᵢ) − KL)/τ (the reverse-KL gradient
/// when p is the student: swap the matrices), each scaled as row_gradients says. qᵢ − pᵢ is
/// taken as pᵢ·expm1(log qᵢ − log pᵢ) with log qᵢ − log pᵢ from the logits' difference and an
/// exact shift, so the gradient keeps its relative accuracy when P ≈ Q (where a difference of two
/// rounded softmaxes loses it): ≤ 1e-6 relative per entry in float (plus 1e-12 of the row's
/// largest entry), ≤ 1e-12 in double plus 1e-16 of the row's largest entry. Float rows run the
/// lane kernel at any τ (simd/logits_kernel.hpp: range, sums, gradient pass; the value then
/// agrees with the gradient-free call's to an ulp); rows it declines (non-finite logits, a
/// range beyond 600τ, weights that may underflow) and double rows run the scalar path in double.
/// Throws as kl_divergence_rows with options, also for a gradient span of the wrong size.
template <real T>
void kl_divergence_rows(std::span<const T> p_logits, std::span<const T> q_logits, std::size_t vocabulary,
                        std::span<T> out, const row_options& options, const row_gradients<T>& gradients,
                        information_unit unit = nats) {
    detail::check_row_shapes("kl_divergence_rows", p_logits.size(), q_logits.size(), vocabulary, out.size(), options,
                             false);
    detail::check_row_gradients("kl_divergence_rows", gradients, p_logits.size(), q_logits.size());
    detail::check_logit_rows("kl_divergence_rows", p_logits, q_logits, vocabulary, options);
    unchecked::kl_divergence_rows(p_logits, q_logits, vocabulary, out, options, gradients, unit);
}

}  // namespace kldiv
