// Kept so that existing includes work: the support rule is divergence/support_mismatch.hpp.
#pragma once

#include "kldiv/divergence/support_mismatch.hpp"
