// Kept so that existing includes keep compiling: the array expm1mx, rlogr_residual and log1pmx now live in simd/elementwise.hpp.
#pragma once

#include "kldiv/simd/elementwise.hpp"
