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

namespace kldiv {

/// The set a distribution puts its mass on: the interval [lower, upper] of the reals, or of
/// the integers when `discrete` is set (bounds may be ±inf).
template <real T>
struct support_set {
    T lower;
    T upper;
    bool discrete = false;

    /// Whether this support lies inside `other` (for KL(p‖q) < inf, supp p ⊆ supp q).
    [[nodiscard]] constexpr bool inside(const support_set& other) const noexcept {
        return lower >= other.lower && upper <= other.upper && (!other.discrete || discrete);
    }
};

/// A kldiv distribution: a value type with `value_type` and the tag `is_kldiv_distribution`,
/// found by the free functions log_pdf, sample, entropy, mean, variance, support (ADL).
template <class D>
concept distribution = requires {
    typename D::value_type;
    requires D::is_kldiv_distribution;
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

/// Checks the sizes of a batched call: out must hold one value per input.
inline void require_same_size(const char* function, std::size_t in, std::size_t out) {
    if (in != out)
        fail(function, "input and output sizes differ (" + std::to_string(in) + " and " + std::to_string(out) + ")");
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
