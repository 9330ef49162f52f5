// The fast path for float input, W floats at a time on GCC vector types: each half of W/2
// floats is widened to one register of doubles (exact, and ℓ = log p − log q of two floats is
// exact in double), where φ(ℓ) = eˡ − 1 − ℓ and ρ(ℓ) = 1 + (ℓ − 1)eˡ need only a plain
// exponential and short series to beat float precision by five orders. Lanes with |ℓ| > 640,
// inf or NaN are flagged, and their group goes to the double-word path (every special value).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kldiv/simd/dispatch.hpp"
#include "kldiv/simd/residuals.hpp"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(KLDIV_FORCE_SCALAR)
#define KLDIV_HAVE_FLOAT_LANES 1
#endif

#if defined(KLDIV_HAVE_FLOAT_LANES)
// Vector arguments only ever cross always_inline calls, so the ABI notes do not apply (the
// warning is not restored: it is raised where templates are instantiated, after this header).
#pragma GCC diagnostic ignored "-Wpsabi"

namespace kldiv::simd::detail {

/// W/2 floats, W floats, W/2 doubles (one register of the set) and W/2 int64 as GCC vector types, for
/// a set with W float lanes. Spelled out per width: GCC ignores a vector_size that depends on a
/// template parameter.
template <int W>
struct vector_types;
template <>
struct vector_types<4> {
    typedef float hf __attribute__((vector_size(8)));
    typedef float ff __attribute__((vector_size(16)));
    typedef double hd __attribute__((vector_size(16)));
    typedef std::int64_t hi __attribute__((vector_size(16)));
};
template <>
struct vector_types<8> {
    typedef float hf __attribute__((vector_size(16)));
    typedef float ff __attribute__((vector_size(32)));
    typedef double hd __attribute__((vector_size(32)));
    typedef std::int64_t hi __attribute__((vector_size(32)));
};
template <>
struct vector_types<16> {
    typedef float hf __attribute__((vector_size(32)));
    typedef float ff __attribute__((vector_size(64)));
    typedef double hd __attribute__((vector_size(64)));
    typedef std::int64_t hi __attribute__((vector_size(64)));
};

template <int W>
struct lanes {
    using hf = typename vector_types<W>::hf;  // W/2 floats
    using ff = typename vector_types<W>::ff;  // W floats: one register
    using hd = typename vector_types<W>::hd;  // W/2 doubles: one register
    using hi = typename vector_types<W>::hi;

    /// W/2 floats from p, widened to doubles.
    KLDIV_VECTOR_INLINE static hd load_half(const float* p) noexcept {
        hf v;
        std::memcpy(&v, p, sizeof v);
        return __builtin_convertvector(v, hd);
    }
    KLDIV_VECTOR_INLINE static void store_half(float* p, const hd& v) noexcept {
        const hf narrow = __builtin_convertvector(v, hf);
        std::memcpy(p, &narrow, sizeof narrow);
    }
    KLDIV_VECTOR_INLINE static hd abs(const hd& v) noexcept {
        hi bits;
        std::memcpy(&bits, &v, sizeof bits);
        bits &= 0x7fffffffffffffffLL;
        hd result;
        std::memcpy(&result, &bits, sizeof result);
        return result;
    }
    KLDIV_VECTOR_INLINE static double lane_sum(const hd& v) noexcept {
        double total = 0;
        for (int j = 0; j < W / 2; ++j) total += v[j];
        return total;
    }
};

/// Watches ℓ of every lane for leaving the double lanes' range (|ℓ| > 640, inf, NaN). Below
/// 640, ρ(ℓ) < 10²⁸¹, so a block's sums of 2048 values cannot overflow.
template <int W>
struct double_range_watch {
    static constexpr double fast_limit = 640.0;
    using L = lanes<W>;
    typename L::hd largest{}, non_finite{};
    KLDIV_VECTOR_INLINE void see(const typename L::hd& l) noexcept {
        const typename L::hd magnitude = L::abs(l);
        largest = (magnitude > largest) ? magnitude : largest;
        non_finite += l - l;
    }
    [[nodiscard]] bool in_range() const noexcept {
        for (int j = 0; j < W / 2; ++j)
            if (!(largest[j] <= fast_limit) || non_finite[j] != 0.0) return false;
        return true;
    }
};

/// φ(ℓ) and ρ(ℓ) in double lanes to about 1e-12 relative — far below a float ulp, so rounded
/// to float they are within 0.5 ulp + 1e-12 — for |ℓ| ≤ 640 (ℓ from float inputs is exact in
/// double). Cheaper than the ≤ 2 ulp double-word path: a plain reduced exponential, the direct
/// forms (eˡ − 1) − ℓ and 1 + (ℓ − 1)eˡ where they cancel by less than 2¹³ (|ℓ| ≥ 1/64), and
/// short Taylor series below.
template <class HD>
struct float_grade_lanes {
    HD phi, rho;
};

template <int W>
KLDIV_VECTOR_INLINE float_grade_lanes<typename lanes<W>::hd> float_grade_of(const typename lanes<W>::hd& l) noexcept {
    using L = lanes<W>;
    using D = typename L::hd;
    using I = typename L::hi;
    constexpr double shifter = 0x1.8p52;
    const D shifted = l * 1.4426950408889634 + shifter;
    D shifter_vector = D{} + shifter;
    I shifted_bits, shifter_bits;
    std::memcpy(&shifted_bits, &shifted, sizeof shifted_bits);
    std::memcpy(&shifter_bits, &shifter_vector, sizeof shifter_bits);
    const I k = shifted_bits - shifter_bits;
    const D kf = shifted - shifter;
    const D t = (l - kf * 0x1.62e42fefa3800p-1) - kf * 0x1.ef35793c76730p-45;
    const D t2 = t * t;
    // eᵗ = 1 + t + t²·Σ tⁿ/(n+2)!, n = 0…9 (truncation < 10⁻¹⁴ for |t| ≤ ln2/2), even/odd in t².
    const D even = ((((1.0 / 3628800 * t2 + 1.0 / 40320) * t2 + 1.0 / 720) * t2 + 1.0 / 24) * t2 + 0.5);
    const D odd = ((((1.0 / 39916800 * t2 + 1.0 / 362880) * t2 + 1.0 / 5040) * t2 + 1.0 / 120) * t2 + 1.0 / 6);
    const D e_t = (t2 * (even + t * odd) + t) + 1.0;
    const I scale_bits = (k + 1023) << 52;
    D scale;
    std::memcpy(&scale, &scale_bits, sizeof scale);
    const D e = e_t * scale;
    const D l2 = l * l;
    const D series_phi =
        l2 * (0.5 + l * (1.0 / 6 + l * (1.0 / 24 + l * (1.0 / 120 + l * (1.0 / 720 + l * (1.0 / 5040))))));
    const D series_rho =
        l2 * (0.5 + l * (2.0 / 6 + l * (3.0 / 24 + l * (4.0 / 120 + l * (5.0 / 720 + l * (6.0 / 5040))))));
    const D magnitude = L::abs(l);
    float_grade_lanes<D> out;
    out.phi = (magnitude < 0.015625) ? series_phi : (e - 1.0) - l;
    out.rho = (magnitude < 0.015625) ? series_rho : (l - 1.0) * e + 1.0;
    return out;
}

}  // namespace kldiv::simd::detail

#endif
