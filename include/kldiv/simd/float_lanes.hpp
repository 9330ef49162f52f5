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
    using hi = typename vector_types<W>::hi;  // W/2 int64: lane masks (−1 or 0)

    /// W/2 floats from p, widened to doubles.
    KLDIV_VECTOR_INLINE static hd load_half(const float* p) noexcept {
        if constexpr (W == 16) {
            // GCC 12 widens 8 floats to a 512-bit register as two 128 → 256-bit conversions plus
            // an extract and an insert (5 instructions); AVX-512F has it as one. An intrinsic
            // cannot be inlined through the target-less templates here, so the instruction is
            // written out; W = 16 is only instantiated in the AVX-512 clone.
            hd v;
            asm("vcvtps2pd %1, %0" : "=v"(v) : "m"(*reinterpret_cast<const hf*>(p)));
            return v;
        } else {
            hf v;
            std::memcpy(&v, p, sizeof v);
            return __builtin_convertvector(v, hd);
        }
    }
    KLDIV_VECTOR_INLINE static void store_half(float* p, const hd& v) noexcept {
        const hf narrow = __builtin_convertvector(v, hf);
        std::memcpy(p, &narrow, sizeof narrow);
    }
    /// The lane mask (−1 where the byte is non-zero) of W/2 bytes from p: the bytes read as one
    /// integer, copied to every lane and shifted into place (GCC 12 widens a byte vector to
    /// int64 lanes one byte at a time: ~25 instructions per register instead of 4).
    KLDIV_VECTOR_INLINE static hi load_mask(const std::uint8_t* p) noexcept {
        std::uint64_t bits = 0;
        std::memcpy(&bits, p, W / 2);  // little-endian: byte j in bits 8j … 8j + 7
        hi shifts;
        for (int j = 0; j < W / 2; ++j) shifts[j] = 8 * j;
        return (((hi{} + static_cast<std::int64_t>(bits)) >> shifts) & 0xff) != 0;
    }
    /// v where mask is set, +0 elsewhere (bitwise: NaN and inf lanes are cleared too).
    KLDIV_VECTOR_INLINE static hd keep_where(const hi& mask, const hd& v) noexcept {
        hi bits;
        std::memcpy(&bits, &v, sizeof bits);
        bits &= mask;
        hd result;
        std::memcpy(&result, &bits, sizeof result);
        return result;
    }
    KLDIV_VECTOR_INLINE static hd abs(const hd& v) noexcept {
        hi bits;
        std::memcpy(&bits, &v, sizeof bits);
        bits &= 0x7fffffffffffffffLL;
        hd result;
        std::memcpy(&result, &bits, sizeof result);
        return result;
    }
    /// Whether any lane of v is ≥ limit (NaN lanes may or may not count): the lane maximum folded
    /// in halves by shuffles, one comparison.
    KLDIV_VECTOR_INLINE static bool any_at_least(const hd& values, double limit) noexcept {
        hd v = values;
        if constexpr (W == 16) {
            const hd upper = __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3);
            v = (v > upper) ? v : upper;
            const hd pair = __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5);
            v = (v > pair) ? v : pair;
            const hd odd = __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6);
            v = (v > odd) ? v : odd;
        } else if constexpr (W == 8) {
            const hd upper = __builtin_shufflevector(v, v, 2, 3, 0, 1);
            v = (v > upper) ? v : upper;
            const hd odd = __builtin_shufflevector(v, v, 1, 0, 3, 2);
            v = (v > odd) ? v : odd;
        } else {
            const hd odd = __builtin_shufflevector(v, v, 1, 0);
            v = (v > odd) ? v : odd;
        }
        return v[0] >= limit;
    }
    KLDIV_VECTOR_INLINE static double lane_sum(const hd& v) noexcept {
        double total = 0;
        for (int j = 0; j < W / 2; ++j) total += v[j];
        return total;
    }
    KLDIV_VECTOR_INLINE static std::int64_t lane_sum(const hi& v) noexcept {
        std::int64_t total = 0;
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

/// The reduction x = k·ln2 + t, |t| ≤ ln2/2, of eˣ for |x| ≤ 700 in double lanes, with 2ᵏ from
/// the exponent bits (lanes outside that range get garbage; callers select them away).
template <int W>
struct exp_reduction {
    typename lanes<W>::hd k, t, scale;  // k as a double holding an integer; scale = 2ᵏ
};

template <int W>
KLDIV_VECTOR_INLINE exp_reduction<W> reduce_exp(const typename lanes<W>::hd& x) noexcept {
    using D = typename lanes<W>::hd;
    using I = typename lanes<W>::hi;
    constexpr double shifter = 0x1.8p52;
    const D shifted = x * 1.4426950408889634 + shifter;
    const D shifter_vector = D{} + shifter;
    I shifted_bits, shifter_bits;
    std::memcpy(&shifted_bits, &shifted, sizeof shifted_bits);
    std::memcpy(&shifter_bits, &shifter_vector, sizeof shifter_bits);
    exp_reduction<W> r;
    r.k = shifted - shifter;
    r.t = (x - r.k * 0x1.62e42fefa3800p-1) - r.k * 0x1.ef35793c76730p-45;
    const I scale_bits = ((shifted_bits - shifter_bits) + 1023) << 52;
    std::memcpy(&r.scale, &scale_bits, sizeof r.scale);
    return r;
}

/// c[0] + c[1]·t + … by Horner's rule in double lanes.
template <int W, std::size_t N>
KLDIV_VECTOR_INLINE typename lanes<W>::hd horner_lanes(const typename lanes<W>::hd& t, const double (&c)[N]) noexcept {
    typename lanes<W>::hd result = typename lanes<W>::hd{} + c[N - 1];
    for (std::size_t i = N - 1; i-- > 0;) result = result * t + c[i];
    return result;
}

// g(t) = (eᵗ − 1 − t)/t² on |t| ≤ ln2/2, degree 8, near-minimax (tools/generate_exp_polynomials.py):
// 1.5e-14 relative, so φ(t) = t²·g(t) and eᵗ = 1 + t + φ(t) to ~2e-14.
inline constexpr double phi_over_t2_degree8[9] = {0x1.0000000000000p-1,  0x1.5555555553b7dp-3,  0x1.5555555554cb8p-5,
                                                  0x1.1111111c45d5bp-7,  0x1.6c16c1738ecf7p-10, 0x1.a019adabfb6abp-13,
                                                  0x1.a019c9ab213aap-16, 0x1.72c720b2e07bfp-19, 0x1.28803926c8ea8p-22};

/// φ(ℓ) = eˡ − 1 − ℓ and ρ(ℓ) = 1 + (ℓ − 1)eˡ in double lanes to about 1e-13 relative — far
/// below a float ulp, so rounded to float they are within 0.5 ulp + 1e-13 — for |ℓ| ≤ 640 (ℓ
/// from float inputs is exact in double). With ℓ = k·ln2 + t and φ(t) = t²·g(t):
///   k = 0: φ = φ(t), ρ = t² − φ(t) + t·φ(t) (no cancellation beyond a factor 2);
///   k ≠ 0: eˡ = 2ᵏ(1 + t + φ(t)), φ = (eˡ − 1) − ℓ and ρ = (ℓ − 1)eˡ + 1, which cancel by less
///          than 7× and 20× there (|ℓ| > ln2/2).
template <class HD>
struct float_grade_lanes {
    HD phi, rho;
    HD square;  // ℓ² (2·k2), which both evaluations have at hand
};

template <int W>
KLDIV_VECTOR_INLINE float_grade_lanes<typename lanes<W>::hd> float_grade_of(const typename lanes<W>::hd& l) noexcept {
    using D = typename lanes<W>::hd;
    const exp_reduction<W> r = reduce_exp<W>(l);
    const D t2 = r.t * r.t;
    const D phi_t = t2 * horner_lanes<W>(r.t, phi_over_t2_degree8);
    const D e = ((phi_t + r.t) + 1.0) * r.scale;
    const D rho_t = (t2 - phi_t) + r.t * phi_t;
    float_grade_lanes<D> out;
    out.phi = (r.k == 0.0) ? phi_t : (e - 1.0) - l;
    out.rho = (r.k == 0.0) ? rho_t : (l - 1.0) * e + 1.0;
    out.square = l * l;
    return out;
}

// g(l) = (eˡ − 1 − l)/l² on |l| ≤ 1, degree 11, near-minimax (tools/generate_exp_polynomials.py):
// 1.4e-14 relative.
inline constexpr double phi_over_l2_unit_degree11[12] = {
    0x1.fffffffffff9ap-2,  0x1.5555555555548p-3,  0x1.5555555563b32p-5,  0x1.1111111114e46p-7,
    0x1.6c16c15724e9bp-10, 0x1.a01a0194f26fcp-13, 0x1.a01a17f3de1a9p-16, 0x1.71de4639b431cp-19,
    0x1.27da3ae78ce94p-22, 0x1.ae58e200253c4p-26, 0x1.23b1d66b0b6e4p-29, 0x1.6638d02a28c3bp-33};

/// The magnitude below which small_float_grade_of applies.
inline constexpr double small_float_grade_limit = 1.0;

/// φ(ℓ) and ρ(ℓ) as float_grade_of, for |ℓ| < 1 only and at half its cost: no reduction,
/// φ = ℓ²·g(ℓ) and ρ = ℓ² + (ℓ − 1)·φ (an identity; it cancels by at most 3.8× at ℓ = −1), to
/// about 1e-13 relative. Other lanes get unspecified values.
template <int W>
KLDIV_VECTOR_INLINE float_grade_lanes<typename lanes<W>::hd> small_float_grade_of(
    const typename lanes<W>::hd& l) noexcept {
    using D = typename lanes<W>::hd;
    const D square = l * l;
    float_grade_lanes<D> out;
    out.phi = square * horner_lanes<W>(l, phi_over_l2_unit_degree11);
    out.rho = (l - 1.0) * out.phi + square;
    out.square = square;
    return out;
}

}  // namespace kldiv::simd::detail

#endif
