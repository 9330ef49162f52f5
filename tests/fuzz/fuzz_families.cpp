// libFuzzer target for the scalar families: parameters decoded from the bytes, construction
// (kldiv::domain_error is the only documented failure), then log_pdf / sample / entropy / mean /
// variance / KL with their documented invariants; a violation traps.
//   clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -Iinclude -I/usr/include/eigen3 \
//       tests/fuzz/fuzz_families.cpp -o fuzz_families && ./fuzz_families tests/fuzz/corpus/families
#include <cmath>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>

#include "kldiv/distributions.hpp"
#include "kldiv/divergence.hpp"
#include "kldiv/random/engine.hpp"

namespace {

/// Traps (a libFuzzer crash) with the violated invariant and its line on stderr.
#define require(condition)                                                                      \
    do {                                                                                        \
        if (!(condition)) {                                                                     \
            std::fprintf(stderr, "fuzz_families: invariant violated at line %d: %s\n", __LINE__, \
                         #condition);                                                           \
            __builtin_trap();                                                                   \
        }                                                                                       \
    } while (0)

/// Reads doubles (8 bytes each; missing bytes read as 0) from the input.
class reader {
public:
    reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    double real() {
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits |= std::uint64_t(byte()) << (8 * i);
        double v;
        std::memcpy(&v, &bits, sizeof v);
        return v;
    }
    std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
    std::int64_t integer() {
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits |= std::uint64_t(byte()) << (8 * i);
        return static_cast<std::int64_t>(bits);
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

/// Constructs or returns nothing; anything but kldiv::domain_error escapes (and aborts).
template <class Make>
auto construct(Make make) -> std::optional<decltype(make())> {
    try {
        return make();
    } catch (const kldiv::domain_error&) {
        return std::nullopt;
    }
}

/// A log-normal with |μ| beyond the format puts every sample where its density underflows.
template <class D>
bool density_may_underflow(const D& d) {
    if constexpr (std::is_same_v<D, kldiv::log_normal<double>>)
        return std::fabs(d.mu()) > 745 || d.sigma() < 1e-140;
    else if constexpr (std::is_same_v<D, kldiv::gamma<double>>)
        return !(d.shape() / d.rate() < 1e300);  // the mass lies beyond DBL_MAX: draws clamped there
    else
        return false;
}

template <class D>
void check_one(const D& d, double x, std::uint64_t seed) {
    const double l = log_pdf(d, x);
    require(std::isnan(l) == std::isnan(x));
    kldiv::random_engine engine(seed);
    const auto s = support(d);
    for (int i = 0; i < 4; ++i) {
        const double v = sample(d, engine);
        require(v >= s.lower && v <= s.upper);
        const double lv = log_pdf(d, v);
        require(!std::isnan(lv));
        if (!s.discrete() && !density_may_underflow(d)) require(lv > -std::numeric_limits<double>::infinity());
    }
    require(!std::isnan(entropy(d)));
    if constexpr (!std::is_same_v<D, kldiv::cauchy<double>>) {
        require(!std::isnan(mean(d)));
        require(!std::isnan(variance(d)));
    }
    require(kl_divergence(d, d) == 0);
}

/// KL(p‖q) must be ≥ 0 (or +inf) and never NaN for valid parameters.
template <class P, class Q>
void check_kl(const P& p, const Q& q) {
    const double kl = kl_divergence(p, q);
    if (!(kl >= 0)) std::fprintf(stderr, "KL = %.17g in %s\n", kl, __PRETTY_FUNCTION__);
    require(!std::isnan(kl));
    require(kl >= 0);
}

template <class P, class Q>
void maybe_kl(const std::optional<P>& p, const std::optional<Q>& q) {
    if (p && q) check_kl(*p, *q);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kldiv;
    reader in(data, size);
    const std::uint8_t family = in.byte();
    const double a = in.real(), b = in.real(), c = in.real(), e = in.real(), x = in.real();
    const std::int64_t n = in.integer() % (std::int64_t(1) << 62), m = in.integer() % (std::int64_t(1) << 62);
    const std::uint64_t seed = static_cast<std::uint64_t>(in.integer());

    // Same-family pairs and the checks on one distribution.
    switch (family % 16) {
        case 15: {  // float parameters: the double closed forms rounded once
            const auto fa = static_cast<float>(a), fb = static_cast<float>(b), fc = static_cast<float>(c),
                       fe = static_cast<float>(e);
            const auto check_float = [](auto p, auto q) {
                if (!p || !q) return;
                const float kl = kl_divergence(*p, *q);
                require(!std::isnan(kl) && kl >= 0);
            };
            const auto fnormal = [](float m, float s) { return construct([&] { return normal<float>(m, s); }); };
            const auto fbeta = [](float x, float y) { return construct([&] { return beta<float>(x, y); }); };
            const auto fgamma = [](float x, float y) { return construct([&] { return kldiv::gamma<float>(x, y); }); };
            check_float(fnormal(fa, fb), fnormal(fc, fe));
            check_float(fbeta(fa, fb), fgamma(fc, fe));
            check_float(fgamma(fa, fb), fnormal(fc, fe));
            check_float(construct([&] { return exponential<float>(fa); }), fnormal(fc, fe));
            break;
        }
        case 0: {
            const auto p = construct([&] { return normal<double>(a, b); });
            const auto q = construct([&] { return normal<double>(c, e); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, q);
            maybe_kl(p, construct([&] { return laplace<double>(c, e); }));
            break;
        }
        case 1: {
            const auto p = construct([&] { return exponential<double>(a); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return exponential<double>(b); }));
            maybe_kl(p, construct([&] { return normal<double>(c, e); }));
            maybe_kl(p, construct([&] { return laplace<double>(c, e); }));
            maybe_kl(p, construct([&] { return kldiv::gamma<double>(c, e); }));
            break;
        }
        case 2: {
            const auto p = construct([&] { return laplace<double>(a, b); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return laplace<double>(c, e); }));
            maybe_kl(p, construct([&] { return normal<double>(c, e); }));
            break;
        }
        case 3: {
            const auto p = construct([&] { return uniform<double>(a, b); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return uniform<double>(c, e); }));
            maybe_kl(p, construct([&] { return normal<double>(c, e); }));
            maybe_kl(p, construct([&] { return beta<double>(c, e); }));
            maybe_kl(p, construct([&] { return kldiv::gamma<double>(c, e); }));
            maybe_kl(p, construct([&] { return laplace<double>(c, e); }));
            maybe_kl(p, construct([&] { return exponential<double>(c); }));
            break;
        }
        case 4: {
            const auto p = construct([&] { return kldiv::gamma<double>(a, b); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return kldiv::gamma<double>(c, e); }));
            maybe_kl(p, construct([&] { return normal<double>(c, e); }));
            maybe_kl(p, construct([&] { return exponential<double>(c); }));
            break;
        }
        case 5: {
            const auto p = construct([&] { return beta<double>(a, b); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return beta<double>(c, e); }));
            maybe_kl(p, construct([&] { return kldiv::gamma<double>(c, e); }));
            maybe_kl(p, construct([&] { return normal<double>(c, e); }));
            break;
        }
        case 6: {
            const auto p = construct([&] { return log_normal<double>(a, b); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return log_normal<double>(c, e); }));
            break;
        }
        case 7: {
            const auto p = construct([&] { return half_normal<double>(a); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return half_normal<double>(b); }));
            break;
        }
        case 8: {
            const auto p = construct([&] { return cauchy<double>(a, b); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return cauchy<double>(c, e); }));
            break;
        }
        case 9: {
            const auto p = construct([&] { return pareto<double>(a, b); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return pareto<double>(c, e); }));
            break;
        }
        case 10: {
            const auto p = construct([&] { return gumbel<double>(a, b); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return gumbel<double>(c, e); }));
            maybe_kl(p, construct([&] { return normal<double>(c, e); }));
            break;
        }
        case 11: {
            const auto p = construct([&] { return bernoulli<double>(a); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return bernoulli<double>(b); }));
            maybe_kl(p, construct([&] { return poisson<double>(c); }));
            break;
        }
        case 12: {
            const auto p = construct([&] { return geometric<double>(a); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return geometric<double>(b); }));
            break;
        }
        case 13: {
            const auto p = construct([&] { return poisson<double>(a); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return poisson<double>(b); }));
            break;
        }
        default: {
            const auto p = construct([&] { return binomial<double>(n, a); });
            if (p) check_one(*p, x, seed);
            maybe_kl(p, construct([&] { return binomial<double>(m, b); }));
            break;
        }
    }
    return 0;
}
