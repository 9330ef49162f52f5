// A user's program: includes kldiv and checks one value, so a broken package fails the build or run.
#include <kldiv/kldiv.hpp>

#include <cstdio>

int main() {
    const double phi = kldiv::expm1mx(1e-9);  // 5.0000000016666667e-19
    std::printf("kldiv %s: expm1mx(1e-9) = %.17g\n", KLDIV_VERSION_STRING, phi);
    return (phi > 4.9e-19 && phi < 5.1e-19) ? 0 : 1;
}
