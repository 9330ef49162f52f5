// High-precision reference values (GCC's __float128, 113-bit significand) and ulp distances.
// Shares no code with the library: series and libquadmath functions evaluated in quad precision.
#pragma once

#include <quadmath.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace kldiv::test {

using quad = __float128;

/// eˣ − 1 − x: Taylor series near 0 (where expm1q(x) − x would cancel), else expm1q(x) − x,
/// which loses at most 8 of 113 bits for |x| ≥ 0.01.
inline quad ref_expm1mx(quad x) {
    if (fabsq(x) < quad(0.01)) {
        quad sum = 0, term = x * x / 2;
        for (int n = 2; n < 40; ++n) {
            sum += term;
            term *= x / (n + 1);
        }
        return sum;
    }
    return expm1q(x) - x;
}

/// log(1 + x) − x: alternating series near 0, else log1pq(x) − x.
inline quad ref_log1pmx(quad x) {
    if (fabsq(x) < quad(0.01)) {
        quad sum = 0, power = x * x;
        for (int n = 2; n < 40; ++n) {
            sum += (n % 2 == 0 ? -power : power) / n;
            power *= x;
        }
        return sum;
    }
    return log1pq(x) - x;
}

/// r·l − (r − 1) with r = eˡ: Σ (n − 1)/n!·lⁿ near 0, else 1 + (l − 1)·eˡ.
inline quad ref_rlogr_residual(quad l) {
    if (fabsq(l) < quad(0.01)) {
        quad sum = 0, power = l * l, factorial = 2;
        for (int n = 2; n < 40; ++n) {
            sum += (n - 1) * power / factorial;
            power *= l;
            factorial *= n + 1;
        }
        return sum;
    }
    return 1 + (l - 1) * expq(l);
}

/// ψ(x) in quad precision for x > 0: recurrence to x ≥ 40, then the asymptotic series (terms to
/// x⁻¹⁴, below 1e-28 there).
inline quad ref_digamma(quad x) {
    quad shift = 0;
    while (x < 40) {
        shift -= 1 / x;
        x += 1;
    }
    const quad r = 1 / (x * x);
    const quad series = r * (quad(1) / 12 - r * (quad(1) / 120 - r * (quad(1) / 252 - r * (quad(1) / 240 -
                                 r * (quad(1) / 132 - r * (quad(691) / 32760 - r / 12))))));
    return shift + logq(x) - quad(0.5) / x - series;
}

/// Distance of a result from the reference in units in the last place of T at the reference
/// (below the smallest normal, the subnormal spacing). Infinities must match exactly; NaN
/// against a number counts as a failure (returned as +inf).
template <class T>
double ulp_error(T got, quad reference) {
    if (std::isnan(got) || isnanq(reference)) return (std::isnan(got) && isnanq(reference)) ? 0.0 : HUGE_VAL;
    if (isinfq(reference) || std::isinf(got)) {
        const bool same = std::isinf(got) && isinfq(reference) && ((got > 0) == (reference > 0));
        if (same) return 0.0;
        // A finite reference beyond T's range rounds to inf legitimately.
        if (std::isinf(got) && !isinfq(reference) && fabsq(reference) > quad(std::numeric_limits<T>::max())) return 0.0;
        return HUGE_VAL;
    }
    int exponent = 0;
    frexpq(reference, &exponent);
    exponent = std::max(exponent, std::numeric_limits<T>::min_exponent);
    const quad ulp = ldexpq(quad(1), exponent - std::numeric_limits<T>::digits);
    return static_cast<double>(fabsq((quad(got) - reference) / ulp));
}

/// Number of random points per accuracy sweep: 10⁶ by default, KLDIV_ACCURACY_POINTS to change
/// (the sanitizer build lowers it).
inline long accuracy_points() {
    if (const char* text = std::getenv("KLDIV_ACCURACY_POINTS")) return std::max(1000L, std::atol(text));
    return 1000000;
}

}  // namespace kldiv::test
