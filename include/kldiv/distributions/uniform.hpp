// The continuous uniform distribution on [low, high]: density, sampling, moments, entropy.
// Guarantees: validated at construction (low < high, both finite).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <span>

#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Uniform(low, high). Constructor uniform(low, high): both finite and low < high, else
/// kldiv::domain_error.
template <real T = double>
class uniform {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::interval();

    uniform(T low, T high) : low_(low), high_(high) {
        detail::require_finite("uniform", "low", low);
        detail::require_finite("uniform", "high", high);
        if (!(low < high)) detail::fail("uniform", "low must be below high (" + detail::to_text(high) + ")", low);
    }

    [[nodiscard]] T low() const noexcept { return low_; }
    [[nodiscard]] T high() const noexcept { return high_; }

private:
    T low_;
    T high_;
};

/// −log(high − low) inside [low, high] (also when the width overflows), −inf outside, NaN for NaN.
template <real T>
[[nodiscard]] T log_pdf(const uniform<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < d.low() || x > d.high()) return -std::numeric_limits<T>::infinity();
    return -detail::log_width(d.low(), d.high());
}


/// low + (high − low)·U, U uniform on [0, 1); from the halves when the width overflows, and
/// kept inside [low, high] against rounding.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const uniform<T>& d, Engine& engine) noexcept {
    const T u = static_cast<T>(uniform01(engine)), width = d.high() - d.low();
    const T x = std::isfinite(width) ? d.low() + width * u : T(2) * (d.low() / T(2) + (d.high() / T(2) - d.low() / T(2)) * u);
    return std::min(std::max(x, d.low()), d.high());
}


/// log(high − low) nats, finite for every valid pair (log of an overflowing width from halves).
template <real T>
[[nodiscard]] T entropy(const uniform<T>& d) noexcept {
    return detail::log_width(d.low(), d.high());
}
/// (low + high)/2, without overflow of the sum.
template <real T>
[[nodiscard]] T mean(const uniform<T>& d) noexcept {
    const T sum = d.low() + d.high();
    return std::isfinite(sum) ? T(0.5) * sum : d.low() / T(2) + d.high() / T(2);
}
/// (high − low)²/12; +inf only when the value exceeds the format's maximum.
template <real T>
[[nodiscard]] T variance(const uniform<T>& d) noexcept {
    const T w = d.high() - d.low();
    if (!std::isfinite(w)) return std::numeric_limits<T>::infinity();  // ≥ DBL_MAX²/12
    return w * (w / T(12));
}
template <real T>
[[nodiscard]] support_set<T> support(const uniform<T>& d) noexcept {
    return {d.low(), d.high(), support_kind::interval};
}

}  // namespace kldiv
