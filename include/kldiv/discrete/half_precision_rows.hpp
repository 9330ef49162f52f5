// Row functions over logit matrices stored as kldiv::bfloat16 or kldiv::float16: each row is
// widened exactly to float (one row's worth of scratch, reused) and computed by the float path
// (the lane kernel where it applies, double accumulation), so 16-bit storage costs no accuracy
// beyond the storage's own rounding of the logits.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kldiv/core/half_precision.hpp"
#include "kldiv/discrete/js_divergence.hpp"
#include "kldiv/discrete/logits.hpp"
#include "kldiv/discrete/row_gradients.hpp"
#include "kldiv/discrete/row_options.hpp"
#include "kldiv/discrete/units.hpp"
#include "kldiv/simd/logits_kernel.hpp"

namespace kldiv {
namespace detail {

template <half_precision H>
void widen_row(std::span<const H> source, std::vector<float>& target) noexcept {
    for (std::size_t i = 0; i < source.size(); ++i) target[i] = static_cast<float>(source[i]);
}

/// Validates, widens every unmasked row pair to float and hands it to compute(p_row, q_row,
/// out_one, gradients_one) (a one-row float call without mask or reduction, value in the unit);
/// writes the values as options asks and scales gradients for a mean.
template <half_precision H, class Compute>
void half_precision_rows(std::string_view function, std::span<const H> p_logits, std::span<const H> q_logits,
                         std::size_t vocabulary, std::span<float> out, const row_options& options,
                         const row_gradients<float>& gradients, bool uses_beta, Compute&& compute) {
    check_row_shapes(function, p_logits.size(), q_logits.size(), vocabulary, out.size(), options, uses_beta);
    check_row_gradients(function, gradients, p_logits.size(), q_logits.size());
    const std::size_t rows = p_logits.size() / vocabulary;
    std::vector<float> p_row(vocabulary), q_row(vocabulary);
    // Validate every unmasked row before anything is written, as the float functions do.
    for (std::size_t row = 0; row < rows; ++row) {
        if (!row_selected(options, row)) continue;
        widen_row(p_logits.subspan(row * vocabulary, vocabulary), p_row);
        widen_row(q_logits.subspan(row * vocabulary, vocabulary), q_row);
        check_logits(function, "p logits row " + std::to_string(row), std::span<const float>(p_row));
        check_logits(function, "q logits row " + std::to_string(row), std::span<const float>(q_row));
    }
    row_options one_row = options;
    one_row.mask = {};
    one_row.reduction = row_reduction::none;
    double mean_factor = 1;
    if (options.reduction == row_reduction::mean) {
        const std::size_t count = selected_rows(options, rows);
        if (count > 0) mean_factor = 1.0 / static_cast<double>(count);
    }
    zero_masked_gradient_rows(options, rows, vocabulary, gradients);
    reduce_rows<float, double>(
        options, rows, out,
        [&](std::size_t row) {
            widen_row(p_logits.subspan(row * vocabulary, vocabulary), p_row);
            widen_row(q_logits.subspan(row * vocabulary, vocabulary), q_row);
            row_gradients<float> row_gradient;
            if (!gradients.p_logits.empty()) row_gradient.p_logits = gradients.p_logits.subspan(row * vocabulary, vocabulary);
            if (!gradients.q_logits.empty()) row_gradient.q_logits = gradients.q_logits.subspan(row * vocabulary, vocabulary);
            float value = 0;
            compute(std::span<const float>(p_row), std::span<const float>(q_row), std::span<float>(&value, 1),
                    static_cast<const row_options&>(one_row), static_cast<const row_gradients<float>&>(row_gradient));
            if (mean_factor != 1)
                for (std::span<float> g : {row_gradient.p_logits, row_gradient.q_logits})
                    for (float& x : g) x = static_cast<float>(x * mean_factor);
            return static_cast<double>(value);
        },
        [](double value) { return value; });
}

#if defined(KLDIV_HAVE_FLOAT_LANES)
/// Whether a bfloat16 logit row passes check_logits (no NaN, no +inf, some finite entry), on the
/// bits, no widening.
inline bool bfloat16_logits_valid(std::span<const bfloat16> v) noexcept {
    const simd::logits_scan scan = simd::scan_bfloat16_logits(v.data(), v.size());
    return !v.empty() && !scan.has_nan_or_plus_inf && scan.has_finite;
}

/// KL rows of bfloat16 logits without gradients: validated on the bits, then loaded straight
/// into the float kernel's lanes (no widened copy); rows the lanes decline are widened and take
/// the scalar path.
inline void bfloat16_kl_rows(std::span<const bfloat16> p_logits, std::span<const bfloat16> q_logits,
                             std::size_t vocabulary, std::span<float> out, const row_options& options,
                             information_unit unit) {
    check_row_shapes("kl_divergence_rows", p_logits.size(), q_logits.size(), vocabulary, out.size(), options, false);
    const std::size_t rows = p_logits.size() / vocabulary;
    std::vector<float> p_row, q_row;  // widened only for a row that fails or that the lanes decline
    const auto widen_rows = [&](std::size_t row) {
        p_row.resize(vocabulary);
        q_row.resize(vocabulary);
        widen_row(p_logits.subspan(row * vocabulary, vocabulary), p_row);
        widen_row(q_logits.subspan(row * vocabulary, vocabulary), q_row);
    };
    // Each row validated and computed while it is in cache; nothing is written until every
    // unmasked row has passed.
    const double tau = options.temperature;
    std::vector<double> values(rows, 0.0);
    for (std::size_t row = 0; row < rows; ++row) {
        if (!row_selected(options, row)) continue;
        const auto p_bits = p_logits.subspan(row * vocabulary, vocabulary);
        const auto q_bits = q_logits.subspan(row * vocabulary, vocabulary);
        if (!bfloat16_logits_valid(p_bits) || !bfloat16_logits_valid(q_bits)) {
            widen_rows(row);  // the float check names the row and the entry
            check_logits("kl_divergence_rows", "p logits row " + std::to_string(row), std::span<const float>(p_row));
            check_logits("kl_divergence_rows", "q logits row " + std::to_string(row), std::span<const float>(q_row));
        }
        bool ok = false;
        auto finish = [&](std::size_t, bool lane_ok, double value) {
            ok = lane_ok;
            values[row] = value;
        };
        simd::logits_kl_rows(p_bits.data(), q_bits.data(), vocabulary, 1, finish, 1.0 / tau);
        if (!ok) {
            widen_rows(row);
            values[row] = logits_kl_nats<double, float>(p_row, q_row, tau);
        }
    }
    reduce_rows<float, double>(
        options, rows, out, [&](std::size_t row) { return values[row]; },
        [&](double nats_value) { return unit.from_nats(nats_value); });
}
#endif

}  // namespace detail

/// kl_divergence_rows for bfloat16 / float16 logit matrices: values (float) as the float
/// function on the exactly widened rows, with options and, when given, gradients (float, rows ×
/// vocabulary) in the same call. Accuracy as kl_divergence_rows of float logits (relative to the
/// 16-bit logits as stored). bfloat16 values without gradients are validated on the bits and
/// loaded straight into the float kernel's lanes (no widened copy). Throws as
/// kl_divergence_rows with options.
template <half_precision H>
void kl_divergence_rows(std::span<const H> p_logits, std::span<const H> q_logits, std::size_t vocabulary,
                        std::span<float> out, const row_options& options = {}, const row_gradients<float>& gradients = {},
                        information_unit unit = nats) {
    const bool want_gradients = !gradients.p_logits.empty() || !gradients.q_logits.empty();
#if defined(KLDIV_HAVE_FLOAT_LANES)
    if constexpr (std::is_same_v<H, bfloat16>)
        if (!want_gradients) return detail::bfloat16_kl_rows(p_logits, q_logits, vocabulary, out, options, unit);
#endif
    detail::half_precision_rows(
        "kl_divergence_rows", p_logits, q_logits, vocabulary, out, options, gradients, false,
        [&](std::span<const float> p, std::span<const float> q, std::span<float> value, const row_options& one,
            const row_gradients<float>& g) {
            if (want_gradients)
                unchecked::kl_divergence_rows(p, q, vocabulary, value, one, g, unit);
            else
                unchecked::kl_divergence_rows(p, q, vocabulary, value, one, unit);
        });
}

/// js_divergence_rows for bfloat16 / float16 logit matrices (values and optional gradients in
/// float); accuracy and errors as js_divergence_rows of float logits.
template <half_precision H>
void js_divergence_rows(std::span<const H> p_logits, std::span<const H> q_logits, std::size_t vocabulary,
                        std::span<float> out, const row_options& options = {}, const row_gradients<float>& gradients = {},
                        information_unit unit = nats) {
    detail::half_precision_rows(
        "js_divergence_rows", p_logits, q_logits, vocabulary, out, options, gradients, true,
        [&](std::span<const float> p, std::span<const float> q, std::span<float> value, const row_options& one,
            const row_gradients<float>& g) { unchecked::js_divergence_rows(p, q, vocabulary, value, one, g, unit); });
}

/// scaled_js_divergence_rows for bfloat16 / float16 logit matrices (values and optional
/// gradients in float); accuracy and errors as scaled_js_divergence_rows of float logits.
template <half_precision H>
void scaled_js_divergence_rows(std::span<const H> p_logits, std::span<const H> q_logits, std::size_t vocabulary,
                               std::span<float> out, const row_options& options = {},
                               const row_gradients<float>& gradients = {}, information_unit unit = nats) {
    detail::half_precision_rows(
        "scaled_js_divergence_rows", p_logits, q_logits, vocabulary, out, options, gradients, true,
        [&](std::span<const float> p, std::span<const float> q, std::span<float> value, const row_options& one,
            const row_gradients<float>& g) {
            unchecked::scaled_js_divergence_rows(p, q, vocabulary, value, one, g, unit);
        });
}

}  // namespace kldiv
