// Which instruction set kldiv's kernels run on: detected once at run time (a default build with
// no -march flag still uses AVX-512 or AVX2), or limited for testing. In core/ because the scalar
// residuals (core/expm1mx.hpp) dispatch on it too; the kernels' dispatch is simd/dispatch.hpp.
#pragma once

#include <atomic>

// x86-64 with GCC or clang: functions can be compiled for AVX2+FMA and AVX-512 beside the
// default target and chosen at run time (KLDIV_FORCE_SCALAR turns this off).
#if defined(__GNUC__) && defined(__x86_64__) && !defined(KLDIV_FORCE_SCALAR)
#define KLDIV_HAVE_X86_KERNELS 1
#endif

namespace kldiv::simd {

/// The instruction sets kldiv's kernels are compiled for.
enum class isa {
    scalar,    ///< portable C++: the reference path (no FMA instruction assumed)
    avx2_fma,  ///< x86-64 AVX2 + FMA
    avx512,    ///< x86-64 AVX-512 F/DQ/VL (+ FMA)
};

/// A readable name: "scalar", "avx2+fma", "avx512".
constexpr const char* name(isa set) noexcept {
    switch (set) {
        case isa::avx512:
            return "avx512";
        case isa::avx2_fma:
            return "avx2+fma";
        default:
            return "scalar";
    }
}

/// The widest set this CPU supports, detected once (scalar when KLDIV_FORCE_SCALAR is defined
/// or on compilers/architectures without the x86 builtins).
inline isa detected_isa() noexcept {
#if defined(KLDIV_FORCE_SCALAR) || !(defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__)))
    return isa::scalar;
#else
    static const isa detected = [] {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma"))
            return isa::avx512;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return isa::avx2_fma;
        return isa::scalar;
    }();
    return detected;
#endif
}

namespace detail {
inline std::atomic<int>& isa_override() noexcept {
    static std::atomic<int> value{-1};
    return value;
}
}  // namespace detail

/// The set the kernels use now: detected_isa(), unless limited by limit_isa().
inline isa active_isa() noexcept {
    const int limit = detail::isa_override().load(std::memory_order_relaxed);
    const isa detected = detected_isa();
    return (limit >= 0 && limit < static_cast<int>(detected)) ? static_cast<isa>(limit) : detected;
}

/// Limits the kernels to `set` or below (never above what the CPU has), for tests and for
/// comparing paths; returns the previous limit. limit_isa(isa::avx512) lifts any limit.
inline isa limit_isa(isa set) noexcept {
    const int previous = detail::isa_override().exchange(static_cast<int>(set));
    return previous < 0 ? isa::avx512 : static_cast<isa>(previous);
}

}  // namespace kldiv::simd
