// The continuous uniform distribution on [low, high]: density, sampling, moments, entropy.
// Guarantees: validated at construction (low < high, both finite).
#pragma once

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

/// −log(high − low) inside [low, high], −inf outside, NaN for NaN.
template <real T>
[[nodiscard]] T log_pdf(const uniform<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x < d.low() || x > d.high()) return -std::numeric_limits<T>::infinity();
    return -std::log(d.high() - d.low());
}


template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const uniform<T>& d, Engine& engine) noexcept {
    return d.low() + (d.high() - d.low()) * static_cast<T>(uniform01(engine));
}


template <real T>
[[nodiscard]] T entropy(const uniform<T>& d) noexcept {
    return std::log(d.high() - d.low());
}
template <real T>
[[nodiscard]] T mean(const uniform<T>& d) noexcept {
    return T(0.5) * (d.low() + d.high());
}
template <real T>
[[nodiscard]] T variance(const uniform<T>& d) noexcept {
    const T w = d.high() - d.low();
    return w * w / T(12);
}
template <real T>
[[nodiscard]] support_set<T> support(const uniform<T>& d) noexcept {
    return {d.low(), d.high(), support_kind::interval};
}

}  // namespace kldiv
