// The whole public API of kldiv in one include.
// Guarantees: includes every public header; each of them also compiles on its own.
#pragma once

#include "kldiv/core.hpp"
#include "kldiv/discrete.hpp"
#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "kldiv/estimators.hpp"
#include "kldiv/fisher.hpp"
#include "kldiv/random.hpp"
#include "kldiv/simd.hpp"
