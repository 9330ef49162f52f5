// Which instruction set kldiv's kernels run on: detected once at run time (a default build with
// no -march flag still uses AVX-512 or AVX2), or forced to scalar for testing.
#pragma once

#include <atomic>

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

namespace detail {

// Runs Body::template run<UseFma>(args...) compiled for each instruction set, chosen at run time.
// Body::run must be always_inline so that it is compiled inside each target function.
#if defined(__GNUC__) && defined(__x86_64__) && !defined(KLDIV_FORCE_SCALAR)
#define KLDIV_HAVE_X86_KERNELS 1
template <class Body, class... Args>
[[gnu::target("avx512f,avx512dq,avx512vl,avx2,fma")]] void run_avx512(Args&&... args) noexcept {
    Body::template run<true>(static_cast<Args&&>(args)...);
}
template <class Body, class... Args>
[[gnu::target("avx2,fma")]] void run_avx2(Args&&... args) noexcept {
    Body::template run<true>(static_cast<Args&&>(args)...);
}
#endif

// The same for kernels written on GCC vector types (simd/float_lanes.hpp): Body::run<Lanes>
// gets the float lane count of the set (16, 8, or 4 = SSE2 on plain x86-64), and a*b + c may
// fuse into one FMA, which those kernels are written to tolerate (their error-free steps have
// no products).
#if defined(KLDIV_HAVE_X86_KERNELS)
template <class Body, class... Args>
[[gnu::target("avx512f,avx512dq,avx512vl,avx2,fma"), gnu::optimize("fp-contract=fast")]] void run_lanes_avx512(
    Args&&... args) noexcept {
    Body::template run<16>(static_cast<Args&&>(args)...);
}
template <class Body, class... Args>
[[gnu::target("avx2,fma"), gnu::optimize("fp-contract=fast")]] void run_lanes_avx2(Args&&... args) noexcept {
    Body::template run<8>(static_cast<Args&&>(args)...);
}
template <class Body, class... Args>
void dispatch_lanes(Args&&... args) noexcept {
    switch (active_isa()) {
        case isa::avx512:
            return run_lanes_avx512<Body>(static_cast<Args&&>(args)...);
        case isa::avx2_fma:
            return run_lanes_avx2<Body>(static_cast<Args&&>(args)...);
        default:
            return Body::template run<4>(static_cast<Args&&>(args)...);
    }
}
#endif

template <class Body, class... Args>
void dispatch(Args&&... args) noexcept {
#if defined(KLDIV_HAVE_X86_KERNELS)
    switch (active_isa()) {
        case isa::avx512:
            return run_avx512<Body>(static_cast<Args&&>(args)...);
        case isa::avx2_fma:
            return run_avx2<Body>(static_cast<Args&&>(args)...);
        default:
            break;
    }
#endif
    Body::template run<false>(static_cast<Args&&>(args)...);
}

}  // namespace detail
}  // namespace kldiv::simd
