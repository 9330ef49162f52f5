// Kept so that existing includes keep compiling: the kernels over probability vectors now live in simd/probability_kernel.hpp.
#pragma once

#include "kldiv/simd/probability_kernel.hpp"
