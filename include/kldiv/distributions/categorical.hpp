// The categorical distribution over {0, …, K−1}, from probabilities or from logits.
// Guarantees: validated at construction; never normalised silently.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "kldiv/core/logsumexp.hpp"
#include "kldiv/discrete/measures.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {

/// Categorical(probabilities) over {0, …, K−1}. Constructor categorical(probabilities): any
/// real_vector that is a distribution (non-empty, entries finite and ≥ 0, sum 1 within
/// normalization_tolerance), else kldiv::domain_error — never normalised silently.
/// categorical<T>::from_logits(logits): softmax taken stably (−inf logits are probability 0).
template <real T = double>
class categorical {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::integer_range();

    template <real_vector P>
    explicit categorical(const P& probabilities) {
        const auto ps = as_span(probabilities);
        detail::check_distribution("categorical", "probabilities", ps);
        probabilities_.assign(ps.begin(), ps.end());
        build_cumulative();
    }

    /// From unnormalised log-probabilities; throws for empty input, NaN or +inf logits, or all −inf.
    template <real_vector L>
    [[nodiscard]] static categorical from_logits(const L& logits) {
        const auto ls = as_span(logits);
        if (ls.empty()) detail::fail("categorical::from_logits", "logits are empty");
        for (std::size_t i = 0; i < ls.size(); ++i)
            if (std::isnan(ls[i]) || ls[i] == std::numeric_limits<T>::infinity())
                detail::fail("categorical::from_logits", "logits[" + std::to_string(i) + "] is NaN or +inf", ls[i]);
        const T lse = log_sum_exp(ls);
        if (!std::isfinite(lse)) detail::fail("categorical::from_logits", "all logits are −inf");
        std::vector<T> p(ls.size());
        for (std::size_t i = 0; i < ls.size(); ++i) p[i] = std::exp(ls[i] - lse);
        return categorical(p, normalized_tag{});
    }

    [[nodiscard]] std::span<const T> probabilities() const noexcept { return probabilities_; }
    [[nodiscard]] std::size_t size() const noexcept { return probabilities_.size(); }
    [[nodiscard]] const std::vector<double>& cumulative() const noexcept { return cumulative_; }

private:
    struct normalized_tag {};
    categorical(std::vector<T> p, normalized_tag) : probabilities_(std::move(p)) { build_cumulative(); }

    void build_cumulative() {
        cumulative_.resize(probabilities_.size());
        double total = 0;
        for (std::size_t i = 0; i < probabilities_.size(); ++i) cumulative_[i] = total += probabilities_[i];
    }

    std::vector<T> probabilities_;
    std::vector<double> cumulative_;  // for inverse-CDF sampling
};

/// log pₖ for integer 0 ≤ k < K, −inf elsewhere; NaN → NaN.
template <real T>
[[nodiscard]] T log_pdf(const categorical<T>& d, T k) noexcept {
    if (std::isnan(k)) return k;
    if (k < T(0) || k >= static_cast<T>(d.size()) || k != std::floor(k)) return -std::numeric_limits<T>::infinity();
    return std::log(d.probabilities()[static_cast<std::size_t>(k)]);
}

/// Inverse CDF by binary search over the cumulative sums (O(log K)); never returns an outcome of
/// probability 0.
template <real T, std::uniform_random_bit_generator Engine>
[[nodiscard]] T sample(const categorical<T>& d, Engine& engine) noexcept {
    const auto& c = d.cumulative();
    const double u = uniform01(engine) * c.back();
    auto it = std::upper_bound(c.begin(), c.end(), u);
    if (it == c.end()) --it;
    return static_cast<T>(it - c.begin());
}

namespace detail {
/// Σp − 1 of a categorical's vector, unrounded through Σp (the compensated sum takes 1 off first).
template <real T>
[[nodiscard]] double categorical_excess(const categorical<T>& d) noexcept {
    compensated_sum<double> total;
    for (const T p : d.probabilities()) total.add(static_cast<double>(p));
    return total.value_minus(1.0);
}
}  // namespace detail

/// −Σ p̂ₖ log p̂ₖ nats of p̂ = p/Σp, the distribution the vector stands for (its sum is 1 within
/// normalization_tolerance), as kldiv::entropy of the probability vector: ≤ 4 ulp. The raw sum
/// −Σ pₖ log pₖ differs by about (Σp − 1)·(1 − H), all of a tiny entropy's size: {4e-174, 1}
/// has H = 1.77e-171, of which 4e-174 is the second entry's share.
template <real T>
[[nodiscard]] T entropy(const categorical<T>& d) noexcept {
    const double excess = detail::categorical_excess(d);
    return static_cast<T>(detail::normalised_cross_entropy(unchecked::entropy_nats(d.probabilities()), excess, excess));
}
/// Σ k·p̂ₖ, p̂ = p/Σp. Accuracy ≤ 2 ulp.
template <real T>
[[nodiscard]] T mean(const categorical<T>& d) noexcept {
    compensated_sum<double> total;
    for (std::size_t k = 0; k < d.size(); ++k) total.add(static_cast<double>(k) * d.probabilities()[k]);
    return static_cast<T>(total.value() / (1 + detail::categorical_excess(d)));
}
/// Σ (k − mean)²·p̂ₖ, p̂ = p/Σp. Accuracy ≤ 4 ulp.
template <real T>
[[nodiscard]] T variance(const categorical<T>& d) noexcept {
    const double m = static_cast<double>(mean(d));
    compensated_sum<double> total;
    for (std::size_t k = 0; k < d.size(); ++k)
        total.add((static_cast<double>(k) - m) * (static_cast<double>(k) - m) * d.probabilities()[k]);
    return static_cast<T>(total.value() / (1 + detail::categorical_excess(d)));
}
template <real T>
[[nodiscard]] support_set<T> support(const categorical<T>& d) noexcept {
    return {T(0), static_cast<T>(d.size() - 1), support_kind::integer_range};
}

}  // namespace kldiv
