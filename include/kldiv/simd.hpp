// The SIMD layer: vectorisable residuals, run-time instruction-set dispatch, array kernels.
// Guarantees: every path matches the scalar reference within the documented ulp bounds.
#pragma once

#include "kldiv/simd/array_residuals.hpp"
#include "kldiv/simd/block_sum.hpp"
#include "kldiv/simd/discrete_kernel.hpp"
#include "kldiv/simd/dispatch.hpp"
#include "kldiv/simd/exp_log.hpp"
#include "kldiv/simd/log_ratio_kernel.hpp"
#include "kldiv/simd/log_residual.hpp"
#include "kldiv/simd/logits_kernel.hpp"
#include "kldiv/simd/ratio_residual.hpp"
#include "kldiv/simd/residuals.hpp"
