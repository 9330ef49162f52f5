// The distributions layer: validated value types with log-density, sampling and moments.
// Guarantees: every family's constructor rejects invalid parameters with kldiv::domain_error.
#pragma once

#include "kldiv/distributions/bernoulli.hpp"
#include "kldiv/distributions/beta.hpp"
#include "kldiv/distributions/binomial.hpp"
#include "kldiv/distributions/categorical.hpp"
#include "kldiv/distributions/cauchy.hpp"
#include "kldiv/distributions/dirichlet.hpp"
#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/exponential.hpp"
#include "kldiv/distributions/gamma.hpp"
#include "kldiv/distributions/geometric.hpp"
#include "kldiv/distributions/gumbel.hpp"
#include "kldiv/distributions/half_normal.hpp"
#include "kldiv/distributions/laplace.hpp"
#include "kldiv/distributions/log_normal.hpp"
#include "kldiv/distributions/mixture.hpp"
#include "kldiv/distributions/mv_normal.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/pareto.hpp"
#include "kldiv/distributions/poisson.hpp"
#include "kldiv/distributions/uniform.hpp"
