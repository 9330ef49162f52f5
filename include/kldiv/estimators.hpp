// The estimators layer: Monte Carlo KL and f-divergence estimates from log-probabilities, with
// error bars, and the gradient semantics of each estimator.
#pragma once

#include "kldiv/estimators/f_divergence.hpp"
#include "kldiv/estimators/gradients.hpp"
#include "kldiv/estimators/kl_estimator.hpp"
#include "kldiv/estimators/kl_estimates.hpp"
#include "kldiv/estimators/serialization.hpp"
