// The distributions layer: validated value types with log-density, sampling and moments.
// Guarantees: every family's constructor rejects invalid parameters with kldiv::domain_error.
#pragma once

#include "kldiv/distributions/distribution.hpp"
#include "kldiv/distributions/exponential.hpp"
#include "kldiv/distributions/laplace.hpp"
#include "kldiv/distributions/normal.hpp"
#include "kldiv/distributions/uniform.hpp"
