// Accurate summation: a compensated (TwoSum) accumulator and a one-call sum over a span.
// Guarantees: float terms accumulate in double; error ≤ 2ε|Σ| + n·ε²·Σ|xᵢ| (ε of the accumulator).
#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <utility>

#include "kldiv/core/concepts.hpp"

namespace kldiv {

/// A running sum with Kahan–Babuška–Neumaier compensation (each addition's rounding error is
/// recovered exactly by TwoSum and accumulated), mergeable across chunks and threads.
/// Accumulator: double for float input (choose Acc explicitly to change it).
/// Accuracy: |value() − Σxᵢ| ≤ 2ε·|Σxᵢ| + n·ε²·Σ|xᵢ|, ε the unit roundoff of Acc; so 10⁸ float
/// terms summed in double are within a few ulp of the exact double result.
/// Special values: an infinite term makes the sum ±inf (NaN if both signs occur); NaN propagates.
template <real Acc = double>
class compensated_sum {
public:
    constexpr compensated_sum() noexcept = default;

    /// Adds one term.
    constexpr void add(Acc term) noexcept {
        // Knuth's branch-free TwoSum: the same error as Neumaier's test on |sum| ≥ |term|, without
        // a data-dependent branch in the loop.
        const Acc total = sum_ + term;
        const Acc term_virtual = total - sum_;
        compensation_ += (sum_ - (total - term_virtual)) + (term - term_virtual);
        sum_ = total;
    }

    /// Adds another accumulator's terms (the result equals adding them one by one up to rounding).
    constexpr void merge(const compensated_sum& other) noexcept {
        add(other.sum_);
        compensation_ += other.compensation_;
    }

    /// The compensated total. Non-finite partial sums return the plain sum (no inf − inf NaN
    /// from the compensation term).
    [[nodiscard]] constexpr Acc value() const noexcept {
        return std::isfinite(sum_) ? sum_ + compensation_ : sum_;
    }

    /// value() − c with c taken off before the compensation is added: exact when the running
    /// sum is within a factor 2 of c (Sterbenz), so a total near c, such as the sum of a
    /// probability vector near 1, keeps the digits of its difference from c.
    [[nodiscard]] constexpr Acc value_minus(Acc c) const noexcept {
        return std::isfinite(sum_) ? (sum_ - c) + compensation_ : sum_ - c;
    }

    /// The total as the unevaluated pair running sum + compensation (value() rounds it to one
    /// number): about twice the working precision, for callers that cancel against the total.
    [[nodiscard]] constexpr std::pair<Acc, Acc> parts() const noexcept { return {sum_, compensation_}; }

private:
    Acc sum_ = 0;
    Acc compensation_ = 0;
};

/// Σxᵢ over a span, Neumaier-compensated, accumulated in accumulator_t<T> (double for float).
/// Accuracy and special values as compensated_sum; the empty sum is 0.
template <real T>
[[nodiscard]] inline accumulator_t<T> accurate_sum(std::span<const T> values) noexcept {
    compensated_sum<accumulator_t<T>> total;
    for (const T v : values) total.add(static_cast<accumulator_t<T>>(v));
    return total.value();
}

}  // namespace kldiv
