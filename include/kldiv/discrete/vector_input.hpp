// How discrete functions validate probability vectors. The vector input itself (real_vector,
// as_span, check_same_size) is core/real_vector.hpp, included here for the code that still
// includes this header for it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/error.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/simd/probability_kernel.hpp"

namespace kldiv {

/// How far Σpᵢ may be from 1 for a vector of n entries of type T to count as a distribution:
/// √ε_T · max(1, √n / 32). That is 1.5e-8 for double and 3.5e-4 for float up to n = 1024,
/// growing like √n beyond (4e-3 for a float vocabulary of 151 936), which admits vectors
/// normalised in their own precision and rejects vectors that were never normalised.
template <real T>
[[nodiscard]] inline double normalization_tolerance(std::size_t n) noexcept {
    const double root_epsilon = std::sqrt(static_cast<double>(std::numeric_limits<T>::epsilon()));
    return root_epsilon * std::max(1.0, std::sqrt(static_cast<double>(n)) / 32.0);
}

namespace detail {

/// Throws unless v has no negative, NaN or infinite entries, is non-empty and sums to 1 within
/// normalization_tolerance. `function` and `name` make the message, e.g.
/// "kldiv::kl_divergence: p[3] is negative, got -0.1". Returns Σvᵢ − 1, to a few ulp of
/// itself (the sum is compensated and 1 is taken off before it is rounded), for the callers
/// that work with p/Σp.
template <real T>
double check_distribution(std::string_view function, std::string_view name, std::span<const T> v) {
    if (v.empty()) fail(function, std::string(name) + " is empty: a distribution needs at least one outcome");
    double total = 0, excess = 0;
    bool all_valid = true;
    if constexpr (simd_real<T>) {
        const compensated_sum<double> sum = simd::distribution_sum(v.data(), v.size(), all_valid);
        total = sum.value();
        excess = sum.value_minus(1.0);
    } else {
        compensated_sum<long double> sum;
        for (const T x : v) {
            all_valid = all_valid && std::isfinite(x) && x >= T(0);
            sum.add(static_cast<long double>(x));
        }
        total = static_cast<double>(sum.value());
        excess = static_cast<double>(sum.value_minus(1.0L));
    }
    if (!all_valid) {  // find the first bad entry for the message
        for (std::size_t i = 0; i < v.size(); ++i) {
            const T x = v[i];
            if (std::isnan(x)) fail(function, std::string(name) + "[" + std::to_string(i) + "] is NaN", x);
            if (std::isinf(x)) fail(function, std::string(name) + "[" + std::to_string(i) + "] is infinite", x);
            if (x < T(0)) fail(function, std::string(name) + "[" + std::to_string(i) + "] is negative", x);
        }
    }
    const double tolerance = normalization_tolerance<T>(v.size());
    if (!(std::fabs(total - 1.0) <= tolerance))
        fail(function,
             std::string(name) + " does not sum to 1 (tolerance " + to_text(tolerance) +
                 "; kldiv never normalises silently)",
             total);
    return excess;
}

}  // namespace detail
}  // namespace kldiv
