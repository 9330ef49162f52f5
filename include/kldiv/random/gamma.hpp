// Gamma variates: G ~ Gamma(shape, 1) by Marsaglia & Tsang, and log G for shapes where G
// underflows. The samplers of gamma, chi-squared, inverse-gamma and Dirichlet share them.
#pragma once

#include <cmath>

#include "kldiv/random/normal.hpp"
#include "kldiv/random/uniform.hpp"

namespace kldiv {
namespace detail {
/// Marsaglia & Tsang (2000) for shape ≥ 1; shape < 1 by the boost X·U^(1/α).
template <class Engine>
double standard_gamma(double shape, Engine& engine) noexcept {
    if (shape < 1) {
        const double boosted = standard_gamma(shape + 1, engine);
        return boosted * std::exp(std::log(uniform01_open(engine)) / shape);
    }
    const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
    while (true) {
        double x, v;
        do {
            x = standard_normal(engine);
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        const double u = uniform01_open(engine);
        if (u < 1 - 0.0331 * (x * x) * (x * x)) return d * v;
        if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return d * v;
    }
}
/// log G for G ~ Gamma(shape, 1), finite even where G itself underflows (shape ≪ 1: the boost
/// G = G₁·U^(1/shape) is taken in logs, log G₁ + log U/shape).
template <class Engine>
double log_standard_gamma(double shape, Engine& engine) noexcept {
    if (shape < 1) {
        const double boosted = standard_gamma(shape + 1, engine);
        return std::log(boosted) + std::log(uniform01_open(engine)) / shape;
    }
    return std::log(standard_gamma(shape, engine));
}
}  // namespace detail
}  // namespace kldiv
