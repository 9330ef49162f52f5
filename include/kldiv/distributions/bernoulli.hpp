// The Bernoulli distribution on {0, 1}: mass function, sampling, moments, entropy.
// Guarantees: validated at construction (0 ≤ p ≤ 1); entropy exactly 0 at p ∈ {0, 1}.
#pragma once

#include <cmath>
#include <limits>
#include <random>
#include <span>

#include "kldiv/core/xlogy.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Bernoulli(p): P(1) = p, P(0) = 1 − p. Constructor bernoulli(p): 0 ≤ p ≤ 1 (the end points
/// are point masses), else kldiv::domain_error.
template <real T = double>
class bernoulli {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::integer_range({0, 1}, {0, 1});

    explicit bernoulli(T p) : p_(p) {
        if (!(p >= T(0) && p <= T(1))) detail::fail("bernoulli", "p must be in [0, 1]", p);
    }

    [[nodiscard]] T p() const noexcept { return p_; }

private:
    T p_;
};

namespace detail {
/// −p log p − (1 − p)·log1p(−p) for 0 ≤ p ≤ 1 (0 at both ends).
inline double binary_entropy(double p) noexcept {
    if (p == 0 || p == 1) return 0;
    return -p * std::log(p) - (1 - p) * std::log1p(-p);
}
}  // namespace detail

/// log P(X = x): log p at 1, log(1 − p) at 0, −inf elsewhere (including non-integers); NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const bernoulli<T>& d, T x) noexcept {
    if (std::isnan(x)) return x;
    if (x == T(1)) return std::log(d.p());
    if (x == T(0)) return std::log1p(-d.p());
    return -std::numeric_limits<T>::infinity();
}


/// 1 if U < p (U uniform on [0, 1) with 53 bits), else 0.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const bernoulli<T>& d, Engine& engine) noexcept {
    return uniform01(engine) < static_cast<double>(d.p()) ? T(1) : T(0);
}


/// −p log p − (1 − p) log(1 − p) nats, log(1 − p) as log1p(−p) (1 − p is not rounded first:
/// bernoulli(1e-20) keeps its digits); computed in double; exactly 0 at p ∈ {0, 1}.
template <real T>
[[nodiscard]] T entropy(const bernoulli<T>& d) noexcept {
    return static_cast<T>(detail::binary_entropy(static_cast<double>(d.p())));
}
template <real T>
[[nodiscard]] T mean(const bernoulli<T>& d) noexcept {
    return d.p();
}
template <real T>
[[nodiscard]] T variance(const bernoulli<T>& d) noexcept {
    return d.p() * (T(1) - d.p());
}
template <real T>
[[nodiscard]] support_set<T> support(const bernoulli<T>& d) noexcept {
    return {d.p() == T(1) ? T(1) : T(0), d.p() == T(0) ? T(0) : T(1), support_kind::integer_range};
}

}  // namespace kldiv
