// Runs a kernel compiled for each instruction set, chosen at run time (the detection and
// simd::limit_isa live in core/instruction_set.hpp).
#pragma once

#include "kldiv/core/instruction_set.hpp"

namespace kldiv::simd {

namespace detail {

// Runs Body::template run<UseFma>(args...) compiled for each instruction set, chosen at run time.
// Body::run must be always_inline so that it is compiled inside each target function.
#if defined(KLDIV_HAVE_X86_KERNELS)
template <class Body, class... Args>
[[gnu::target("avx512f,avx512dq,avx512vl,avx2,fma")]] void run_avx512(Args&&... args) noexcept {
    Body::template run<true>(static_cast<Args&&>(args)...);
}
template <class Body, class... Args>
[[gnu::target("avx2,fma")]] void run_avx2(Args&&... args) noexcept {
    Body::template run<true>(static_cast<Args&&>(args)...);
}
#endif

// The same for kernels written on GCC vector types (simd/detail/lanes.hpp): Body::run<Lanes>
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
