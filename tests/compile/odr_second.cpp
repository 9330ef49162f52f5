// The second unit of the one-definition-rule check (see odr_first.cpp).
#include <kldiv/kldiv.hpp>

double odr_second_unit(double x) { return kldiv::expm1mx(x) + kldiv::log1pmx(x); }
