// What every kldiv distribution has: a value type tag, its support, and the checks its
// constructors share. Guarantees: distributions are validated, immutable values.
#pragma once

#include <cmath>
#include <concepts>
#include <limits>
#include <span>
#include <string>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/error.hpp"

namespace kldiv {

/// The set a distribution puts its mass on: the interval [lower, upper] of the reals, or of
/// the integers when `discrete` is set (bounds may be ±inf).
template <real T>
struct support_set {
    T lower;
    T upper;
    bool discrete = false;

    /// Whether this support lies inside `other` (for KL(p‖q) < inf, supp p ⊆ supp q).
    [[nodiscard]] constexpr bool inside(const support_set& other) const noexcept {
        return lower >= other.lower && upper <= other.upper && (!other.discrete || discrete);
    }
};

/// A kldiv distribution: a value type with `value_type` and the tag `is_kldiv_distribution`,
/// found by the free functions log_pdf, sample, entropy, mean, variance, support (ADL).
template <class D>
concept distribution = requires {
    typename D::value_type;
    requires D::is_kldiv_distribution;
};

namespace detail {

/// Throws unless v is finite: "kldiv::<family>: <name> must be finite, got <v>".
template <class T>
void require_finite(const char* family, const char* name, T v) {
    if (!std::isfinite(v)) fail(family, std::string(name) + " must be finite", v);
}

/// Throws unless v > 0 and finite.
template <class T>
void require_positive(const char* family, const char* name, T v) {
    if (!(v > T(0)) || !std::isfinite(v)) fail(family, std::string(name) + " must be positive and finite", v);
}

/// Checks the sizes of a batched call: out must hold one value per input.
inline void require_same_size(const char* function, std::size_t in, std::size_t out) {
    if (in != out)
        fail(function, "input and output sizes differ (" + std::to_string(in) + " and " + std::to_string(out) + ")");
}

}  // namespace detail
}  // namespace kldiv
