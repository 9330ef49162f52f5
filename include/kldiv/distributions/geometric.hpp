// The geometric distribution of the number of failures before the first success.
// Guarantees: validated at construction (0 < p ≤ 1).
#pragma once

#include <cmath>
#include <limits>
#include <random>
#include <span>

#include "kldiv/core/xlogy.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Geometric(p): P(X = k) = (1 − p)^k·p for k = 0, 1, 2, … (failures before the first
/// success). Constructor geometric(p): 0 < p ≤ 1, else kldiv::domain_error.
template <real T = double>
class geometric {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::non_negative_integers();

    explicit geometric(T p) : p_(p) {
        if (!(p > T(0) && p <= T(1))) detail::fail("geometric", "p must be in (0, 1]", p);
    }

    [[nodiscard]] T p() const noexcept { return p_; }

private:
    T p_;
};

/// k·log1p(−p) + log p for integer k ≥ 0 (0·log 0 = 0 at p = 1), −inf elsewhere (also at
/// k = +inf); NaN → NaN. Computed in double.
template <real T>
[[nodiscard]] T log_pdf(const geometric<T>& d, T k) noexcept {
    if (std::isnan(k)) return k;
    if (k < T(0) || k != std::floor(k)) return -std::numeric_limits<T>::infinity();
    if (std::isinf(k)) return -std::numeric_limits<T>::infinity();
    if (k == T(0)) return std::log(d.p());
    if (d.p() == T(1)) return -std::numeric_limits<T>::infinity();
    return static_cast<T>(static_cast<double>(k) * std::log1p(-static_cast<double>(d.p())) + std::log(static_cast<double>(d.p())));
}

/// Inversion: ⌊log U / log(1 − p)⌋ with U uniform on (0, 1].
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const geometric<T>& d, Engine& engine) noexcept {
    if (d.p() == T(1)) return T(0);
    return static_cast<T>(std::floor(std::log(uniform01_open(engine)) / std::log1p(-static_cast<double>(d.p()))));
}

/// [−(1 − p)·log(1 − p) − p·log p]/p = −(1 − p)·log1p(−p)/p − log p nats (1 − p never rounded
/// inside the log: geometric(1e-300) keeps its digits). Computed in double; 0 at p = 1.
template <real T>
[[nodiscard]] T entropy(const geometric<T>& d) noexcept {
    const double p = d.p();
    if (p == 1) return T(0);
    return static_cast<T>(-(1 - p) * (std::log1p(-p) / p) - std::log(p));
}
template <real T>
[[nodiscard]] T mean(const geometric<T>& d) noexcept {
    return (T(1) - d.p()) / d.p();
}
template <real T>
[[nodiscard]] T variance(const geometric<T>& d) noexcept {
    return (T(1) - d.p()) / (d.p() * d.p());
}
template <real T>
[[nodiscard]] support_set<T> support(const geometric<T>& d) noexcept {
    return {T(0), d.p() == T(1) ? T(0) : std::numeric_limits<T>::infinity(), support_kind::non_negative_integers};
}

}  // namespace kldiv
