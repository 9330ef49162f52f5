// Two translation units that include every public header, linked into one program: a function
// or variable defined in a header without `inline` would be a duplicate symbol here.
#include <kldiv/kldiv.hpp>

double odr_second_unit(double x);

int main() {
    const double here = kldiv::expm1mx(1e-3) + kldiv::log1pmx(1e-3);
    const double there = odr_second_unit(1e-3);
    return here == there ? 0 : 1;
}
