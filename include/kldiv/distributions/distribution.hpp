// What every kldiv distribution has: a value type tag, its support, and the checks its
// constructors share. Guarantees: distributions are validated, immutable values.
#pragma once

#include <cmath>
#include <concepts>
#include <limits>
#include <numbers>
#include <random>
#include <span>
#include <string>

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/error.hpp"
#include "kldiv/core/real_vector.hpp"

namespace kldiv {

/// The kind of set a family puts its mass on, known at compile time. The scalar kinds:
/// `real_line` ℝ; `half_line` unbounded on exactly one side ((a, ∞) for every built-in family;
/// an affine map with a negative scale turns it into (−∞, a)); `interval` [a, b];
/// `non_negative_integers` {0, 1, 2, …}; `integer_range` {a, …, b}. The vector kinds:
/// `simplex` (probability vectors) and `real_vector` (ℝᵈ).
enum class support_kind { real_line, half_line, interval, non_negative_integers, integer_range, simplex, real_vector };

/// Whether a kind is a set of integers (a family of that kind has a mass function).
[[nodiscard]] constexpr bool is_discrete(support_kind kind) noexcept {
    return kind == support_kind::non_negative_integers || kind == support_kind::integer_range;
}

/// Whether a kind is a set of vectors (the family's values are spans, not scalars).
[[nodiscard]] constexpr bool is_vector(support_kind kind) noexcept {
    return kind == support_kind::simplex || kind == support_kind::real_vector;
}

/// Where an end point of a family's support can lie over all its valid parameters: in
/// [least, greatest] (±inf allowed; least = greatest when the end point is fixed).
struct end_point_range {
    double least;
    double greatest;
};

/// A family's support as far as it is known at compile time: its kind and where each end point
/// can lie. A family declares it as `static constexpr static_support support_at_compile_time`;
/// the builders below give each kind's default end points, which a family narrows where its
/// bounds are fixed (gamma: half_line(0, 0), the lower end point is always 0).
struct static_support {
    support_kind kind;
    end_point_range lower;
    end_point_range upper;

    /// ℝ: both end points infinite.
    [[nodiscard]] static constexpr static_support real_line() noexcept {
        return {support_kind::real_line, {-infinity, -infinity}, {infinity, infinity}};
    }
    /// (a, ∞) with a ∈ [least, greatest].
    [[nodiscard]] static constexpr static_support half_line(double least = -max_double, double greatest = max_double) noexcept {
        return {support_kind::half_line, {least, greatest}, {infinity, infinity}};
    }
    /// [a, b] with a ∈ lower and b ∈ upper (finite).
    [[nodiscard]] static constexpr static_support interval(end_point_range lower_range = {-max_double, max_double},
                                                           end_point_range upper_range = {-max_double, max_double}) noexcept {
        return {support_kind::interval, lower_range, upper_range};
    }
    /// {0, 1, 2, …}: a family of this kind may still put all its mass on finitely many points
    /// for some parameters (Poisson(0)), so the upper end point ranges over [0, ∞].
    [[nodiscard]] static constexpr static_support non_negative_integers(double upper_least = 0) noexcept {
        return {support_kind::non_negative_integers, {0, 0}, {upper_least, infinity}};
    }
    /// {a, …, b} with a ∈ lower and b ∈ upper (finite).
    [[nodiscard]] static constexpr static_support integer_range(end_point_range lower_range = {0, 0},
                                                                end_point_range upper_range = {0, max_double}) noexcept {
        return {support_kind::integer_range, lower_range, upper_range};
    }
    /// The probability simplex (vector-valued).
    [[nodiscard]] static constexpr static_support simplex() noexcept { return {support_kind::simplex, {0, 0}, {1, 1}}; }
    /// ℝᵈ (vector-valued).
    [[nodiscard]] static constexpr static_support real_vector() noexcept {
        return {support_kind::real_vector, {-infinity, -infinity}, {infinity, infinity}};
    }

private:
    static constexpr double max_double = std::numeric_limits<double>::max();
    static constexpr double infinity = std::numeric_limits<double>::infinity();
};

/// Whether the compile-time supports alone prove supp p ⊄ supp q for every choice of
/// parameters, so that KL(p‖q) = +inf: p continuous and q discrete or the reverse (p not
/// absolutely continuous with respect to q), p's lower end point always below q's, or p's upper
/// end point always above q's. Only between scalar kinds (vector families of different kinds
/// live on different spaces: no answer).
[[nodiscard]] constexpr bool never_nested(const static_support& p, const static_support& q) noexcept {
    if (is_vector(p.kind) || is_vector(q.kind)) return false;
    if (is_discrete(p.kind) != is_discrete(q.kind)) return true;
    return p.lower.greatest < q.lower.least || p.upper.least > q.upper.greatest;
}

/// The set a distribution puts its mass on: [lower, upper] of the reals, or of the integers
/// when the kind is discrete (bounds may be ±inf), with the family's support kind.
template <real T>
struct support_set {
    T lower;
    T upper;
    support_kind kind = support_kind::real_line;

