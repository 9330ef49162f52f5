// The GCC vector-type machinery of the float-input kernels, and only that: W floats at a time, each
// half of W/2 floats widened to one register of doubles (exact; ℓ = log p − log q of two floats
// is exact in double), loads, stores, masks, lane sums, the range watch and Horner's rule in
// lanes. What is evaluated in the lanes is elsewhere (exp_residuals.hpp, the kernels).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kldiv/core/half_precision.hpp"
#include "kldiv/simd/detail/arithmetic.hpp"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(KLDIV_FORCE_SCALAR)
#define KLDIV_HAVE_FLOAT_LANES 1
#endif

#if defined(KLDIV_HAVE_FLOAT_LANES)
// Vector arguments only ever cross always_inline calls, so the ABI notes do not apply (the
// warning is not restored: it is raised where templates are instantiated, after this header).
#pragma GCC diagnostic ignored "-Wpsabi"

namespace kldiv::simd::detail {

/// W/2 floats, W floats, W/2 doubles (one register of the set), W/2 int64, W int32 and the 16- and 32-bit
/// unsigned integers of W/2 or W bfloat16 as GCC vector types, for a set with W float lanes. Spelled out per width: GCC ignores a vector_size that depends on a
/// template parameter.
template <int W>
struct vector_types;
template <>
struct vector_types<4> {
    typedef float hf __attribute__((vector_size(8)));
    typedef float ff __attribute__((vector_size(16)));
    typedef double hd __attribute__((vector_size(16)));
    typedef std::int64_t hi __attribute__((vector_size(16)));
    typedef std::uint16_t hu16 __attribute__((vector_size(4)));
    typedef std::uint32_t hu32 __attribute__((vector_size(8)));
    typedef std::uint16_t fu16 __attribute__((vector_size(8)));
    typedef std::int16_t fi16 __attribute__((vector_size(8)));
    typedef std::uint32_t fu32 __attribute__((vector_size(16)));
    typedef std::int32_t fi32 __attribute__((vector_size(16)));
};
template <>
struct vector_types<8> {
    typedef float hf __attribute__((vector_size(16)));
    typedef float ff __attribute__((vector_size(32)));
    typedef double hd __attribute__((vector_size(32)));
    typedef std::int64_t hi __attribute__((vector_size(32)));
    typedef std::uint16_t hu16 __attribute__((vector_size(8)));
    typedef std::uint32_t hu32 __attribute__((vector_size(16)));
    typedef std::uint16_t fu16 __attribute__((vector_size(16)));
    typedef std::int16_t fi16 __attribute__((vector_size(16)));
    typedef std::uint32_t fu32 __attribute__((vector_size(32)));
    typedef std::int32_t fi32 __attribute__((vector_size(32)));
};
template <>
struct vector_types<16> {
    typedef float hf __attribute__((vector_size(32)));
    typedef float ff __attribute__((vector_size(64)));
    typedef double hd __attribute__((vector_size(64)));
    typedef std::int64_t hi __attribute__((vector_size(64)));
    typedef std::uint16_t hu16 __attribute__((vector_size(16)));
    typedef std::uint32_t hu32 __attribute__((vector_size(32)));
    typedef std::uint16_t fu16 __attribute__((vector_size(32)));
    typedef std::int16_t fi16 __attribute__((vector_size(32)));
    typedef std::uint32_t fu32 __attribute__((vector_size(64)));
    typedef std::int32_t fi32 __attribute__((vector_size(64)));
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
    /// The two halves of a float register widened to doubles (exact). Written out for W ≥ 8: GCC 12
    /// converts a half taken by a shuffle two floats at a time through the stack.
    KLDIV_VECTOR_INLINE static void halves(const ff& v, hd& low, hd& high) noexcept {
        if constexpr (W == 16) {
            hf upper;
            asm("vextractf64x4 $1, %1, %0" : "=v"(upper) : "v"(v));
            asm("vcvtps2pd %t1, %0" : "=v"(low) : "v"(v));
            asm("vcvtps2pd %1, %0" : "=v"(high) : "v"(upper));
        } else if constexpr (W == 8) {
            hf upper;
            asm("vextractf128 $1, %1, %0" : "=x"(upper) : "x"(v));
            asm("vcvtps2pd %x1, %0" : "=x"(low) : "x"(v));
            asm("vcvtps2pd %1, %0" : "=x"(high) : "x"(upper));
        } else {
            low = hd{v[0], v[1]};
            high = hd{v[2], v[3]};
        }
    }
    /// The two halves' sum in double (one rounding).
    KLDIV_VECTOR_INLINE static hd halves_sum(const ff& v) noexcept {
        hd low, high;
        halves(v, low, high);
        return low + high;
    }
    /// bfloat16 from p as floats (Out: hf or ff), via their 16-bit (Narrow) and 32-bit (Wide)
    /// integer vectors: each bfloat16 is the upper half of its float's bits.
    template <class Out, class Narrow, class Wide>
    KLDIV_VECTOR_INLINE static Out bfloat16_as_floats(const bfloat16* p) noexcept {
        Narrow raw;
        std::memcpy(&raw, p, sizeof raw);
        const Wide bits = __builtin_convertvector(raw, Wide) << 16;
        Out v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    /// W/2 bfloat16 from p, widened exactly to doubles.
    KLDIV_VECTOR_INLINE static hd load_half(const bfloat16* p) noexcept {
        using T = vector_types<W>;
        return __builtin_convertvector((bfloat16_as_floats<hf, typename T::hu16, typename T::hu32>(p)), hd);
    }
    /// W floats from p (one register).
    KLDIV_VECTOR_INLINE static ff load_full(const float* p) noexcept {
        ff v;
        std::memcpy(&v, p, sizeof v);
        return v;
    }
    /// W bfloat16 from p, widened exactly to floats.
    KLDIV_VECTOR_INLINE static ff load_full(const bfloat16* p) noexcept {
        using T = vector_types<W>;
        return bfloat16_as_floats<ff, typename T::fu16, typename T::fu32>(p);
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
    /// v where mask is set, +0 elsewhere (bitwise: NaN and inf lanes are cleared too), for an
    /// integer mask of v's size (hi for hd, fu32 for ff).
    template <class Mask, class V>
    KLDIV_VECTOR_INLINE static V keep_where(const Mask& mask, const V& v) noexcept {
        static_assert(sizeof(Mask) == sizeof(V), "one mask bit per bit of v");
        Mask bits;
        std::memcpy(&bits, &v, sizeof bits);
        bits &= mask;
        V result;
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
    /// Whether any of the W 32-bit lanes of v has its top bit set: top_bits for W ≥ 8, the lanes
    /// OR-ed in halves by shuffles for W = 4.
    KLDIV_VECTOR_INLINE static bool any_top_bit(const typename vector_types<W>::fu32& v) noexcept {
        if constexpr (W >= 8) {
            return top_bits(v) != 0;
        } else {
            auto folded = v | __builtin_shufflevector(v, v, 2, 3, 0, 1);
            folded |= __builtin_shufflevector(folded, folded, 1, 0, 3, 2);
            return (folded[0] >> 31) != 0;
        }
    }
    /// The top bits of the W 32-bit lanes of v as a bit mask (lane j in bit j), W ≥ 8: one mask
    /// instruction (written out, as in load_half).
    KLDIV_VECTOR_INLINE static unsigned top_bits(const typename vector_types<W>::fu32& v) noexcept {
        static_assert(W >= 8, "one mask instruction from 256 bits up");
        if constexpr (W == 16) {
            unsigned short signs;
            asm("vpmovd2m %1, %0" : "=k"(signs) : "v"(v));
            return signs;
        } else {
            int signs;
            asm("vmovmskps %1, %0" : "=r"(signs) : "x"(v));
            return static_cast<unsigned>(signs);
        }
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

/// c[0] + c[1]·t + … + c[N−1]·t^(N−1) from the first N ≤ size coefficients of c, by Horner's rule
/// in double lanes (a prefix: js_kernel.hpp takes as many atanh terms as its tier needs).
template <int W, std::size_t N, std::size_t M>
KLDIV_VECTOR_INLINE typename lanes<W>::hd horner_prefix(const typename lanes<W>::hd& t, const double (&c)[M]) noexcept {
    static_assert(N >= 1 && N <= M);
    typename lanes<W>::hd result = typename lanes<W>::hd{} + c[N - 1];
    for (std::size_t i = N - 1; i-- > 0;) result = result * t + c[i];
    return result;
}

/// c[0] + c[1]·t + … over all of c.
template <int W, std::size_t N>
KLDIV_VECTOR_INLINE typename lanes<W>::hd horner_lanes(const typename lanes<W>::hd& t, const double (&c)[N]) noexcept {
    return horner_prefix<W, N>(t, c);
}

}  // namespace kldiv::simd::detail

#endif
