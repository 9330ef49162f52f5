// The coding-theory view: Kraft sums, Shannon and Huffman code lengths, codewords, expected
// code length. Guarantees: optimal (Huffman) and deterministic (canonical, ties by index) codes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
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

/// Σ D^(−ℓᵢ) for codeword lengths ℓᵢ over an alphabet of D letters (binary by default). A prefix
/// code with these lengths exists iff the sum is ≤ 1 (Kraft–McMillan). Exact for binary codes
/// with lengths ≤ 1000 (powers of two are exact; the sum is compensated).
/// Throws kldiv::domain_error for an alphabet of fewer than 2 letters.
inline double kraft_sum(std::span<const unsigned> lengths, unsigned alphabet = 2) {
    if (alphabet < 2) detail::fail("kraft_sum", "the code alphabet needs at least 2 letters", alphabet);
    compensated_sum<double> total;
    for (const unsigned l : lengths) total.add(std::pow(static_cast<double>(alphabet), -static_cast<double>(l)));
    return total.value();
}

/// Shannon code lengths ⌈−log₂ pᵢ⌉ (0 for pᵢ = 0: the symbol gets no codeword). They satisfy
/// Kraft, and their expected length L obeys H(p) ≤ L < H(p) + 1 bits.
/// The ceiling is exact: when −log₂ pᵢ is within 1e-12 of an integer k, 2^(−k) is compared
/// with pᵢ directly, so p = 1/8 gets length 3, not 4.
/// Throws kldiv::domain_error unless p is a distribution (as kldiv::entropy).
template <real_vector P>
std::vector<unsigned> shannon_code_lengths(const P& p) {
    const auto ps = as_span(p);
    detail::check_distribution("shannon_code_lengths", "p", ps);
    std::vector<unsigned> lengths(ps.size(), 0);
    for (std::size_t i = 0; i < ps.size(); ++i) {
        const double pi = static_cast<double>(ps[i]);
        if (pi == 0.0) continue;
        double k = std::ceil(-std::log2(pi));
        const double nearest = std::round(-std::log2(pi));
        if (std::fabs(-std::log2(pi) - nearest) < 1e-12)  // the smallest k with 2^(−k) ≤ pᵢ, decided exactly
            k = (std::ldexp(1.0, -static_cast<int>(nearest)) <= pi) ? nearest : nearest + 1;
        lengths[i] = static_cast<unsigned>(std::max(0.0, k));
    }
    return lengths;
}

/// A binary prefix code: one codeword per symbol ("" for symbols of probability 0, or for the
/// only symbol of a one-symbol source).
struct prefix_code {
    std::vector<unsigned> lengths;
    std::vector<std::string> codewords;  // '0'/'1' characters
};

/// Canonical codewords for the given lengths: symbols sorted by (length, index) receive
/// consecutive binary numbers, so the code is determined by its lengths alone. Length 0 means
/// "no codeword" (a symbol of probability 0, or the only symbol of a certain source).
/// Throws kldiv::domain_error if the lengths violate Kraft (no prefix code exists).
inline prefix_code canonical_code(std::vector<unsigned> lengths) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < lengths.size(); ++i)
        if (lengths[i] > 0) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return lengths[a] < lengths[b]; });
    std::vector<unsigned> used;  // symbols without a codeword (length 0) take no code space
    for (const std::size_t i : order) used.push_back(lengths[i]);
    const double kraft = kraft_sum(used);
    if (kraft > 1.0) detail::fail("canonical_code", "the lengths violate the Kraft inequality, whose sum is", kraft);
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
