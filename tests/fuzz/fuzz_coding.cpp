// Fuzzes the coding functions (discrete/coding.hpp): kraft_sum, shannon_code_lengths,
// huffman_code, canonical_code, expected_code_length. Invariants documented there: only
// kldiv::domain_error is thrown; every code returned is prefix-free, its codewords have the
// stated lengths and an exact Kraft sum ≤ 1 (checked here with integer arithmetic, independently
// of the library); Shannon and Huffman lengths give H ≤ L < H + 1 bits for p/Σp; a length-0
// codeword only for a zero probability or the single symbol of a certain source; kraft_sum(ℓ) ≤ 1
// exactly when the exact sum is; canonical_code refuses exactly the lengths whose exact Kraft sum
// exceeds 1 (or whose codewords would not fit in memory).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "kldiv/discrete/coding.hpp"

namespace {

#define require(condition)                                                                       \
    do {                                                                                         \
        if (!(condition)) {                                                                      \
            std::fprintf(stderr, "fuzz_coding: invariant violated at line %d: %s\n", __LINE__, \
                         #condition);                                                            \
            __builtin_trap();                                                                    \
        }                                                                                        \
    } while (0)

/// Σ D^(−ℓᵢ) ≤ 1, exactly, for lengths of any size: from the longest length up, the count of
/// D^(−k) units is divided by D per level (floor), remembering whether anything was dropped; at
/// length 0 the sum is count + (a fraction < 1, non-zero iff something was dropped).
bool exact_kraft_at_most_one(const std::vector<unsigned>& lengths, unsigned alphabet = 2) {
    std::map<unsigned, std::uint64_t, std::greater<>> at;  // length → how many, longest first
    for (const unsigned l : lengths) ++at[l];
    std::uint64_t count = 0;
    bool dropped = false;
    unsigned level = at.empty() ? 0 : at.begin()->first;
    const auto climb = [&](unsigned to) {
        for (unsigned k = level; k > to && count > 0; --k) {
            dropped = dropped || count % alphabet != 0;
            count /= alphabet;
        }
        level = to;
    };
    for (const auto& [length, how_many] : at) {
        climb(length);
        count += how_many;
    }
    climb(0);
    return count == 0 || (count == 1 && !dropped);
}

/// The lengths of the codewords that exist (length 0: no codeword; the one symbol of a certain
/// source is then alone, and an empty code has Kraft sum 0 ≤ 1).
std::vector<unsigned> codewords_only(const std::vector<unsigned>& lengths) {
    std::vector<unsigned> used;
    for (const unsigned l : lengths)
        if (l > 0) used.push_back(l);
    return used;
}

bool prefix_free(std::vector<std::string> words) {
    words.erase(std::remove(words.begin(), words.end(), std::string()), words.end());
    std::sort(words.begin(), words.end());
    for (std::size_t i = 1; i < words.size(); ++i)
        if (words[i].compare(0, words[i - 1].size(), words[i - 1]) == 0) return false;  // duplicates too
    return true;
}

void check_code(const kldiv::prefix_code& code) {
    require(code.lengths.size() == code.codewords.size());
    for (std::size_t i = 0; i < code.lengths.size(); ++i) {
        require(code.codewords[i].size() == code.lengths[i]);
        require(std::strspn(code.codewords[i].c_str(), "01") == code.lengths[i]);
    }
    require(prefix_free(code.codewords));
    require(exact_kraft_at_most_one(codewords_only(code.lengths)));
}

/// H(p/Σp) ≤ L < H(p/Σp) + 1 bits (long double, with room for the rounding of both sums).
void check_lengths_for(const std::vector<double>& p, const std::vector<unsigned>& lengths) {
    require(lengths.size() == p.size());
    std::size_t symbols = 0;
    long double total = 0;
    for (const double pi : p) symbols += pi > 0 ? 1 : 0, total += pi;
    long double entropy = 0, expected = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] > 0) {
            require(lengths[i] > 0 || symbols == 1);
            const long double pi = p[i] / total;
            entropy -= pi * std::log2(pi);
            expected += pi * lengths[i];
        } else {
            require(lengths[i] == 0);
        }
    }
    require(exact_kraft_at_most_one(codewords_only(lengths)));
    require(expected >= entropy - 1e-9L);
    require(expected < entropy + 1 + 1e-9L);
}

