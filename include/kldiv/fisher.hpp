// The Fisher layer: Fisher information and scores per family and parametrization, the quadratic
// approximation of KL, natural gradients and the empirical Fisher matrix.
#pragma once

#include "kldiv/fisher/composite_families.hpp"
#include "kldiv/fisher/geometry.hpp"
#include "kldiv/fisher/more_scalar_families.hpp"
#include "kldiv/fisher/multivariate_families.hpp"
#include "kldiv/fisher/parametrization.hpp"
#include "kldiv/fisher/scalar_families.hpp"
