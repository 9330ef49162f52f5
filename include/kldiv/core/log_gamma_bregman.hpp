// Kept so that existing includes work: the lnΓ functions are core/log_gamma.hpp.
#pragma once

#include "kldiv/core/log_gamma.hpp"