    /// Whether the support is a set of integers.
    [[nodiscard]] constexpr bool discrete() const noexcept { return is_discrete(kind); }

    /// Whether this support lies inside `other` (for KL(p‖q) < inf, supp p ⊆ supp q).
    [[nodiscard]] constexpr bool inside(const support_set& other) const noexcept {
        return lower >= other.lower && upper <= other.upper && (!other.discrete() || discrete());
    }
};

/// A kldiv distribution: a value type with `value_type` and the tag `is_kldiv_distribution`,
/// found by the free functions log_pdf, sample, entropy, mean, variance, support (ADL).
template <class D>
concept distribution = requires {
    typename D::value_type;
    requires D::is_kldiv_distribution;
};

/// A distribution whose support kind and end-point ranges are known at compile time (every
/// kldiv family): `D::support_at_compile_time` is a static_support.
template <class D>
concept with_static_support = distribution<D> && requires {
    { D::support_at_compile_time } -> std::convertible_to<static_support>;
};

namespace detail {

/// Throws unless v is finite: "kldiv::<family>: <name> must be finite, got <v>".
template <class T>
void require_finite(const char* family, const char* name, T v) {
    if (!std::isfinite(v)) fail(family, std::string(name) + " must be finite", v);
}

/// Throws unless v > 0 and finite.
template <class T>
void require_positive(const char* family, const char* name, T v) {
    if (!(v > T(0)) || !std::isfinite(v)) fail(family, std::string(name) + " must be positive and finite", v);
}

/// (x − y)/s for finite x, y and s > 0 without overflow in x − y (which reaches 2·DBL_MAX):
/// when the difference overflows it is formed from the halves, 2·((x/2 − y/2)/s) (halving
/// is exact there: both are far above the subnormal range). ±inf only when the quotient is.
template <class T>
T scaled_difference(T x, T y, T s) noexcept {
    const T d = x - y;
    if (std::isfinite(d)) return d / s;
    return T(2) * ((x / T(2) - y / T(2)) / s);
}

/// log(high − low) for finite low < high, also when the width overflows (uniform(−1.5e308,
/// 1.5e308) has entropy 710.29, not +inf).
template <class T>
T log_width(T low, T high) noexcept {
    const T w = high - low;
    if (std::isfinite(w)) return std::log(w);
    return std::log(high / T(2) - low / T(2)) + std::numbers::ln2_v<T>;
}

/// log(a·b) for a, b > 0 without over- or underflow of the product.
template <class T>
T log_product(T a, T b) noexcept {
    const T ab = a * b;
    if (ab >= std::numeric_limits<T>::min() && ab <= std::numeric_limits<T>::max()) return std::log(ab);
    return std::log(a) + std::log(b);
}

/// A draw x of a family whose support is unbounded, rounded into the finite numbers: a value
/// beyond ±max (an overflow of location + scale·z) is returned as ±max, the nearest point of
/// the support that the format holds, so that every sample has a finite log density.
template <class T>
T clamp_to_finite(T x) noexcept {
    constexpr T largest = std::numeric_limits<T>::max();
    return x > largest ? largest : (x < -largest ? -largest : x);
}

/// The parameters of a location–scale family (Laplace, Cauchy, Gumbel): loc finite, scale > 0
/// and finite, validated with the family's name in the message.
template <class T>
class location_scale {
public:
    [[nodiscard]] T loc() const noexcept { return loc_; }
    [[nodiscard]] T scale() const noexcept { return scale_; }

protected:
    location_scale(const char* family, T loc, T scale) : loc_(loc), scale_(scale) {
        require_finite(family, "loc", loc);
        require_positive(family, "scale", scale);
    }

private:
    T loc_;
    T scale_;
};

}  // namespace detail

/// log_pdf at every x into out, for any family (sizes must match, else kldiv::domain_error).
/// Families with a faster batched form (normal) provide their own overload.
template <distribution D>
void log_pdf(const D& d, std::span<const typename D::value_type> x, std::span<typename D::value_type> out) {
    detail::require_same_size("log_pdf", x.size(), out.size());
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = log_pdf(d, x[i]);
}

/// log P(X = x) for the discrete families: the same function as log_pdf.
template <distribution D>
[[nodiscard]] typename D::value_type log_pmf(const D& d, typename D::value_type x) noexcept {
    return log_pdf(d, x);
}

/// Fills out with independent samples of any family, in order (reproducible for an engine state).
template <distribution D, std::uniform_random_bit_generator Engine>
void sample(const D& d, Engine& engine, std::span<typename D::value_type> out) noexcept {
    for (auto& v : out) v = sample(d, engine);
}

}  // namespace kldiv
