// Finite mixtures Σ wᵢ·Dᵢ of components of one scalar family: density, sampling, moments, and
// entropy by Monte Carlo (a mixture's entropy has no closed form).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "kldiv/core/logsumexp.hpp"
#include "kldiv/core/running_stats.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/discrete/vector_input.hpp"  // check_distribution for the weights
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

namespace detail {
/// A mixture has its components' compile-time support when they have one.
template <class D>
struct mixture_static_support {};
template <with_static_support D>
struct mixture_static_support<D> {
    /// The components' support kind and end-point ranges (a mixture's support is their hull).
    static constexpr static_support support_at_compile_time = D::support_at_compile_time;
};
}  // namespace detail

/// mixture(weights, components): density Σ wᵢ·pᵢ(x) for components of one scalar family D.
/// weights must be a distribution (non-negative, summing to 1 within normalization_tolerance —
/// never normalised silently) with one weight per component, else kldiv::domain_error.
template <distribution D>
class mixture : public detail::mixture_static_support<D> {
public:
    using value_type = typename D::value_type;
    using component_type = D;
    static constexpr bool is_kldiv_distribution = true;

    template <real_vector W>
    mixture(const W& weights, std::vector<D> components) : components_(std::move(components)) {
        const auto w = as_span(weights);
        detail::check_same_size("mixture", w.size(), components_.size());
        detail::check_distribution("mixture", "weights", w);
        weights_.assign(w.begin(), w.end());
        double total = 0;
        for (const auto v : weights_) cumulative_.push_back(total += static_cast<double>(v));
    }

    [[nodiscard]] std::span<const value_type> weights() const noexcept { return weights_; }
    [[nodiscard]] const std::vector<D>& components() const noexcept { return components_; }
    [[nodiscard]] const std::vector<double>& cumulative_weights() const noexcept { return cumulative_; }

private:
    std::vector<value_type> weights_;
    std::vector<D> components_;
    std::vector<double> cumulative_;
};

/// log Σ wᵢ·pᵢ(x), by the core's log-sum-exp over log wᵢ + log pᵢ(x) in double (no underflow in
/// the tails; nothing allocated: each component's density is evaluated twice).
/// Accuracy: that of the components' log_pdf plus log_sum_exp's bound. x outside every
/// component's support gives −inf; NaN gives NaN.
template <distribution D>
[[nodiscard]] typename D::value_type log_pdf(const mixture<D>& m, typename D::value_type x) noexcept {
    using T = typename D::value_type;
    const auto term = [&m, x](std::size_t i) {
        return std::log(static_cast<double>(m.weights()[i])) + static_cast<double>(log_pdf(m.components()[i], x));
    };
    return static_cast<T>(log_sum_exp_of<double>(m.components().size(), term));
}

/// Picks a component by its weight (inverse CDF), then samples it.
template <distribution D, std::uniform_random_bit_generator Engine>
[[nodiscard]] typename D::value_type sample(const mixture<D>& m, Engine& engine) noexcept {
    const auto& c = m.cumulative_weights();
    const double u = uniform01(engine) * c.back();
    auto it = std::upper_bound(c.begin(), c.end(), u);
    if (it == c.end()) --it;
    return sample(m.components()[static_cast<std::size_t>(it - c.begin())], engine);
}

/// Σ wᵢ·E Dᵢ.
template <distribution D>
[[nodiscard]] typename D::value_type mean(const mixture<D>& m) noexcept {
    compensated_sum<double> total;
    for (std::size_t i = 0; i < m.components().size(); ++i)
        total.add(static_cast<double>(m.weights()[i]) * static_cast<double>(mean(m.components()[i])));
    return static_cast<typename D::value_type>(total.value());
}

/// Law of total variance: Σ wᵢ·(Var Dᵢ + (E Dᵢ − E)²).
template <distribution D>
[[nodiscard]] typename D::value_type variance(const mixture<D>& m) noexcept {
    const double overall = static_cast<double>(mean(m));
    compensated_sum<double> total;
    for (std::size_t i = 0; i < m.components().size(); ++i) {
        const double offset = static_cast<double>(mean(m.components()[i])) - overall;
        total.add(static_cast<double>(m.weights()[i]) * (static_cast<double>(variance(m.components()[i])) + offset * offset));
    }
    return static_cast<typename D::value_type>(total.value());
}

/// The union of the components' supports (as an interval hull).
template <distribution D>
[[nodiscard]] auto support(const mixture<D>& m) noexcept {
    auto s = support(m.components().front());
    for (const auto& c : m.components()) {
        const auto t = support(c);
        s.lower = std::min(s.lower, t.lower);
        s.upper = std::max(s.upper, t.upper);
    }
    return s;
}

/// A mixture's entropy has no closed form: estimated as −mean log p(x) over `samples` draws,
/// returned with its standard error (the same shape as a Monte Carlo KL estimate).
/// Throws kldiv::domain_error for fewer than 2 samples.
template <distribution D, std::uniform_random_bit_generator Engine>
[[nodiscard]] auto entropy(const mixture<D>& m, std::size_t samples, Engine& engine) {
    if (samples < 2) detail::fail("entropy", "a Monte Carlo entropy needs at least 2 samples", samples);
    running_stats stats;
    for (std::size_t i = 0; i < samples; ++i) stats.push(-static_cast<double>(log_pdf(m, sample(m, engine))));
    struct estimate {
        double value;
        double standard_error;
        std::size_t samples;
    };
    return estimate{stats.mean(), stats.standard_error(), samples};
}

}  // namespace kldiv
