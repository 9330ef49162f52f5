// Kept so that existing includes keep compiling: the array exp and log now live in simd/elementwise.hpp.
#pragma once

#include "kldiv/simd/elementwise.hpp"
