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

/// log Σᵢ exp(term(i)) over i < n, for terms that are computed rather than stored (a mixture's
/// log wᵢ + log pᵢ(x)): term(i) is called twice per i (once to find the maximum, once to sum),
/// so nothing is allocated. Same method, accuracy and special values as log_sum_exp below;
/// term must return the same value both times.
template <real T, class Term>
[[nodiscard]] inline T log_sum_exp_of(std::size_t n, Term&& term) noexcept {
    using Acc = accumulator_t<T>;
    if (n == 0) return -std::numeric_limits<T>::infinity();
    std::size_t arg_max = 0;
    T largest = term(0);
    if (std::isnan(largest)) return largest;
    for (std::size_t i = 1; i < n; ++i) {
        const T value = term(i);
        if (std::isnan(value)) return value;
        if (value > largest) largest = value, arg_max = i;
    }
    const Acc m = largest;
    if (std::isinf(m)) return static_cast<T>(m);  // +inf dominates; −inf means every term is 0
    compensated_sum<Acc> rest;
    for (std::size_t i = 0; i < n; ++i)
        if (i != arg_max) rest.add(std::exp(static_cast<Acc>(term(i)) - m));
    return static_cast<T>(m + std::log1p(rest.value()));
}

/// log Σᵢ exp(xᵢ), computed as m + log1p(Σ_{i≠argmax} exp(xᵢ − m)) with m = max xᵢ, the sum
/// compensated and accumulated in accumulator_t<T> (double for float), result rounded to T.
/// Accuracy: absolute error ≤ 4ε·(|m| + 1) for the accumulator's ε (float input: a few
/// float-ulps at most after rounding); tested against a quad-precision reference.
/// Special values: empty span → −inf (the log of an empty sum); all −inf → −inf;
/// any +inf → +inf; any NaN → NaN.
template <real T>
[[nodiscard]] inline T log_sum_exp(std::span<const T> values) noexcept {
    return log_sum_exp_of<T>(values.size(), [values](std::size_t i) { return values[i]; });
}

}  // namespace kldiv
