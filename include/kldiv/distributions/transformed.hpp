// A continuous scalar family pushed through an affine map x ↦ loc + scale·x: density, sampling,
// moments, entropy (shifted by log|scale|), support. Guarantees: the map is validated.
#pragma once

#include <cmath>
#include <limits>
#include <random>
#include <utility>

#include "kldiv/distributions/distribution.hpp"

namespace kldiv {

/// The affine map x ↦ loc + scale·x. Validated where it is used (transformed's constructor):
/// loc finite, scale finite and non-zero (negative scales reflect).
template <real T = double>
struct affine {
    T loc;
    T scale;

    /// Whether two maps are the same map.
    [[nodiscard]] friend constexpr bool operator==(const affine&, const affine&) = default;
};

/// A scalar family whose values are continuous (any kldiv family of kind real line, half-line or
/// interval): the families an affine map keeps continuous.
template <class D>
concept continuous_scalar_distribution =
    with_static_support<D> && !is_discrete(D::support_at_compile_time.kind) && !is_vector(D::support_at_compile_time.kind);

namespace detail {
/// An affine image of a compile-time support: the kind is kept; a half-line may point either
/// way (a negative scale), so its end points may lie anywhere.
[[nodiscard]] constexpr static_support affine_image(static_support s) noexcept {
    constexpr double inf = std::numeric_limits<double>::infinity(), max = std::numeric_limits<double>::max();
    switch (s.kind) {
        case support_kind::real_line: return static_support::real_line();
        case support_kind::interval: return static_support::interval();
        default: return {support_kind::half_line, {-inf, max}, {-max, inf}};
    }
}
}  // namespace detail

/// transformed(d, affine{loc, scale}): the law of loc + scale·X for X ~ d (PyTorch's
/// TransformedDistribution with an AffineTransform, TFP's Shift∘Scale bijector), for a continuous
/// scalar family D. Constructor: loc finite, scale finite and non-zero, else kldiv::domain_error.
template <continuous_scalar_distribution D>
class transformed {
public:
    using value_type = typename D::value_type;
    using base_type = D;
    static constexpr bool is_kldiv_distribution = true;
    /// The base family's kind; end points anywhere (the map is a run-time value).
    static constexpr static_support support_at_compile_time = detail::affine_image(D::support_at_compile_time);

    transformed(D base, affine<value_type> map) : base_(std::move(base)), map_(map) {
        detail::require_finite("transformed", "loc", map.loc);
        if (!(map.scale != value_type(0)) || !std::isfinite(map.scale))
            detail::fail("transformed", "scale must be finite and non-zero", map.scale);
    }

    [[nodiscard]] const D& base() const noexcept { return base_; }
    [[nodiscard]] affine<value_type> map() const noexcept { return map_; }

private:
    D base_;
    affine<value_type> map_;
};

/// log p((x − loc)/scale) − log|scale|, p the base density (its accuracy plus one rounding of
/// the inverse map). NaN → NaN.
template <class D>
[[nodiscard]] typename D::value_type log_pdf(const transformed<D>& d, typename D::value_type x) noexcept {
    const auto m = d.map();
    return log_pdf(d.base(), (x - m.loc) / m.scale) - std::log(std::fabs(m.scale));
}

/// loc + scale·X, X a sample of the base family (one base draw per sample).
template <class D, std::uniform_random_bit_generator Engine>
[[nodiscard]] typename D::value_type sample(const transformed<D>& d, Engine& engine) noexcept {
    return d.map().loc + d.map().scale * sample(d.base(), engine);
}

/// H(base) + log|scale| nats.
template <class D>
[[nodiscard]] typename D::value_type entropy(const transformed<D>& d) noexcept {
    return entropy(d.base()) + std::log(std::fabs(d.map().scale));
}
/// loc + scale·mean(base) (NaN where the base mean does not exist).
template <class D>
[[nodiscard]] typename D::value_type mean(const transformed<D>& d) noexcept {
    return d.map().loc + d.map().scale * mean(d.base());
}
/// scale²·variance(base).
template <class D>
[[nodiscard]] typename D::value_type variance(const transformed<D>& d) noexcept {
    return d.map().scale * d.map().scale * variance(d.base());
}
/// The image of the base support (end points swapped for a negative scale); the base's kind.
template <class D>
[[nodiscard]] auto support(const transformed<D>& d) noexcept {
    auto s = support(d.base());
    const auto m = d.map();
    auto lower = m.loc + m.scale * s.lower, upper = m.loc + m.scale * s.upper;
    if (m.scale < 0) std::swap(lower, upper);
    s.lower = lower;
    s.upper = upper;
    return s;
}

}  // namespace kldiv
