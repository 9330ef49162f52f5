// The Dirichlet distribution over the probability simplex: density, sampling, moments, entropy.
// Guarantees: validated at construction (every concentration > 0 and finite, K ≥ 2).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/gamma.hpp"

namespace kldiv {

/// Dirichlet(α₁…α_K): density Γ(α₀)/ΠΓ(αᵢ)·Π xᵢ^(αᵢ−1) on the simplex, α₀ = Σαᵢ. Constructor
/// dirichlet(concentration): any real_vector with K ≥ 2 entries, each > 0 and finite, else
/// kldiv::domain_error naming the entry.
/// Values are vectors: log_pdf(d, x) takes a span of K entries; sample(d, engine, out) writes K.
template <real T = double>
class dirichlet {
public:
    using value_type = T;
    static constexpr bool is_kldiv_distribution = true;
    /// Support kind and end-point ranges (see static_support).
    static constexpr static_support support_at_compile_time = static_support::simplex();

    template <real_vector A>
    explicit dirichlet(const A& concentration) {
        const auto a = as_span(concentration);
        if (a.size() < 2) detail::fail("dirichlet", "needs at least 2 concentrations", a.size());
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!(a[i] > T(0)) || !std::isfinite(a[i]))
                detail::fail("dirichlet", "concentration[" + std::to_string(i) + "] must be positive and finite", a[i]);
        concentration_.assign(a.begin(), a.end());
    }

    [[nodiscard]] std::span<const T> concentration() const noexcept { return concentration_; }
    [[nodiscard]] std::size_t size() const noexcept { return concentration_.size(); }
    [[nodiscard]] double total() const noexcept {
        compensated_sum<double> s;
        for (const T a : concentration_) s.add(a);
        return s.value();
    }

private:
    std::vector<T> concentration_;
};

namespace detail {
template <class T>
double dirichlet_log_normalizer(const dirichlet<T>& d) noexcept {  // log B(α) = ΣlnΓ(αᵢ) − lnΓ(α₀)
    compensated_sum<double> s;
    for (const T a : d.concentration()) s.add(std::lgamma(static_cast<double>(a)));
    return s.value() - std::lgamma(d.total());
}
}  // namespace detail

/// log density at x on the simplex: Σ(αᵢ − 1)log xᵢ − log B(α). x must have K entries (else
/// kldiv::domain_error); −inf when x is off the simplex (a negative entry, or |Σx − 1| > 1e-12·K);
/// NaN entries give NaN.
template <real T>
[[nodiscard]] T log_pdf(const dirichlet<T>& d, std::span<const T> x) {
    detail::check_same_size("log_pdf", d.size(), x.size());
    compensated_sum<double> total, mass;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::isnan(x[i])) return x[i];
        if (x[i] < T(0)) return -std::numeric_limits<T>::infinity();
        mass.add(x[i]);
        const double a = d.concentration()[i];
        if (a != 1) total.add((a - 1) * std::log(static_cast<double>(x[i])));
    }
    if (std::fabs(mass.value() - 1) > 1e-12 * static_cast<double>(x.size())) return -std::numeric_limits<T>::infinity();
    return static_cast<T>(total.value() - detail::dirichlet_log_normalizer(d));
}

/// One sample into out (K entries): normalised independent Gamma(αᵢ, 1) variates, taken and
/// normalised in logs (xᵢ = exp(log Gᵢ − max)/Σ exp(log G − max)), so tiny concentrations, whose variates all
/// underflow, still give a point of the simplex (no 0/0).
template <real T, std::uniform_random_bit_generator Engine>
void sample(const dirichlet<T>& d, Engine& engine, std::span<T> out) {
    detail::check_same_size("sample", d.size(), out.size());
    std::vector<double> log_g(d.size());
    for (std::size_t i = 0; i < log_g.size(); ++i)
        log_g[i] = detail::log_standard_gamma(static_cast<double>(d.concentration()[i]), engine);
    // Relative to the largest: weights in (0, 1], one of them 1, their sum in [1, K] — the
    // outputs sum to 1 within K ulps whatever the size of the logs.
    const double largest = *std::max_element(log_g.begin(), log_g.end());
    if (largest == -std::numeric_limits<double>::infinity()) {
        // Every variate below e^(−DBL_MAX) (concentrations ≲ 1e-305): to double precision the
        // sample is the corner i with probability αᵢ/α₀.
        double u = uniform01(engine) * d.total();
        std::size_t corner = 0;
        while (corner + 1 < log_g.size() && u >= static_cast<double>(d.concentration()[corner]))
            u -= static_cast<double>(d.concentration()[corner++]);
        for (std::size_t i = 0; i < log_g.size(); ++i) out[i] = i == corner ? T(1) : T(0);
        return;
    }
    compensated_sum<double> total;
    for (double& l : log_g) total.add(l = std::exp(l - largest));
    const double sum = total.value();
    for (std::size_t i = 0; i < log_g.size(); ++i) out[i] = static_cast<T>(log_g[i] / sum);
}

