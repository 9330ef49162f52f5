// The binomial distribution: successes in a known number of independent trials.
// Guarantees: validated at construction (trials ≥ 0, 0 ≤ p ≤ 1).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>

#include "kldiv/core/log_ratio.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/core/xlogy.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Binomial(trials, p): P(X = k) = C(n, k)·pᵏ(1 − p)ⁿ⁻ᵏ, k = 0…n. Constructor
/// binomial(trials, p): trials ≥ 0, 0 ≤ p ≤ 1, else kldiv::domain_error.
template <real T = double>
class binomial {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::integer_range({0, std::numeric_limits<double>::max()});

    binomial(std::int64_t trials, T p) : trials_(trials), p_(p) {
        if (trials < 0) detail::fail("binomial", "trials must be non-negative", trials);
        if (!(p >= T(0) && p <= T(1))) detail::fail("binomial", "p must be in [0, 1]", p);
    }

    [[nodiscard]] std::int64_t trials() const noexcept { return trials_; }
    [[nodiscard]] T p() const noexcept { return p_; }

private:
    std::int64_t trials_;
    T p_;
};

/// log C(n, k) + k·log p + (n − k)·log(1 − p) for integer 0 ≤ k ≤ n (0·log 0 = 0), −inf
/// elsewhere; NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const binomial<T>& d, T k) noexcept {
    if (std::isnan(k)) return k;
    const T n = static_cast<T>(d.trials());
    if (k < T(0) || k > n || k != std::floor(k)) return -std::numeric_limits<T>::infinity();
    const T log_choose = std::lgamma(n + T(1)) - std::lgamma(k + T(1)) - std::lgamma(n - k + T(1));
    const T log_failure = (n - k == T(0)) ? T(0) : (n - k) * std::log1p(-d.p());
    return log_choose + xlogy(k, d.p()) + log_failure;
}

/// Sampling: a count of n uniforms below p when n·min(p, 1 − p) < 10, else Hörmann's BTRS
/// transformed rejection (1993).
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const binomial<T>& d, Engine& engine) noexcept {
    const double n = static_cast<double>(d.trials());
    const bool flip = d.p() > T(0.5);
    const double p = flip ? 1.0 - static_cast<double>(d.p()) : static_cast<double>(d.p());
    double k = 0;
    if (n * p < 10) {
        for (std::int64_t i = 0; i < d.trials(); ++i) k += uniform01(engine) < p ? 1 : 0;
    } else {
        const double q = 1 - p, spq = std::sqrt(n * p * q);
        const double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = n * p + 0.5;
        const double alpha = (2.83 + 5.1 / b) * spq, vr = 0.92 - 4.2 / b, lpq = log_ratio(p, q);
        const double m = std::floor((n + 1) * p), h = std::lgamma(m + 1) + std::lgamma(n - m + 1);
        while (true) {
            const double u = uniform01(engine) - 0.5, v = uniform01_open(engine);
            const double us = 0.5 - std::fabs(u);
            k = std::floor((2 * a / us + b) * u + c);
            if (k < 0 || k > n) continue;
            if (us >= 0.07 && v <= vr) break;
            const double log_v = std::log(v * alpha / (a / (us * us) + b));
            if (log_v <= h - std::lgamma(k + 1) - std::lgamma(n - k + 1) + (k - m) * lpq) break;
        }
    }
    return static_cast<T>(flip ? n - k : k);
}

/// H = −Σ P(k) log P(k) over k = 0…n, compensated (O(n); exact to ~1e-14 relative).
template <real T>
[[nodiscard]] T entropy(const binomial<T>& d) noexcept {
    compensated_sum<double> total;
    for (std::int64_t k = 0; k <= d.trials(); ++k) {
        const double log_p = static_cast<double>(log_pdf(d, static_cast<T>(k)));
        if (log_p > -std::numeric_limits<double>::infinity()) total.add(-std::exp(log_p) * log_p);
    }
    return static_cast<T>(total.value());
}
template <real T>
[[nodiscard]] T mean(const binomial<T>& d) noexcept {
    return static_cast<T>(d.trials()) * d.p();
}
template <real T>
[[nodiscard]] T variance(const binomial<T>& d) noexcept {
    return static_cast<T>(d.trials()) * d.p() * (T(1) - d.p());
}
template <real T>
[[nodiscard]] support_set<T> support(const binomial<T>& d) noexcept {
    const T n = static_cast<T>(d.trials());
    return {d.p() == T(1) ? n : T(0), d.p() == T(0) ? T(0) : n, support_kind::integer_range};
}

}  // namespace kldiv
