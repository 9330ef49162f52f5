// Built with -fno-exceptions: the whole public API compiles and the numerics run.
#include <kldiv/kldiv.hpp>

int main() {
    const double phi = kldiv::expm1mx(1e-3);
    const double psi = kldiv::log1pmx(1e-3);
    return (phi > 0.0 && psi < 0.0) ? 0 : 1;
}
