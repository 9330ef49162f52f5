// Accuracy of the scalar residuals against a quad-precision reference; writes the ulp table
// that docs/accuracy.md shows (KLDIV_ACCURACY_REPORT is where the test writes it).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kldiv/core/expm1mx.hpp"
#include "kldiv/core/log1pmx.hpp"
#include "kldiv/core/xlogy.hpp"
#include "kldiv/simd/elementwise.hpp"
#include "support/catch.hpp"
#include "support/quad_reference.hpp"

namespace {

using kldiv::test::quad;

struct sweep_row {
    std::string function, type, region;
    long points;
    double max_ulp, mean_ulp;
    long double worst_input;
    double bound;
};

template <class T>
const char* type_name() {
    if constexpr (std::is_same_v<T, float>) return "float";
    if constexpr (std::is_same_v<T, double>) return "double";
    return "long double";
}

enum class sign { positive, negative, both };

/// Inputs log-uniform in magnitude over [low, high], with the given sign (random for both).
template <class T>
auto log_uniform(long double low, long double high, sign which) {
    return [=](std::mt19937_64& engine) {
        std::uniform_real_distribution<long double> exponent(std::log(low), std::log(high));
        const T x = static_cast<T>(std::exp(exponent(engine)));
        const bool negative = which == sign::negative || (which == sign::both && (engine() & 1U));
        return negative ? -x : x;
    };
}

template <class T>
auto uniform(long double low, long double high) {
    return [=](std::mt19937_64& engine) {
        return static_cast<T>(std::uniform_real_distribution<long double>(low, high)(engine));
    };
}

/// Runs f over `points` generated inputs and compares with the reference, ulp by ulp.
template <class T, class F, class Reference, class Generator>
sweep_row sweep(const std::string& function, const std::string& region, long points, F f, Reference reference,
                Generator generate, double bound) {
    std::mt19937_64 engine(20261125);
    sweep_row row{function, type_name<T>(), region, points, 0.0, 0.0, 0.0L, bound};
    double total = 0.0;
    for (long i = 0; i < points; ++i) {
        const T x = generate(engine);
        const double error = kldiv::test::ulp_error<T>(f(x), reference(quad(x)));
        total += error;
        if (error > row.max_ulp) {
            row.max_ulp = error;
            row.worst_input = x;
        }
    }
    row.mean_ulp = total / static_cast<double>(points);
    return row;
}

template <class T>
void sweep_type(std::vector<sweep_row>& rows, long points, const std::string& suffix = "") {
    using limits = std::numeric_limits<T>;
    const long double tiny = limits::denorm_min();
    // Largest x whose eˣ is finite in T (a little below, so the quad reference stays finite too).
    const long double exp_max = std::log(static_cast<long double>(limits::max())) * 0.9995L;
    const long double huge = limits::max();
    const long extra = std::max(1000L, points / 5);

    const auto phi = [](T x) { return kldiv::expm1mx(x); };
    const auto phi_ref = [](quad x) { return kldiv::test::ref_expm1mx(x); };
    rows.push_back(sweep<T>("expm1mx" + suffix, "±[denorm_min, exp overflow], log-uniform", points, phi, phi_ref,
                            log_uniform<T>(tiny, exp_max, sign::both), 2.0));
    rows.push_back(sweep<T>("expm1mx" + suffix, "[−4, 4], uniform", extra, phi, phi_ref, uniform<T>(-4, 4), 2.0));
    rows.push_back(sweep<T>("expm1mx" + suffix, "[−exp overflow, exp overflow], uniform", extra, phi, phi_ref,
                            uniform<T>(-exp_max, exp_max), 2.0));

    const auto psi = [](T x) { return kldiv::log1pmx(x); };
    const auto psi_ref = [](quad x) { return kldiv::test::ref_log1pmx(x); };
    rows.push_back(sweep<T>("log1pmx" + suffix, "[denorm_min, max], log-uniform", points, psi, psi_ref,
                            log_uniform<T>(tiny, huge, sign::positive), 2.0));
    rows.push_back(sweep<T>("log1pmx" + suffix, "−[denorm_min, 1), log-uniform", extra, psi, psi_ref,
                            log_uniform<T>(tiny, 1.0L - limits::epsilon(), sign::negative), 2.0));
    const auto near_minus_one = [](std::mt19937_64& engine) {  // x = −1 + u, u log-uniform
        std::uniform_real_distribution<long double> exponent(std::log(limits::epsilon()), std::log(0.5L));
        return static_cast<T>(-1.0L + std::exp(exponent(engine)));
    };
    rows.push_back(sweep<T>("log1pmx" + suffix, "−1 + [ε, 0.5], log-uniform", extra, psi, psi_ref, near_minus_one, 2.0));
    rows.push_back(
        sweep<T>("log1pmx" + suffix, "(−1, 4], uniform", extra, psi, psi_ref, uniform<T>(-1.0L + limits::epsilon(), 4), 2.0));

    const auto rho = [](T x) { return kldiv::rlogr_residual(x); };
    const auto rho_ref = [](quad x) { return kldiv::test::ref_rlogr_residual(x); };
    const long double rho_max = exp_max - std::log(exp_max);  // where (l − 1)·eˡ stays finite
    rows.push_back(sweep<T>("rlogr_residual" + suffix, "±[denorm_min, overflow], log-uniform", points, rho, rho_ref,
                            log_uniform<T>(tiny, rho_max, sign::both), 2.0));
    rows.push_back(sweep<T>("rlogr_residual" + suffix, "[−4, 4], uniform", extra, rho, rho_ref, uniform<T>(-4, 4), 2.0));

    // xlogy at y drawn log-uniformly over all positive values, x = 0.37 (an inexact factor).
    const auto xlog = [](T y) { return kldiv::xlogy(T(0.37), y); };
    const auto xlog_ref = [](quad y) { return quad(T(0.37)) * logq(y); };
    rows.push_back(sweep<T>("xlogy(0.37, y)" + suffix, "y in [denorm_min, max], log-uniform", extra, xlog, xlog_ref,
                            log_uniform<T>(tiny, huge, sign::positive), 2.0));
}

/// As sweep, for an array function (the SIMD residuals) evaluated in one call on all points.
template <class T, class ArrayF, class Reference, class Generator>
sweep_row sweep_array(const std::string& function, const std::string& region, long points, ArrayF f,
                      Reference reference, Generator generate, double bound) {
    std::mt19937_64 engine(20261125);
    std::vector<T> in(static_cast<std::size_t>(points)), out(in.size());
    for (auto& x : in) x = generate(engine);
    f(std::span<const T>(in), std::span<T>(out));
    sweep_row row{function, type_name<T>(), region, points, 0.0, 0.0, 0.0L, bound};
    double total = 0.0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const double error = kldiv::test::ulp_error<T>(out[i], reference(quad(in[i])));
        total += error;
        if (error > row.max_ulp) row.max_ulp = error, row.worst_input = in[i];
    }
    row.mean_ulp = total / static_cast<double>(points);
    return row;
}

