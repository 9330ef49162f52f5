// The random layer: a reproducible, splittable engine and the samplers built on it.
// Guarantees: the same numbers for the same seed on every compiler and platform (see each header).
#pragma once

#include "kldiv/random/engine.hpp"
#include "kldiv/random/gamma.hpp"
#include "kldiv/random/normal.hpp"
#include "kldiv/random/uniform.hpp"
