// The coding-theory view: Kraft sums, Shannon and Huffman code lengths, codewords, expected
// code length. Guarantees: optimal (Huffman) and deterministic (canonical, ties by index) codes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <queue>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kldiv/core/summation.hpp"
#include "kldiv/discrete/units.hpp"
#include "kldiv/discrete/vector_input.hpp"

namespace kldiv {

namespace detail {

/// Σ D^(−ℓᵢ) ≤ 1, decided exactly with integers: from the longest length up, the count of
/// terms at each length is carried to the next shorter one as ⌈count/D^gap⌉ (rounding up loses
/// nothing for the comparison: a sum of n·D^(−k) plus less than D^(−k) is ≤ m·D^(−k+1) exactly
/// when the rounded-up carry is ≤ m). O(n log n), no memory beyond a sorted copy, any lengths.
inline bool kraft_holds(std::span<const unsigned> lengths, unsigned alphabet) {
    std::vector<unsigned> sorted(lengths.begin(), lengths.end());
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    std::uint64_t carry = 0;  // terms at the current length, in units of D^(−length)
    std::size_t i = 0;
    unsigned level = sorted.empty() ? 0 : sorted.front();
    while (i < sorted.size()) {
        const unsigned length = sorted[i];
        for (unsigned gap = level - length; gap > 0 && carry > 1; --gap) carry = (carry + alphabet - 1) / alphabet;
        level = length;
        while (i < sorted.size() && sorted[i] == length) ++carry, ++i;
    }
    // Up to length 0 (the unit): after enough carries the count is 0 or 1 unless level is 0.
    for (unsigned gap = level; gap > 0 && carry > 1; --gap) carry = (carry + alphabet - 1) / alphabet;
    return carry <= 1;
}

/// An exact binary fraction Σ 2^(−ℓ) for lengths ≤ its capacity: one bit per position, carries
/// and borrows done bit by bit (used by shannon_code_lengths, whose lengths are ≤ 1100).
class kraft_fraction {
public:
    explicit kraft_fraction(unsigned longest) : bits_(static_cast<std::size_t>(longest) + 1, 0) {}
    void add(unsigned length) {
        if (length >= bits_.size()) bits_.resize(static_cast<std::size_t>(length) + 1, 0);
        std::size_t k = length;
        while (k > 0 && bits_[k]) bits_[k--] = 0, --ones_;
        if (k == 0) ++whole_;
        else bits_[k] = 1, ++ones_;
    }
    void subtract(unsigned length) {  // requires the sum ≥ 2^(−length)
        std::size_t k = length;
        while (k > 0 && !bits_[k]) bits_[k--] = 1, ++ones_;
        if (k == 0) --whole_;
        else bits_[k] = 0, --ones_;
    }
    [[nodiscard]] bool at_most_one() const noexcept { return whole_ == 0 || (whole_ == 1 && ones_ == 0); }

private:
    std::vector<unsigned char> bits_;  // bits_[k]: the 2^(−k) digit, k ≥ 1
    std::uint64_t whole_ = 0;          // the integer part
    std::size_t ones_ = 0;             // how many digits are 1
};

}  // namespace detail

/// Σ D^(−ℓᵢ) for codeword lengths ℓᵢ over an alphabet of D letters (binary by default). A prefix
/// code with these lengths exists iff the sum is ≤ 1 (Kraft–McMillan).
/// The comparison with 1 is exact: the result is ≤ 1 exactly when the true sum is (decided
/// with integer arithmetic, detail::kraft_holds; a true sum of 1 + 2⁻¹⁰⁰ reports 1 + 2⁻⁵², the
/// next double above 1, not 1). Otherwise the value is the compensated sum of the terms (exact
/// for binary codes whose terms fit in 106 significant bits, else within an ulp); lengths of
/// any size are accepted (D^(−ℓ) underflows to 0 beyond ~1075 bits; ℓ = 0 counts 1).
/// Throws kldiv::domain_error for an alphabet of fewer than 2 letters.
inline double kraft_sum(std::span<const unsigned> lengths, unsigned alphabet = 2) {
    if (alphabet < 2) detail::fail("kraft_sum", "the code alphabet needs at least 2 letters", alphabet);
    compensated_sum<double> total;
    for (const unsigned l : lengths) total.add(std::pow(static_cast<double>(alphabet), -static_cast<double>(l)));
    const double sum = total.value();
    const bool holds = detail::kraft_holds(lengths, alphabet);
    if (holds && sum > 1.0) return 1.0;
    if (!holds && sum <= 1.0) return std::nextafter(1.0, 2.0);
    return sum;
}

/// Shannon code lengths ℓᵢ = ⌈−log₂ p̂ᵢ⌉ for the distribution p̂ = p/Σp that p stands for (Σp is
/// 1 within normalization_tolerance; 0 for pᵢ = 0: the symbol gets no codeword). Guarantees,
/// checked exactly: the lengths satisfy Kraft (Σ 2^(−ℓᵢ) ≤ 1 in exact binary arithmetic), a
/// length 0 occurs only for pᵢ = 0 or for the only symbol of positive probability, and the
/// expected length obeys H(p̂) ≤ L < H(p̂) + 1 bits (up to the rounding of p itself).
/// The ceiling is exact: when −log₂ pᵢ is within 1e-12 of an integer k, 2^(−k) is compared
/// with pᵢ directly, so p = 1/8 gets length 3, not 4. If rounding in Σp leaves the exact Kraft
/// sum above 1 (e.g. {0.5, 0.5, 1e-30}: 1 + 2⁻¹⁰⁰), the symbols with the most code space per
/// probability (ties: the shorter codeword) are lengthened by one until it is not ({2, 1, 100}).
/// Throws kldiv::domain_error unless p is a distribution (as kldiv::entropy).
template <real_vector P>
std::vector<unsigned> shannon_code_lengths(const P& p) {
    const auto ps = as_span(p);
    detail::check_distribution("shannon_code_lengths", "p", ps);
    std::vector<unsigned> lengths(ps.size(), 0);
    std::size_t symbols = 0;
    for (const auto pi : ps) symbols += pi > 0 ? 1 : 0;
    unsigned longest = 1;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const long double pi = static_cast<long double>(ps[i]);
        if (!(pi > 0.0L)) continue;
        long double k = std::ceil(-std::log2(pi));
        const long double nearest = std::round(-std::log2(pi));
        if (std::fabs(-std::log2(pi) - nearest) < 1e-12L)  // the smallest k with 2^(−k) ≤ pᵢ, decided exactly
            k = (std::ldexp(1.0L, -static_cast<int>(nearest)) <= pi) ? nearest : nearest + 1;
        // A codeword of length 0 only for a certain symbol: with others present pᵢ < 1 exactly.
        lengths[i] = static_cast<unsigned>(std::max(symbols > 1 ? 1.0L : 0.0L, k));
        longest = std::max(longest, lengths[i]);
    }
    // Exact Kraft check; lengthen where it costs least expected length per code space freed.
    detail::kraft_fraction kraft(longest + static_cast<unsigned>(ps.size()) + 1);
    for (std::size_t i = 0; i < ps.size(); ++i)
        if (ps[i] > 0) kraft.add(lengths[i]);  // the one certain symbol's length 0 counts 1
    while (!kraft.at_most_one()) {
        std::size_t best = ps.size();
        long double best_ratio = 0;  // 2^(−ℓᵢ)/pᵢ: the code space a symbol holds per probability
        for (std::size_t i = 0; i < ps.size(); ++i) {
            if (!(ps[i] > 0) || lengths[i] == 0) continue;
            const long double ratio = std::ldexp(1.0L, -static_cast<int>(lengths[i])) / static_cast<long double>(ps[i]);
            // Ties: the shorter codeword, which frees more code space at once ({1/8 × 8, 2⁻¹⁰⁷⁴}: one
            // 1/8 symbol goes to 4 bits, not the tiny one to 1075 and then a 1/8 symbol anyway).
            if (best == ps.size() || ratio > best_ratio || (ratio == best_ratio && lengths[i] < lengths[best]))
                best = i, best_ratio = ratio;
        }
        if (best == ps.size()) break;  // unreachable: one symbol of length 0 is a Kraft sum of 1
        kraft.subtract(lengths[best]);
        kraft.add(++lengths[best]);
    }
    return lengths;
}