/// The vector residuals on every instruction set this CPU has, each forced in turn.
template <class T>
void sweep_simd(std::vector<sweep_row>& rows, long points) {
    using limits = std::numeric_limits<T>;
    const long double tiny = limits::denorm_min();
    const long double exp_max = std::log(static_cast<long double>(limits::max())) * 0.9995L;
    const long double rho_max = exp_max - std::log(exp_max);
    for (const auto set : {kldiv::simd::isa::scalar, kldiv::simd::isa::avx2_fma, kldiv::simd::isa::avx512}) {
        if (static_cast<int>(set) > static_cast<int>(kldiv::simd::detected_isa())) continue;
        kldiv::simd::limit_isa(set);
        const std::string suffix = std::string(" [simd ") + kldiv::simd::name(set) + "]";
        const auto phi = [](std::span<const T> in, std::span<T> out) { kldiv::simd::expm1mx(in, out); };
        const auto rho = [](std::span<const T> in, std::span<T> out) { kldiv::simd::rlogr_residual(in, out); };
        const auto phi_ref = [](quad x) { return kldiv::test::ref_expm1mx(x); };
        const auto rho_ref = [](quad x) { return kldiv::test::ref_rlogr_residual(x); };
        rows.push_back(sweep_array<T>("simd::expm1mx" + suffix, "±[denorm_min, exp overflow], log-uniform", points, phi,
                                      phi_ref, log_uniform<T>(tiny, exp_max, sign::both), 2.0));
        rows.push_back(sweep_array<T>("simd::expm1mx" + suffix, "[−4, 4], uniform", points / 5, phi, phi_ref,
                                      uniform<T>(-4, 4), 2.0));
        rows.push_back(sweep_array<T>("simd::rlogr_residual" + suffix, "±[denorm_min, overflow], log-uniform", points,
                                      rho, rho_ref, log_uniform<T>(tiny, rho_max, sign::both), 2.0));
        rows.push_back(sweep_array<T>("simd::rlogr_residual" + suffix, "[−4, 4], uniform", points / 5, rho, rho_ref,
                                      uniform<T>(-4, 4), 2.0));
        // Nearly all |x| < 1: double arrays take the residuals without a reduction and redo the
        // few outside one by one.
        rows.push_back(sweep_array<T>("simd::expm1mx" + suffix, "[−1.02, 1.02], uniform", points / 5, phi, phi_ref,
                                      uniform<T>(-1.02L, 1.02L), 2.0));
        rows.push_back(sweep_array<T>("simd::rlogr_residual" + suffix, "[−1.02, 1.02], uniform", points / 5, rho,
                                      rho_ref, uniform<T>(-1.02L, 1.02L), 2.0));
    }
    kldiv::simd::limit_isa(kldiv::simd::isa::avx512);
}

