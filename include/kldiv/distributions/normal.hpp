// The normal distribution N(mean, stddev²): density, sampling, moments, entropy.
// Guarantees: validated at construction; log_pdf ≤ 2 ulp + the rounding of (x − mean)/stddev.
#pragma once

#include <cmath>
#include <numbers>
#include <random>
#include <span>

#include "kldiv/core/constants.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/normal.hpp"

namespace kldiv {

/// N(mean, stddev²). Constructor normal(mean, stddev): mean finite, stddev > 0 and finite,
/// else kldiv::domain_error naming the parameter and its value.
template <real T = double>
class normal {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::real_line();

    normal(T mean, T stddev) : mean_(mean), stddev_(stddev) {
        detail::require_finite("normal", "mean", mean);
        detail::require_positive("normal", "stddev", stddev);
    }

    [[nodiscard]] T mean() const noexcept { return mean_; }
    [[nodiscard]] T stddev() const noexcept { return stddev_; }

private:
    T mean_;
    T stddev_;
};

/// log density at x: −½((x − μ)/σ)² − log σ − ½log 2π. ±inf and NaN x give −inf and NaN;
/// x − μ is formed without overflow (normal(−1e308, 1e300) at 1e308 is finite).
template <real T>
[[nodiscard]] T log_pdf(const normal<T>& d, T x) noexcept {
    const T z = detail::scaled_difference(x, d.mean(), d.stddev());
    return -T(0.5) * z * z - std::log(d.stddev()) - detail::half_log_two_pi<T>;
}

/// log_pdf at every x into out (sizes must match, else kldiv::domain_error).
template <real T>
void log_pdf(const normal<T>& d, std::span<const T> x, std::span<T> out) {
    detail::require_same_size("log_pdf", x.size(), out.size());
    const T offset = std::log(d.stddev()) + detail::half_log_two_pi<T>;
    const T inverse = T(1) / d.stddev();
    for (std::size_t i = 0; i < x.size(); ++i) {
        const T diff = x[i] - d.mean();
        const T z = std::isfinite(diff) ? diff * inverse : detail::scaled_difference(x[i], d.mean(), d.stddev());
        out[i] = -T(0.5) * z * z - offset;
    }
}

/// One sample μ + σ·Z, Z from kldiv::standard_normal (reproducible across platforms); a draw
/// beyond the format's range is returned as ±max (never ±inf).
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const normal<T>& d, Engine& engine) noexcept {
    return detail::clamp_to_finite(d.mean() + d.stddev() * static_cast<T>(standard_normal(engine)));
}

/// Differential entropy ½log(2πe σ²) in nats.
template <real T>
[[nodiscard]] T entropy(const normal<T>& d) noexcept {
    return std::log(d.stddev()) + detail::half_log_two_pi<T> + T(0.5);
}
template <real T>
[[nodiscard]] T mean(const normal<T>& d) noexcept {
    return d.mean();
}
/// σ² (+inf once it exceeds the format's maximum).
template <real T>
[[nodiscard]] T variance(const normal<T>& d) noexcept {
    return d.stddev() * d.stddev();
}
template <real T>
[[nodiscard]] support_set<T> support(const normal<T>&) noexcept {
    return {-std::numeric_limits<T>::infinity(), std::numeric_limits<T>::infinity(), support_kind::real_line};
}

}  // namespace kldiv
