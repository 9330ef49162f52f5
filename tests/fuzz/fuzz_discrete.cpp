// Fuzzes the discrete layer: entropy, cross_entropy and kl_divergence of probability vectors and of
// logits, and the row functions. Invariants (documented in discrete/measures.hpp, logits.hpp):
// only kldiv::domain_error is thrown; KL is ≥ 0 or +inf, never NaN, for inputs the checked entry
// points accept; entropy of a probability vector is ≥ 0 and finite; rows with any valid
// temperature: KL ≥ 0 or +inf, JSD in [0, ln 2], never NaN.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kldiv/discrete.hpp"

namespace {

/// Reads the input as a stream: a byte, a 16-bit weight or a raw double (any bit pattern).
struct reader {
    const std::uint8_t* data;
    std::size_t size;
    std::uint8_t byte() {
        if (size == 0) return 0;
        --size;
        return *data++;
    }
    double raw_double() {
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = bits << 8 | byte();
        double value;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
};

void check(bool condition) {
    if (!condition) __builtin_trap();
}

template <class T>
std::vector<T> values(reader& in, std::size_t n, bool raw) {
    std::vector<T> v(n);
    if (raw) {
        for (auto& x : v) x = static_cast<T>(in.raw_double());
        return v;
    }
    // A probability vector: 16-bit weights (zeros included), normalised in long double.
    long double total = 0;
    std::vector<long double> w(n);
    for (auto& x : w) total += x = static_cast<long double>(in.byte() << 8 | in.byte());
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<T>(total > 0 ? w[i] / total : 1.0L / n);
    return v;
}

template <class T>
void fuzz(reader& in) {
    const std::uint8_t op = in.byte();
    const std::size_t n = 1 + in.byte() % 40;
    const bool raw = (op & 0x80) != 0;
    const auto p = values<T>(in, n, raw), q = values<T>(in, n, raw);
    try {
        switch (op % 9) {
            case 0: {
                const T h = kldiv::entropy(p);
                check(std::isfinite(h) && h >= T(-1e-6));
                break;
            }
            case 1: {
                const T kl = kldiv::kl_divergence(p, q);
                check(!std::isnan(kl) && kl >= T(0));
                break;
            }
            case 2: {
                const T h = kldiv::cross_entropy(p, q);
                check(!std::isnan(h) && h >= T(-1e-6));
                break;
            }
            case 3: {  // logits: any finite or −inf values
                const T kl = kldiv::kl_divergence(kldiv::logits(p), kldiv::logits(q));
                check(!std::isnan(kl) && kl >= T(0));
                break;
            }
            case 4: {
                const T h = kldiv::entropy(kldiv::logits(p));
                check(!std::isnan(h) && h >= T(0));
                break;
            }
            case 5: {  // rows of a matrix: n = rows × vocabulary
                const std::size_t vocabulary = 1 + in.byte() % n;
                const std::size_t rows = n / vocabulary;
                std::vector<T> out(rows);
                const std::span<const T> ps(p.data(), rows * vocabulary), qs(q.data(), rows * vocabulary);
                kldiv::kl_divergence_rows(ps, qs, vocabulary, std::span<T>(out));
                for (const T kl : out) check(!std::isnan(kl) && kl >= T(0));
                break;
            }
            case 7:
            case 8: {  // rows with options: a temperature anywhere in (0, DBL_MAX], JS skew β
                const std::size_t vocabulary = 1 + in.byte() % n;
                const std::size_t rows = n / vocabulary;
                kldiv::row_options options;
                options.temperature = std::fabs(in.raw_double());
                options.beta = (in.byte() % 5) / 4.0;
                std::vector<T> out(rows);
                const std::span<const T> ps(p.data(), rows * vocabulary), qs(q.data(), rows * vocabulary);
                if (op % 9 == 7) {
                    kldiv::kl_divergence_rows(ps, qs, vocabulary, std::span<T>(out), options);
                    for (const T kl : out) check(!std::isnan(kl) && kl >= T(0));
                } else {
                    kldiv::js_divergence_rows(ps, qs, vocabulary, std::span<T>(out), options);
                    for (const T js : out) check(!std::isnan(js) && js >= T(0) && js <= T(0.6932));  // ≤ ln 2
                }
                break;
            }
            default: {
                const std::size_t vocabulary = 1 + in.byte() % n;
                const std::size_t rows = n / vocabulary;
                std::vector<T> out(rows);
                kldiv::entropy_rows(std::span<const T>(p.data(), rows * vocabulary), vocabulary, std::span<T>(out));
                for (const T h : out) check(!std::isnan(h) && h >= T(0));
                break;
            }
        }
    } catch (const kldiv::domain_error&) {
        // documented rejection of bad input
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    reader in{data, size};
    if (in.byte() & 1)
        fuzz<double>(in);
    else
        fuzz<float>(in);
    return 0;
}