std::string markdown_table(const std::vector<sweep_row>& rows) {
    std::ostringstream out;
    out << "| function | type | inputs | points | max ulp | mean ulp | worst input | bound |\n";
    out << "|---|---|---|---:|---:|---:|---:|---:|\n";
    for (const auto& row : rows) {
        char numbers[160];
        std::snprintf(numbers, sizeof numbers, "%ld | %.3f | %.3f | %.17Lg | %.0f", row.points, row.max_ulp,
                      row.mean_ulp, row.worst_input, row.bound);
        out << "| " << row.function << " | " << row.type << " | " << row.region << " | " << numbers << " |\n";
    }
    return out.str();
}

}  // namespace

TEST_CASE("every residual meets its ulp bound over the whole domain and the table is written", "[core][accuracy]") {
    const long points = kldiv::test::accuracy_points();
    std::vector<sweep_row> rows;
    sweep_type<float>(rows, points);
    sweep_type<double>(rows, points);
    sweep_type<long double>(rows, points);
    // The scalar float and double residuals run an FMA build chosen at run time where the CPU has
    // FMA; the portable one (Dekker products) is measured too.
    if (kldiv::simd::detected_isa() != kldiv::simd::isa::scalar) {
        kldiv::simd::limit_isa(kldiv::simd::isa::scalar);
        sweep_type<float>(rows, points / 5, " [no FMA]");
        sweep_type<double>(rows, points / 5, " [no FMA]");
        kldiv::simd::limit_isa(kldiv::simd::isa::avx512);
    }
    sweep_simd<float>(rows, points);
    sweep_simd<double>(rows, points);

    const std::string table = markdown_table(rows);
    std::cout << table;
    for (const auto& row : rows) {
        INFO(row.function << " " << row.type << " over " << row.region << ": max " << row.max_ulp << " ulp at "
                          << static_cast<double>(row.worst_input));
        CHECK(row.max_ulp <= row.bound);
    }
#ifdef KLDIV_ACCURACY_REPORT
    std::ofstream report(KLDIV_ACCURACY_REPORT);
    report << "<!-- Generated by tests/core/test_accuracy.cpp (KLDIV_ACCURACY_POINTS=" << points
           << "); regenerate with: cmake --build build --target accuracy-docs -->\n"
           << table;
#endif
}
