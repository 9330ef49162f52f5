// The numerics core of kldiv: residuals, xlogy, log-sum-exp, summation, running statistics.
// Guarantees: each function's accuracy is stated in its own header and proven by a test.
#pragma once

#include "kldiv/core/concepts.hpp"
#include "kldiv/core/config.hpp"
#include "kldiv/core/constants.hpp"
#include "kldiv/core/error.hpp"
#include "kldiv/core/execution.hpp"
#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/half_precision.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/log_gamma.hpp"
#include "kldiv/core/log_ratio.hpp"
#include "kldiv/core/logsumexp.hpp"
#include "kldiv/core/modified_bessel.hpp"
#include "kldiv/core/real_vector.hpp"
#include "kldiv/core/running_stats.hpp"
#include "kldiv/core/summation.hpp"
#include "kldiv/core/xlogy.hpp"
