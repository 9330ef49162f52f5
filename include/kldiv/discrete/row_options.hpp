// Options shared by the row functions over logit matrices (kl_divergence_rows, entropy_rows,
// js_divergence_rows, kl_divergence_topk_rows, ...): temperature, the JSD skew β, a row mask and
// the reduction of the per-row values.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "kldiv/core/error.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/discrete/vector_input.hpp"

namespace kldiv {

/// How a row function combines its per-row values.
enum class row_reduction {
    none,  ///< one value per row into out (out.size() == rows); masked rows get NaN
    sum,   ///< Σ over the unmasked rows into out[0] (out.size() == 1); 0 when every row is masked
    mean,  ///< that sum divided by the number of unmasked rows; NaN when every row is masked
};

/// Options of the row functions. The defaults reproduce the calls without options.
/// - temperature τ > 0 (finite): both sides' logits are divided by τ before the softmax.
/// - beta β ∈ [0, 1]: the skew of the Jensen–Shannon functions, M = β·P + (1 − β)·Q (½: the
///   ordinary JS divergence); ignored by the other row functions.
/// - mask: empty (every row counts) or one byte per row, 0 = skip the row. A skipped row is not
///   read at all (padding may hold anything, NaN included), gets NaN in a per-row output, a zero
///   gradient row, and does not count in a sum or mean.
/// - reduction: per-row values, or their sum or mean over the unmasked rows (compensated, in
///   double for float input).
struct row_options {
    /// τ, dividing both sides' logits: any positive finite value (the row's largest logit is
    /// subtracted first, so a tiny τ gives the one-hot limit, never ±inf logits or NaN).
    double temperature = 1.0;
    double beta = 0.5;                       ///< β of the JS functions
    std::span<const std::uint8_t> mask{};    ///< empty, or one byte per row (0 = skip)
    row_reduction reduction = row_reduction::none;  ///< per row, sum or mean
};

namespace detail {

[[nodiscard]] inline bool row_selected(const row_options& options, std::size_t row) noexcept {
    return options.mask.empty() || options.mask[row] != 0;
}

/// The number of values a row function writes: one per row, or one for a reduction.
[[nodiscard]] inline std::size_t row_output_size(const row_options& options, std::size_t rows) noexcept {
    return options.reduction == row_reduction::none ? rows : 1;
}

/// How many rows count in a reduction (the scale of a mean's gradient).
[[nodiscard]] inline std::size_t selected_rows(const row_options& options, std::size_t rows) noexcept {
    if (options.mask.empty()) return rows;
    std::size_t count = 0;
    for (std::size_t row = 0; row < rows; ++row) count += options.mask[row] != 0 ? 1 : 0;
    return count;
}

/// Validates the options of a row function over `rows` rows (uses_beta: a JS function).
inline void check_row_options(std::string_view function, const row_options& options, std::size_t rows,
                              bool uses_beta) {
    if (!(options.temperature > 0) || std::isinf(options.temperature))
        fail(function, "the temperature must be positive and finite", options.temperature);
    if (uses_beta && !(options.beta >= 0 && options.beta <= 1))
        fail(function, "beta must lie in [0, 1]", options.beta);
    if (!options.mask.empty() && options.mask.size() != rows)
        fail(function, "the mask must have one entry per row (" + std::to_string(rows) + ")", options.mask.size());
}

/// Validates the shapes of a two-matrix row function with options: equal sizes, a vocabulary that
/// divides them, an output of one value per row (or one for a reduction), and the options.
inline void check_row_shapes(std::string_view function, std::size_t p_size, std::size_t q_size,
                             std::size_t vocabulary, std::size_t out_size, const row_options& options,
                             bool uses_beta) {
    check_same_size(function, p_size, q_size);
    if (vocabulary == 0) fail(function, "the vocabulary (row length) must be positive", vocabulary);
    if (p_size % vocabulary != 0)
        fail(function, "the matrix size is not a multiple of the vocabulary " + std::to_string(vocabulary), p_size);
    const std::size_t rows = p_size / vocabulary;
    if (out_size != row_output_size(options, rows))
        fail(function, "the output holds " + std::to_string(out_size) + " values but " +
                           std::to_string(row_output_size(options, rows)) + " are written (" + std::to_string(rows) +
                           " rows)");
    check_row_options(function, options, rows, uses_beta);
}

/// Writes value(row) (in nats, type A) of every unmasked row as the options ask: per row (masked
/// rows NaN), or the compensated sum or mean, each converted by to_unit.
template <class T, class A, class RowValue, class ToUnit>
void reduce_rows(const row_options& options, std::size_t rows, std::span<T> out, RowValue&& value,
                 ToUnit&& to_unit) {
    if (options.reduction == row_reduction::none) {
        for (std::size_t row = 0; row < rows; ++row)
            out[row] = row_selected(options, row) ? static_cast<T>(to_unit(value(row)))
                                                  : std::numeric_limits<T>::quiet_NaN();
        return;
    }
    compensated_sum<A> total;
    std::size_t count = 0;
    for (std::size_t row = 0; row < rows; ++row) {
        if (!row_selected(options, row)) continue;
        total.add(static_cast<A>(value(row)));
        ++count;
    }
    A result = total.value();
    if (options.reduction == row_reduction::mean)
        result = count == 0 ? std::numeric_limits<A>::quiet_NaN() : result / static_cast<A>(count);
    out[0] = static_cast<T>(to_unit(result));
}

}  // namespace detail
}  // namespace kldiv