/// The most characters canonical_code writes in all (Σℓᵢ): 2²⁸ (256 MiB of codewords).
inline constexpr std::uint64_t max_codeword_characters = std::uint64_t(1) << 28;

/// A binary prefix code: one codeword per symbol ("" for symbols of probability 0, or for the
/// only symbol of a one-symbol source).
struct prefix_code {
    std::vector<unsigned> lengths;
    std::vector<std::string> codewords;  // '0'/'1' characters
};

/// Canonical codewords for the given lengths: symbols sorted by (length, index) receive
/// consecutive binary numbers, so the code is determined by its lengths alone. Length 0 means
/// "no codeword" (a symbol of probability 0, or the only symbol of a certain source).
/// Throws kldiv::domain_error if the lengths violate Kraft (no prefix code exists; decided
/// exactly, so {1, 1, 60} is refused although 1 + 2⁻⁶⁰ rounds to 1), or if the codewords would
/// take more than max_codeword_characters characters in all (Σℓᵢ; they would not fit in memory
/// — a Kraft-valid length can be as large as 2³² − 1).
inline prefix_code canonical_code(std::vector<unsigned> lengths) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < lengths.size(); ++i)
        if (lengths[i] > 0) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; });
    std::vector<unsigned> used;  // symbols without a codeword (length 0) take no code space
    for (const std::size_t i : order) used.push_back(lengths[i]);
    if (!detail::kraft_holds(used, 2))
        detail::fail("canonical_code", "the lengths violate the Kraft inequality (exact sum > 1), whose rounded sum is",
                     kraft_sum(used));
    std::uint64_t characters = 0;
    for (const unsigned l : used) characters += l;
    if (characters > max_codeword_characters)
        detail::fail("canonical_code",
                     "the codewords would need more than " + std::to_string(max_codeword_characters) +
                         " characters in all (they would not fit in memory); lengths sum to",
                     characters);
    prefix_code code{std::move(lengths), {}};
    code.codewords.resize(code.lengths.size());
    std::string current;  // the previous codeword, as a binary number
    for (std::size_t rank = 0; rank < order.size(); ++rank) {
        const unsigned length = code.lengths[order[rank]];
        if (rank > 0) {  // increment the binary number
            std::size_t pos = current.size();
            while (pos > 0 && current[pos - 1] == '1') current[--pos] = '0';
            if (pos > 0) current[pos - 1] = '1';
        }
        current.resize(length, '0');  // then shift left to the new length
        code.codewords[order[rank]] = current;
    }
    return code;
}

