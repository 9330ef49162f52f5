// A product of n independent members of one scalar family, each with its own parameters (PyTorch's
// Independent, TFP's Sample/Blockwise): log_pdf of a vector, sampling, entropy and moments as sums
// or per-coordinate values. Guarantees: at least one component; sizes checked on every call.
#pragma once

#include <cstddef>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "kldiv/core/summation.hpp"
#include "kldiv/distributions/distribution.hpp"

namespace kldiv {

/// A scalar kldiv family (not vector-valued): the components an independent product takes.
template <class F>
concept scalar_distribution = with_static_support<F> && !is_vector(F::support_at_compile_time.kind);

/// independent<F>(components): the joint law of n independent coordinates, coordinate i
/// distributed as components[i]. Values are vectors of n entries: log_pdf(d, span),
/// sample(d, engine, span). Constructor: at least one component, else kldiv::domain_error.
template <scalar_distribution F>
class independent {
public:
    using value_type = typename F::value_type;
    using component_type = F;
    static constexpr bool is_kldiv_distribution = true;
    /// A product of scalar supports is a set of vectors.
    static constexpr static_support support_at_compile_time = static_support::real_vector();

    explicit independent(std::vector<F> components) : components_(std::move(components)) {
        if (components_.empty()) detail::fail("independent", "needs at least one component", components_.size());
    }

    [[nodiscard]] std::span<const F> components() const noexcept { return components_; }
    [[nodiscard]] std::size_t size() const noexcept { return components_.size(); }

private:
    std::vector<F> components_;
};

namespace detail {
/// Throws unless a vector argument has one entry per component.
inline void require_entries(const char* function, std::size_t components, std::size_t entries) {
    if (components != entries)
        fail(function, "the product has " + std::to_string(components) + " components, the vector " + std::to_string(entries) +
                           " entries");
}
}  // namespace detail

/// Σᵢ log pᵢ(xᵢ) (compensated), x of n entries (else kldiv::domain_error); −inf when a
/// coordinate is outside its component's support; NaN entries give NaN.
template <class F>
[[nodiscard]] typename F::value_type log_pdf(const independent<F>& d, std::span<const typename F::value_type> x) {
    detail::require_entries("log_pdf", d.size(), x.size());
    compensated_sum<double> total;
    for (std::size_t i = 0; i < x.size(); ++i) total.add(static_cast<double>(log_pdf(d.components()[i], x[i])));
    return static_cast<typename F::value_type>(total.value());
}

/// One joint sample into out (n entries, else kldiv::domain_error): coordinate i from component i,
/// in order.
template <class F, std::uniform_random_bit_generator Engine>
void sample(const independent<F>& d, Engine& engine, std::span<typename F::value_type> out) {
    detail::require_entries("sample", d.size(), out.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = sample(d.components()[i], engine);
}

/// Σᵢ H(pᵢ) nats (compensated): entropy is additive over independent coordinates.
template <class F>
[[nodiscard]] typename F::value_type entropy(const independent<F>& d) noexcept {
    compensated_sum<double> total;
    for (const auto& c : d.components()) total.add(static_cast<double>(entropy(c)));
    return static_cast<typename F::value_type>(total.value());
}
/// The vector of the components' means.
template <class F>
[[nodiscard]] std::vector<typename F::value_type> mean(const independent<F>& d) {
    std::vector<typename F::value_type> m;
    for (const auto& c : d.components()) m.push_back(mean(c));
    return m;
}
/// The vector of the components' variances (the covariance is diagonal).
template <class F>
[[nodiscard]] std::vector<typename F::value_type> variance(const independent<F>& d) {
    std::vector<typename F::value_type> v;
    for (const auto& c : d.components()) v.push_back(variance(c));
    return v;
}
/// The components' supports, coordinate by coordinate (the joint support is their product).
template <class F>
[[nodiscard]] auto support(const independent<F>& d) {
    std::vector<decltype(support(d.components()[0]))> s;
    for (const auto& c : d.components()) s.push_back(support(c));
    return s;
}

}  // namespace kldiv
