// The SIMD layer: run-time instruction-set dispatch, element-wise array functions (exp, log and the
// residuals) and the kernels behind discrete/ and estimators/. Guarantees: every path matches the
// scalar reference within the documented ulp bounds. (simd/detail/ is private.)
#pragma once

#include "kldiv/simd/dispatch.hpp"
#include "kldiv/simd/elementwise.hpp"
#include "kldiv/simd/js_kernel.hpp"
#include "kldiv/simd/log_ratio_kernel.hpp"
#include "kldiv/simd/logits_kernel.hpp"
#include "kldiv/simd/probability_kernel.hpp"