/// An optimal binary prefix code for p (Huffman): minimal expected length, with
/// H(p) ≤ L < H(p) + 1 bits. Deterministic: merges take the two least probable nodes, ties
/// broken by the smallest symbol index in each subtree; codewords are canonical for the
/// resulting lengths. Symbols with pᵢ = 0 get no codeword; a single symbol of probability 1 gets
/// length 0 (nothing needs sending). O(n log n); fine for 10⁶ symbols.
/// Throws kldiv::domain_error unless p is a distribution.
template <real_vector P>
prefix_code huffman_code(const P& p) {
    const auto ps = as_span(p);
    detail::check_distribution("huffman_code", "p", ps);
    struct node {
        double weight;
        std::size_t first_symbol;  // smallest symbol index below: the tie-breaker
        std::size_t id;
    };
    const auto later = [](const node& a, const node& b) {
        return a.weight != b.weight ? a.weight > b.weight : a.first_symbol > b.first_symbol;
    };
    std::priority_queue<node, std::vector<node>, decltype(later)> queue(later);
    std::vector<std::size_t> parent;
    std::vector<std::size_t> leaf_node(ps.size(), SIZE_MAX);
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (ps[i] > 0) {
            leaf_node[i] = parent.size();
            queue.push({static_cast<double>(ps[i]), i, parent.size()});
            parent.push_back(SIZE_MAX);
        }
    }
    while (queue.size() > 1) {
        const node a = queue.top();
        queue.pop();
        const node b = queue.top();
        queue.pop();
        const std::size_t id = parent.size();
        parent.push_back(SIZE_MAX);
        parent[a.id] = id;
        parent[b.id] = id;
        queue.push({a.weight + b.weight, std::min(a.first_symbol, b.first_symbol), id});
    }
    // Depths: parents have larger ids than their children, so one pass from the root down.
    std::vector<unsigned> depth(parent.size(), 0);
    for (std::size_t id = parent.size(); id-- > 0;)
        if (parent[id] != SIZE_MAX) depth[id] = depth[parent[id]] + 1;
    std::vector<unsigned> lengths(ps.size(), 0);
    for (std::size_t i = 0; i < ps.size(); ++i)
        if (leaf_node[i] != SIZE_MAX) lengths[i] = depth[leaf_node[i]];
    return canonical_code(std::move(lengths));
}

/// Expected code length Σ pᵢ·ℓᵢ in code letters (bits for a binary code) when symbols follow p.
/// With ℓ built for q, this is the practical cross-entropy; minus H(p) in bits, the extra cost
/// of the wrong code, about KL(p‖q) bits. +inf if pᵢ > 0 for a symbol with no codeword (ℓᵢ = 0
/// while other symbols have codewords). Throws kldiv::domain_error unless p is a distribution
/// of the same size as lengths.
template <real_vector P>
double expected_code_length(const P& p, std::span<const unsigned> lengths) {
    const auto ps = as_span(p);
    detail::check_same_size("expected_code_length", ps.size(), lengths.size());
    detail::check_distribution("expected_code_length", "p", ps);
    const bool has_codewords = std::any_of(lengths.begin(), lengths.end(), [](unsigned l) { return l > 0; });
    compensated_sum<double> total;
    for (std::size_t i = 0; i < ps.size(); ++i) {
        if (ps[i] > 0 && lengths[i] == 0 && has_codewords) return std::numeric_limits<double>::infinity();
        total.add(static_cast<double>(ps[i]) * lengths[i]);
    }
    return total.value();
}

}  // namespace kldiv
