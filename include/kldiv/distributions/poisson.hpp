// The Poisson distribution with a rate: mass function, sampling, moments, entropy.
// Guarantees: validated at construction (rate ≥ 0; rate 0 is the point mass at 0).
#pragma once

#include <cmath>
#include <limits>
#include <random>
#include <span>

#include "kldiv/core/xlogy.hpp"
#include "kldiv/distributions/count_asymptotics.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Poisson(rate): P(X = k) = λᵏe^(−λ)/k!. Constructor poisson(rate): rate ≥ 0 and finite
/// (rate 0 is the point mass at 0), else kldiv::domain_error.
template <real T = double>
class poisson {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::non_negative_integers();

    explicit poisson(T rate) : rate_(rate) {
        if (!(rate >= T(0)) || !std::isfinite(rate)) detail::fail("poisson", "rate must be non-negative and finite", rate);
    }

    [[nodiscard]] T rate() const noexcept { return rate_; }

private:
    T rate_;
};

/// k·log λ − λ − log k! for integer k ≥ 0 (0·log 0 = 0 at λ = 0), −inf elsewhere (also at
/// k = ±inf); NaN → NaN. Evaluated in double in saddle-point form (Loader 2000), a few ulp of
/// |log P| at any k and λ (tested against mpmath).
template <real T>
[[nodiscard]] T log_pdf(const poisson<T>& d, T k) noexcept {
    if (std::isnan(k)) return k;
    if (k < T(0) || std::isinf(k) || k != std::floor(k)) return -std::numeric_limits<T>::infinity();
    return static_cast<T>(detail::poisson_log_mass(static_cast<double>(k), static_cast<double>(d.rate())));
}

/// Sampling: for λ < 10, Knuth's product of uniforms; beyond, Hörmann's PTRS transformed
/// rejection (1993), which needs about 1.2 pairs of uniforms per sample at any λ.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const poisson<T>& d, Engine& engine) noexcept {
    const double lambda = static_cast<double>(d.rate());
    if (lambda < 10.0) {
        const double limit = std::exp(-lambda);
        double product = uniform01(engine);
        double k = 0;
        while (product >= limit) {
            product *= uniform01(engine);
            k += 1;
        }
        return static_cast<T>(k);
    }
    const double slam = std::sqrt(lambda);
    const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
        const double u = uniform01(engine) - 0.5, v = uniform01_open(engine);
        const double us = 0.5 - std::fabs(u);
        const double k = std::floor((2 * a / us + b) * u + lambda + 0.43);
        if (us >= 0.07 && v <= vr) return static_cast<T>(k);
        if (k < 0 || (us < 0.013 && v > us)) continue;
        // log P(k) in saddle-point form: −λ + k·log λ − lnΓ(k + 1) cancels for large λ.
        if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= detail::poisson_log_mass(k, lambda))
            return static_cast<T>(k);
    }
}

/// H = −Σ P(k) log P(k) in nats, computed in double: for λ < 1e4 the compensated sum of the
/// non-negative terms over k ∈ λ ± (12√λ + 40); for λ ≥ 1e4 an asymptotic moment expansion with
/// a proven truncation bound (see detail::poisson_entropy). O(1) in λ (poisson(1e300) included).
/// Accuracy ≤ 1e-14 relative at every λ (tested against mpmath). Poisson(0) has entropy 0.
template <real T>
[[nodiscard]] T entropy(const poisson<T>& d) noexcept {
    return static_cast<T>(detail::poisson_entropy(static_cast<double>(d.rate())));
}
template <real T>
[[nodiscard]] T mean(const poisson<T>& d) noexcept {
    return d.rate();
}
template <real T>
[[nodiscard]] T variance(const poisson<T>& d) noexcept {
    return d.rate();
}
template <real T>
[[nodiscard]] support_set<T> support(const poisson<T>& d) noexcept {
    return {T(0), d.rate() == T(0) ? T(0) : std::numeric_limits<T>::infinity(), support_kind::non_negative_integers};
}

}  // namespace kldiv