/// log B(α) + (α₀ − K)ψ(α₀) − Σ(αᵢ − 1)ψ(αᵢ) nats, evaluated with
/// lnΓ = g + (a·log a − a) and ψ = g′ + log a (g: detail::stirling_gap), where the a·log a parts
/// collapse to Σ log(αᵢ/α₀) exactly: Σ log(αᵢ/α₀) + Σ g(αᵢ) − g(α₀) + (α₀ − K)g′(α₀) − Σ(αᵢ − 1)g′(αᵢ),
/// terms of the size of log α instead of α·log α (all 1e6: the textbook form lost 9e-11).
/// Accuracy ≤ 1e-13·max(1, Σ|log(αᵢ/α₀)|/|H|) relative.
template <real T>
[[nodiscard]] T entropy(const dirichlet<T>& d) noexcept {
    const double a0 = d.total(), k = static_cast<double>(d.size());
    const auto& alpha = d.concentration();
    if (std::isfinite(a0)) {
        compensated_sum<double> s;
        s.add(-detail::stirling_gap(a0));
        s.add((a0 - k) * detail::stirling_gap_derivative(a0));
        for (const T value : alpha) {
            const double a = value;
            s.add(log_ratio(a, a0));
            s.add(detail::stirling_gap(a));
            s.add(-(a - 1) * detail::stirling_gap_derivative(a));
        }
        return static_cast<T>(s.value());
    }
    compensated_sum<double> s;
    s.add(detail::dirichlet_log_normalizer(d));
    s.add((a0 - k) * digamma(a0));
    for (const T a : d.concentration()) s.add(-(static_cast<double>(a) - 1) * digamma(a));
    return static_cast<T>(s.value());
}
/// The mean vector αᵢ/α₀.
template <real T>
[[nodiscard]] std::vector<T> mean(const dirichlet<T>& d) {
    std::vector<T> m(d.size());
    const double a0 = d.total();
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<T>(d.concentration()[i] / a0);
    return m;
}
namespace detail {
/// α₀ − αᵢ for every i, summed from the other entries (a prefix and a suffix compensated sum):
/// no cancellation when αᵢ is nearly all of α₀ (the variance and the Fisher diagonal need it).
template <real T>
[[nodiscard]] std::vector<double> sums_of_others(std::span<const T> alpha) {
    std::vector<double> out(alpha.size());
    compensated_sum<double> prefix;
    std::vector<compensated_sum<double>> suffixes(alpha.size() + 1);
    for (std::size_t i = alpha.size(); i-- > 0;) {
        suffixes[i] = suffixes[i + 1];
        suffixes[i].add(alpha[i]);
    }
    for (std::size_t i = 0; i < alpha.size(); ++i) {
        compensated_sum<double> others = prefix;
        others.merge(suffixes[i + 1]);
        out[i] = others.value();
        prefix.add(alpha[i]);
    }
    return out;
}
}  // namespace detail

/// The marginal variances αᵢ(α₀ − αᵢ)/(α₀²(α₀ + 1)), α₀ − αᵢ summed from the other entries.
/// Accuracy ≤ 4 ulp.
template <real T>
[[nodiscard]] std::vector<T> variance(const dirichlet<T>& d) {
    std::vector<T> v(d.size());
    const double a0 = d.total();
    const std::vector<double> others = detail::sums_of_others(std::span<const T>(d.concentration()));
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double a = d.concentration()[i];
        v[i] = static_cast<T>(a / a0 * (others[i] / a0) / (a0 + 1));
    }
    return v;
}

}  // namespace kldiv