/// A double that hits the edges often: special values, extremes, denormals, or raw bits.
double hostile_double(FuzzedDataProvider& data) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    static constexpr double specials[] = {0.0, -0.0, 1.0, -1.0, 0.5, inf, -inf, std::numeric_limits<double>::quiet_NaN(),
                                          1e308, 1e-308, 4.9e-324, -4.9e-324, 1e-30, 1e-20, 0.25, 0.125, 1 + 1e-9};
    if (data.ConsumeBool()) return specials[data.ConsumeIntegralInRange<std::size_t>(0, std::size(specials) - 1)];
    const auto bits = data.ConsumeIntegral<std::uint64_t>();
    double x;
    __builtin_memcpy(&x, &bits, sizeof x);
    return x;
}

/// n ≥ 1 entries summing to 1 within rounding: some exactly 0, some powers of two down to the
/// smallest denormal, some arbitrary.
std::vector<double> probability_vector(FuzzedDataProvider& data, std::size_t n) {
    std::vector<double> w(n);
    double total = 0;
    for (double& x : w) {
        switch (data.ConsumeIntegralInRange<int>(0, 3)) {
            case 0: x = 0; break;
            case 1: x = std::ldexp(1.0, -data.ConsumeIntegralInRange<int>(0, 1074)); break;
            default: x = data.ConsumeProbability<double>(); break;
        }
        total += x;
    }
    if (!(total > 0)) w[0] = 1, total = 1;
    for (double& x : w) x /= total;
    return w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    FuzzedDataProvider data(bytes, size);
    const std::size_t n = data.ConsumeIntegralInRange<int>(0, 7) == 0 ? data.ConsumeIntegralInRange<std::size_t>(0, 40)
                                                                      : data.ConsumeIntegralInRange<std::size_t>(0, 12);
    if (data.ConsumeBool()) {  // probability vectors: Shannon and Huffman codes
        std::vector<double> p;
        if (data.ConsumeBool() && n > 0) {
            p = probability_vector(data, n);
        } else {
            p.resize(n);
            for (double& x : p) x = hostile_double(data);
        }
        try {
            const auto lengths = kldiv::shannon_code_lengths(p);
            check_lengths_for(p, lengths);
            check_code(kldiv::canonical_code(lengths));
            const double l = kldiv::expected_code_length(p, lengths);
            require(std::isfinite(l) && l >= 0);
        } catch (const kldiv::domain_error&) {
        }
        try {
            const auto code = kldiv::huffman_code(p);
            check_code(code);
            check_lengths_for(p, code.lengths);
        } catch (const kldiv::domain_error&) {
        }
        return 0;
    }
    // Arbitrary lengths (mostly short, some long, a few huge): Kraft sums and canonical codes.
    std::vector<unsigned> lengths(n);
    for (unsigned& l : lengths) {
        switch (data.ConsumeIntegralInRange<int>(0, 15)) {
            case 0: l = data.ConsumeIntegralInRange<unsigned>(0, 2000); break;
            case 1: l = data.ConsumeIntegral<unsigned>(); break;
            default: l = data.ConsumeIntegralInRange<unsigned>(0, 12); break;
        }
    }
    const unsigned alphabet = data.ConsumeIntegralInRange<unsigned>(0, 5);
    try {
        const double k = kldiv::kraft_sum(lengths, alphabet);
        require(alphabet >= 2);
        require(k >= 0 && k <= static_cast<double>(lengths.size()));
        require((k <= 1.0) == exact_kraft_at_most_one(lengths, alphabet));
    } catch (const kldiv::domain_error&) {
        require(alphabet < 2);
    }
    const std::vector<unsigned> used = codewords_only(lengths);  // length 0: no code space
    std::uint64_t characters = 0;
    for (const unsigned l : used) characters += l;
    const bool fits = characters <= kldiv::max_codeword_characters;
    // Codes of millions of characters are valid but slow to write and check under the
    // sanitizers: their Kraft side is checked above; canonical_code runs on the rest.
    if (fits && characters > (1u << 16)) return 0;
    try {
        const auto code = kldiv::canonical_code(lengths);
        require(fits && exact_kraft_at_most_one(used));
        check_code(code);
    } catch (const kldiv::domain_error&) {
        require(!fits || !exact_kraft_at_most_one(used));
    }
    return 0;
}
