// A stable log-sum-exp over a span: log Σ exp(xᵢ) without overflow or underflow.
// Guarantees: |error| ≤ 4ε·(|max| + 1) + 2ε·|result| (ε of the accumulator); inf/NaN rules below.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/summation.hpp"

namespace kldiv {

/// log Σᵢ exp(xᵢ), computed as m + log1p(Σ_{i≠argmax} exp(xᵢ − m)) with m = max xᵢ, the sum
/// compensated and accumulated in accumulator_t<T> (double for float), result rounded to T.
/// Accuracy: absolute error ≤ 4ε·(|m| + 1) for the accumulator's ε (float input: a few
/// float-ulps at most after rounding); tested against a quad-precision reference.
/// Special values: empty span → −inf (the log of an empty sum); all −inf → −inf;
/// any +inf → +inf; any NaN → NaN.
template <real T>
[[nodiscard]] inline T log_sum_exp(std::span<const T> values) noexcept {
    using Acc = accumulator_t<T>;
    if (values.empty()) return -std::numeric_limits<T>::infinity();
    std::size_t arg_max = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (std::isnan(values[i])) return values[i];
        if (values[i] > values[arg_max]) arg_max = i;
    }
    const Acc m = values[arg_max];
    if (std::isinf(m)) return static_cast<T>(m);  // +inf dominates; −inf means every term is 0
    compensated_sum<Acc> rest;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (i != arg_max) rest.add(std::exp(static_cast<Acc>(values[i]) - m));
    return static_cast<T>(m + std::log1p(rest.value()));
}

}  // namespace kldiv
