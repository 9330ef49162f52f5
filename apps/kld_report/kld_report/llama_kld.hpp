// llama.cpp's KL-divergence base file (`llama-perplexity --kl-divergence-base FILE`): reader,
// decoder and writer. Layout (native little-endian), as written by tools/perplexity:
//   "_logits_" | int32 n_ctx | int32 n_vocab | int32 n_chunk | int32 tokens[n_ctx·n_chunk] |
//   n_chunk × (n_ctx − 1 − n_ctx/2) records of 2·⌈n_vocab/2⌉ + 4 uint16:
//     float32 scale, float32 min_log_prob, uint16 codes[n_vocab] (+ one uint16 of padding if odd).
// Record j of chunk c holds the log-probabilities at position n_ctx/2 + j of window c, which
// predict tokens[c·n_ctx + n_ctx/2 + j + 1]; log pᵢ = min_log_prob + scale·codeᵢ.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "byte_io.hpp"
#include "input_error.hpp"

namespace kld_report {

inline constexpr std::array<char, 8> llama_kld_magic{'_', 'l', 'o', 'g', 'i', 't', 's', '_'};

/// llama.cpp clamps each row's range to 16 nats below its maximum: codes span [max − 16, max].
inline constexpr double llama_kld_clamp = 16.0;
inline constexpr std::uint32_t llama_kld_max_code = 65535;

/// A record whose 65535·scale reaches the clamp (to 2⁻¹⁰, which absorbs llama.cpp's float
/// rounding of max − 16) had entries below the floor: its code-0 entries carry no value.
[[nodiscard]] inline bool llama_kld_row_is_clamped(float scale) noexcept {
    return double(scale) * llama_kld_max_code >= llama_kld_clamp * (1.0 - 0x1p-10);
}

/// Decoded entries below the floor, and entries a divergence must ignore, are given this many
/// nats below the row's maximum: weight e^−590 < 1e-256, i.e. probability 0 to double
/// precision, while the row stays finite (the library's float lane kernel accepts |Δ| ≤ 600).
inline constexpr double absent_logit_gap = 590.0;

/// The sizes a llama.cpp KL-divergence base header announces, and the file size they imply.
struct llama_kld_header {
    std::int32_t n_ctx = 0;
    std::int32_t n_vocab = 0;
    std::int32_t n_chunk = 0;

    [[nodiscard]] std::uint64_t records_per_chunk() const noexcept {
        return static_cast<std::uint64_t>(n_ctx - 1 - n_ctx / 2);
    }
    [[nodiscard]] std::uint64_t records() const noexcept { return records_per_chunk() * std::uint64_t(n_chunk); }
    /// uint16 values per record: 4 for the two floats, n_vocab codes rounded up to even.
    [[nodiscard]] std::uint64_t record_values() const noexcept {
        return 2 * ((std::uint64_t(n_vocab) + 1) / 2) + 4;
    }
    [[nodiscard]] std::uint64_t record_bytes() const noexcept { return 2 * record_values(); }
    [[nodiscard]] static constexpr std::uint64_t tokens_offset() noexcept { return 20; }
    [[nodiscard]] std::uint64_t token_count() const noexcept { return std::uint64_t(n_ctx) * std::uint64_t(n_chunk); }
    [[nodiscard]] std::uint64_t records_offset() const noexcept { return tokens_offset() + 4 * token_count(); }
    /// The size the header implies, or UINT64_MAX if it does not fit in 64 bits (no file is that large).
    [[nodiscard]] std::uint64_t file_size() const noexcept {
        constexpr std::uint64_t most = std::numeric_limits<std::uint64_t>::max();
        if (records() > (most - records_offset()) / record_bytes()) return most;
        return records_offset() + records() * record_bytes();
    }
};

/// What decode() learned about one record besides the values.
struct llama_kld_row_info {
    float floor_log_prob = 0;   // min_log_prob: the value of code 0 (an upper bound below the floor)
    bool has_absent = false;    // some entries were below the floor (decoded as absent)
    float absent_value = 0;     // the value given to those entries (row maximum − absent_logit_gap)
};

/// A validated view of a llama.cpp KL-divergence base file held in memory (e.g. memory-mapped).
/// The constructor checks the magic, the header, the file size and every token; records are
/// checked as they are decoded. Every failure is an input_error naming the byte offset.
class llama_kld_file {
public:
    llama_kld_file(std::span<const std::byte> bytes, std::string name) : bytes_(bytes), name_(std::move(name)) {
        if (bytes_.size() < 8 || std::memcmp(bytes_.data(), llama_kld_magic.data(), 8) != 0)
            throw input_error(name_, 0, "the magic \"_logits_\" of a llama.cpp KL-divergence base file",
                              bytes_.size() < 8 ? "a file of " + std::to_string(bytes_.size()) + " bytes"
                                                : quoted(bytes_.first(8)));
        if (bytes_.size() < 20)
            throw input_error(name_, bytes_.size(), "the header (int32 n_ctx, n_vocab, n_chunk up to byte 20)",
                              "the end of the file");
        header_.n_ctx = load<std::int32_t>(bytes_.data() + 8);
        header_.n_vocab = load<std::int32_t>(bytes_.data() + 12);
        header_.n_chunk = load<std::int32_t>(bytes_.data() + 16);
        if (header_.n_ctx < 3)
            throw input_error(name_, 8, "n_ctx ≥ 3 (a window with at least one scored position)",
                              std::to_string(header_.n_ctx));
        if (header_.n_vocab < 1) throw input_error(name_, 12, "n_vocab ≥ 1", std::to_string(header_.n_vocab));
        if (header_.n_chunk < 1) throw input_error(name_, 16, "n_chunk ≥ 1", std::to_string(header_.n_chunk));
        if (header_.file_size() != bytes_.size())
            throw input_error(name_, std::min<std::uint64_t>(bytes_.size(), header_.file_size()),
                              std::to_string(header_.file_size()) + " bytes (n_ctx " + std::to_string(header_.n_ctx) +
                                  ", n_vocab " + std::to_string(header_.n_vocab) + ", n_chunk " +
                                  std::to_string(header_.n_chunk) + ")",
                              "a file of " + std::to_string(bytes_.size()) + " bytes");
        for (std::uint64_t i = 0; i < header_.token_count(); ++i) {
            const std::int32_t t = token_at(i);
            if (t < 0 || t >= header_.n_vocab)
                throw input_error(name_, header_.tokens_offset() + 4 * i,
                                  "a token id in [0, " + std::to_string(header_.n_vocab) + ")", std::to_string(t));
        }
    }

