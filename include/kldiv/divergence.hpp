// The divergence layer: closed-form KL between distributions and the Monte Carlo fallback.
// Guarantees: +inf on support mismatch; pairs without a closed form fail to compile unless
// Monte Carlo options are given.
#pragma once

#include "kldiv/divergence/chi_weibull_closed_forms.hpp"
#include "kldiv/divergence/closed_form.hpp"
#include "kldiv/divergence/composite_closed_forms.hpp"
#include "kldiv/divergence/continuous_bernoulli_closed_forms.hpp"
#include "kldiv/divergence/cross_family_closed_forms.hpp"
#include "kldiv/divergence/discrete_closed_form.hpp"
#include "kldiv/divergence/gamma_beta_closed_forms.hpp"
#include "kldiv/divergence/inverse_gamma_closed_form.hpp"
#include "kldiv/divergence/low_rank_closed_forms.hpp"
#include "kldiv/divergence/monte_carlo.hpp"
#include "kldiv/divergence/more_closed_forms.hpp"
#include "kldiv/divergence/von_mises_closed_form.hpp"
