// The divergence layer: closed-form KL between distributions and the Monte Carlo fallback.
// Guarantees: +inf on support mismatch; pairs without a closed form fail to compile unless
// Monte Carlo options are given.
#pragma once

#include "kldiv/divergence/cross_family.hpp"
#include "kldiv/divergence/float_closed_forms.hpp"
#include "kldiv/divergence/kl_divergence.hpp"
#include "kldiv/divergence/monte_carlo.hpp"
#include "kldiv/divergence/same_family.hpp"
#include "kldiv/divergence/support_mismatch.hpp"