    [[nodiscard]] const llama_kld_header& header() const noexcept { return header_; }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    /// Number of records = rows of log-probabilities.
    [[nodiscard]] std::size_t rows() const noexcept { return static_cast<std::size_t>(header_.records()); }
    [[nodiscard]] std::size_t vocabulary() const noexcept { return static_cast<std::size_t>(header_.n_vocab); }
    /// The token that record `row` predicts (the one after its position in the window).
    [[nodiscard]] std::int32_t next_token(std::size_t row) const noexcept {
        const std::uint64_t chunk = row / header_.records_per_chunk();
        const std::uint64_t j = row % header_.records_per_chunk();
        return token_at(chunk * std::uint64_t(header_.n_ctx) + std::uint64_t(header_.n_ctx / 2) + j + 1);
    }
    /// The i-th token of the file's token array.
    [[nodiscard]] std::int32_t token_at(std::uint64_t i) const noexcept {
        return load<std::int32_t>(bytes_.data() + header_.tokens_offset() + 4 * i);
    }
    [[nodiscard]] std::uint64_t record_offset(std::size_t row) const noexcept {
        return header_.records_offset() + std::uint64_t(row) * header_.record_bytes();
    }

    /// Decodes record `row` into out (size vocabulary()): log pᵢ = min_log_prob + scale·codeᵢ,
    /// computed exactly in double and rounded once to float; in a clamped row (see
    /// llama_kld_row_is_clamped) the code-0 entries lie at or below the floor, their value is
    /// unknown, and they are written as info.absent_value (probability 0 for every divergence).
    /// Throws input_error if scale or min_log_prob is not finite, scale < 0, or the largest
    /// decodable value min_log_prob + 65535·scale exceeds 1 (log-probabilities are ≤ 0; the
    /// slack of 1 lets float rounding through).
    llama_kld_row_info decode(std::size_t row, std::span<float> out) const {
        const std::byte* record = bytes_.data() + record_offset(row);
        const float scale = load<float>(record);
        const float min_log_prob = load<float>(record + 4);
        if (!std::isfinite(scale) || scale < 0)
            throw input_error(name_, record_offset(row), "a finite scale ≥ 0 in record " + std::to_string(row),
                              std::to_string(scale));
        if (!std::isfinite(min_log_prob) || double(min_log_prob) + double(scale) * llama_kld_max_code > 1.0)
            throw input_error(name_, record_offset(row) + 4,
                              "a finite min_log_prob with min_log_prob + 65535·scale ≤ 1 in record " +
                                  std::to_string(row),
                              "min_log_prob " + std::to_string(min_log_prob) + ", scale " + std::to_string(scale));
        const std::byte* codes = record + 8;
        const std::size_t n = vocabulary();
        const bool clamped = llama_kld_row_is_clamped(scale);
        std::uint32_t largest = 0;
        bool any_zero = false;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint16_t c = load<std::uint16_t>(codes + 2 * i);
            largest = std::max<std::uint32_t>(largest, c);
            any_zero = any_zero || c == 0;
            out[i] = static_cast<float>(double(min_log_prob) + double(scale) * double(c));  // exact, one rounding
        }
        llama_kld_row_info info;
        info.floor_log_prob = min_log_prob;
        info.has_absent = clamped && any_zero && largest > 0;
        if (info.has_absent) {
            info.absent_value =
                static_cast<float>(double(min_log_prob) + double(scale) * double(largest) - absent_logit_gap);
            for (std::size_t i = 0; i < n; ++i)
                if (load<std::uint16_t>(codes + 2 * i) == 0) out[i] = info.absent_value;
        }
        return info;
    }

private:
    static std::string quoted(std::span<const std::byte> b) {
        std::string s = "\"";
        for (const std::byte c : b) {
            const auto u = static_cast<unsigned char>(c);
            if (u >= 32 && u < 127 && u != '"' && u != '\\') {
                s += static_cast<char>(u);
            } else {
                static constexpr char hex[] = "0123456789abcdef";
                s += "\\x";
                s += hex[u >> 4];
                s += hex[u & 15];
            }
        }
        return s + "\"";
    }

