// Test helpers for the SIMD layer: the instruction sets this CPU can run, a guard that lifts any
// limit when a test ends, and the number of random points for accuracy sweeps.
#pragma once

#include <cstdlib>
#include <vector>

#include "kldiv/simd/dispatch.hpp"

namespace kldiv::test {

/// scalar, then avx2+fma and avx512 where the CPU has them: force each path in turn with limit_isa.
inline std::vector<kldiv::simd::isa> available_isas() {
    std::vector<kldiv::simd::isa> sets;
    for (const auto set : {kldiv::simd::isa::scalar, kldiv::simd::isa::avx2_fma, kldiv::simd::isa::avx512})
        if (static_cast<int>(set) <= static_cast<int>(kldiv::simd::detected_isa())) sets.push_back(set);
    return sets;
}

/// Restores the widest instruction set when a test ends, however it ends.
struct isa_guard {
    isa_guard() = default;
    isa_guard(const isa_guard&) = delete;
    isa_guard& operator=(const isa_guard&) = delete;
    ~isa_guard() { kldiv::simd::limit_isa(kldiv::simd::isa::avx512); }
};

/// Random points per accuracy sweep: KLDIV_ACCURACY_POINTS (CI's sanitizer run uses fewer), else 10⁶.
inline long random_points() {
    const char* text = std::getenv("KLDIV_ACCURACY_POINTS");
    return text ? std::atol(text) : 1000000;
}

}  // namespace kldiv::test
