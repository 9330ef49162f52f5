// Kept so that existing includes work: the closed forms are in divergence/same_family.hpp and
// divergence/cross_family.hpp, the +inf rule in support_mismatch.hpp and the fallback in
// kl_divergence.hpp (docs/design.md).
#pragma once

#include "kldiv/divergence/cross_family.hpp"
#include "kldiv/divergence/kl_divergence.hpp"
#include "kldiv/divergence/same_family.hpp"
#include "kldiv/divergence/support_mismatch.hpp"