    std::span<const std::byte> bytes_;
    std::string name_;
    llama_kld_header header_;
};

/// Quantizes one row of logits (any finite values; the row's log-softmax is taken here) into a
/// llama.cpp record of header.record_values() uint16: with lᵢ the log-probabilities, floor =
/// max(min l, max l − 16), scale = (max l − floor)/65535 and min_log_prob = floor, both stored
/// as float32, codeᵢ = round((lᵢ − min_log_prob)/scale) (ties to even, clamped to [0, 65535])
/// for lᵢ above the floor and 0 otherwise; scale 0 (a constant row) gives all codes 0. The codes
/// are taken against the stored float32 scale and min_log_prob, so a decoded code > 0 is within
/// scale/2 of lᵢ. (llama.cpp quantizes the raw logits against an unrounded floor; see
/// docs/kld-report.md.)
inline void encode_llama_record(std::span<const float> logits, std::span<std::uint16_t> record) {
    const std::size_t n = logits.size();
    double max = -std::numeric_limits<double>::infinity(), min = std::numeric_limits<double>::infinity();
    for (const float v : logits) {
        max = std::max(max, double(v));
        min = std::min(min, double(v));
    }
    long double sum = 0;  // the writer is for tests and tools: plain long double is accurate enough
    for (const float v : logits) sum += std::exp(static_cast<long double>(v) - max);
    const double log_z = max + static_cast<double>(std::log(sum));
    const double floor = std::max(min, max - llama_kld_clamp);
    const auto scale = static_cast<float>((max - floor) / llama_kld_max_code);
    const auto min_log_prob = static_cast<float>(floor - log_z);
    std::memcpy(record.data(), &scale, 4);
    std::memcpy(record.data() + 2, &min_log_prob, 4);
    std::uint16_t* codes = record.data() + 4;
    std::fill(codes, record.data() + record.size(), std::uint16_t{0});
    if (scale == 0) return;
    for (std::size_t i = 0; i < n; ++i) {
        const double v = logits[i];
        if (!(v > floor)) continue;
        const double q = std::nearbyint(((v - log_z) - double(min_log_prob)) / double(scale));
        codes[i] = static_cast<std::uint16_t>(std::clamp(q, 0.0, double(llama_kld_max_code)));
    }
}

/// The bytes of a llama.cpp KL-divergence base file: tokens has n_ctx·n_chunk entries, logits
/// holds n_chunk·(n_ctx − 1 − n_ctx/2) rows of n_vocab logits in record order (for tests and
/// tools; llama-perplexity writes these files itself).
[[nodiscard]] inline std::string llama_kld_bytes(std::int32_t n_ctx, std::int32_t n_vocab, std::int32_t n_chunk,
                                                 std::span<const std::int32_t> tokens,
                                                 std::span<const float> logits) {
    llama_kld_header h;
    h.n_ctx = n_ctx;
    h.n_vocab = n_vocab;
    h.n_chunk = n_chunk;
    if (n_ctx < 3 || n_vocab < 1 || n_chunk < 1 || tokens.size() != h.token_count() ||
        logits.size() != h.records() * std::uint64_t(n_vocab))
        throw std::invalid_argument("llama_kld_bytes: sizes do not match n_ctx, n_vocab, n_chunk");
    std::string out;
    out.reserve(static_cast<std::size_t>(h.file_size()));
    out.append(llama_kld_magic.data(), 8);
    store(out, n_ctx);
    store(out, n_vocab);
    store(out, n_chunk);
    for (const std::int32_t t : tokens) store(out, t);
    std::vector<std::uint16_t> record(static_cast<std::size_t>(h.record_values()));
    for (std::uint64_t r = 0; r < h.records(); ++r) {
        encode_llama_record(logits.subspan(static_cast<std::size_t>(r * std::uint64_t(n_vocab)), std::size_t(n_vocab)),
                            record);
        out.append(reinterpret_cast<const char*>(record.data()), record.size() * 2);
    }
    return out;
}

/// Writes llama_kld_bytes(...) to path.
inline void write_llama_kld(const std::string& path, std::int32_t n_ctx, std::int32_t n_vocab, std::int32_t n_chunk,
                            std::span<const std::int32_t> tokens, std::span<const float> logits) {
    const std::string bytes = llama_kld_bytes(n_ctx, n_vocab, n_chunk, tokens, logits);
    write_file(path, bytes);
}

}  // namespace kld_report
