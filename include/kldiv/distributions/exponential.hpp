// The exponential distribution with a rate: density, sampling, moments, entropy.
// Guarantees: validated at construction; support [0, ∞).
#pragma once

#include <cmath>
#include <limits>
#include <random>
#include <span>

#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Exponential(rate): density λe^(−λx) on x ≥ 0. Constructor exponential(rate): rate > 0 and
/// finite, else kldiv::domain_error.
template <real T = double>
class exponential {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::half_line(0, 0);

    explicit exponential(T rate) : rate_(rate) { detail::require_positive("exponential", "rate", rate); }

    [[nodiscard]] T rate() const noexcept { return rate_; }

private:
    T rate_;
};

/// log λ − λx for x ≥ 0, −inf for x < 0, NaN for NaN.
template <real T>
[[nodiscard]] T log_pdf(const exponential<T>& d, T x) noexcept {
    if (x < T(0)) return -std::numeric_limits<T>::infinity();
    return std::log(d.rate()) - d.rate() * x;
}


/// −log(U)/λ with U uniform on (0, 1].
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const exponential<T>& d, Engine& engine) noexcept {
    return detail::clamp_to_finite(static_cast<T>(-std::log(uniform01_open(engine))) / d.rate());  // max, never +inf
}


/// 1 − log λ nats.
template <real T>
[[nodiscard]] T entropy(const exponential<T>& d) noexcept {
    return T(1) - std::log(d.rate());
}
template <real T>
[[nodiscard]] T mean(const exponential<T>& d) noexcept {
    return T(1) / d.rate();
}
template <real T>
[[nodiscard]] T variance(const exponential<T>& d) noexcept {
    return T(1) / d.rate() / d.rate();  // no underflow of λ² (+inf only when 1/λ² overflows)
}
template <real T>
[[nodiscard]] support_set<T> support(const exponential<T>&) noexcept {
    return {T(0), std::numeric_limits<T>::infinity(), support_kind::half_line};
}

}  // namespace kldiv
