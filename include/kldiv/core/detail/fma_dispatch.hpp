// The run-time FMA choice of the scalar core: a default x86-64 build has no FMA instruction
// (std::fma is a library call and the exact products fall back to Dekker's splitting, ~4× the
// work), so each scalar evaluator is also compiled for AVX2+FMA and chosen per call, as the SIMD
// kernels are (simd::limit_isa applies). One copy of the choice for every scalar residual.
#pragma once

#include "kldiv/core/detail/error_free.hpp"
#include "kldiv/core/instruction_set.hpp"

namespace kldiv::detail {

#if defined(KLDIV_HAVE_X86_KERNELS)
/// Evaluator::of<true>(x) compiled for AVX2+FMA.
template <class Evaluator, class T>
[[gnu::target("avx2,fma")]] inline T evaluate_with_fma(T x) noexcept {
    return Evaluator::template of<true>(x);
}
#endif

/// Evaluator::of<UseFma>(x) with FMA where the CPU has it: at compile time when std::fma is one
/// instruction, else through the AVX2+FMA clone whenever the active instruction set is not scalar.
template <class Evaluator, class T>
inline T fma_dispatched(T x) noexcept {
#if defined(KLDIV_HAVE_X86_KERNELS)
    if constexpr (!has_fast_fma<double>)
        if (simd::active_isa() != simd::isa::scalar) return evaluate_with_fma<Evaluator>(x);
#endif
    return Evaluator::template of<has_fast_fma<double>>(x);
}

}  // namespace kldiv::detail
