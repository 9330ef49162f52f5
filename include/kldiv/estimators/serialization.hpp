// The portable byte format of kldiv's mergeable statistics (running_stats, kl_estimate_set):
// little-endian, tagged, versioned, checksummed, exact doubles. For reduce steps across
// processes and machines (MPI, Spark, Dask, Ray). Guarantee: decode(encode(x)) has x's bits;
// a truncated, wrong-version or corrupt buffer throws kldiv::domain_error.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "kldiv/core/error.hpp"
#include "kldiv/core/running_stats.hpp"
#include "kldiv/estimators/kl_estimates.hpp"

namespace kldiv {

/// The version of the byte format that to_bytes writes and from_bytes reads.
inline constexpr std::uint8_t byte_format_version = 1;

namespace detail {

// Layout (every integer little-endian, every double as its IEEE-754 binary64 bits):
//   bytes 0–3  "KLDV"            format tag
//   byte  4    type              'R' running_stats, 'E' kl_estimate_set
//   byte  5    version           byte_format_version
//   bytes 6–7  0                 reserved
//   payload    running_stats:    u64 count, f64 mean, f64 M2      (24 bytes)
//              kl_estimate_set:  k1, k2, k3, reverse (4 × 24), u64 clamped
//   last 8     u64 FNV-1a-64 of every byte before it
inline constexpr std::size_t byte_header_size = 8;
inline constexpr std::size_t byte_stats_size = 24;
inline constexpr std::size_t byte_checksum_size = 8;
inline constexpr char byte_type_running_stats = 'R';
inline constexpr char byte_type_kl_estimate_set = 'E';

[[nodiscard]] constexpr std::uint64_t fnv1a64(std::string_view bytes) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<std::uint8_t>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

inline void put_u64(std::string& out, std::uint64_t value) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(static_cast<std::uint8_t>(value >> (8 * i))));
}

[[nodiscard]] inline std::uint64_t get_u64(std::string_view in, std::size_t at) noexcept {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i)
        value |= std::uint64_t{static_cast<std::uint8_t>(in[at + static_cast<std::size_t>(i)])} << (8 * i);
    return value;
}

inline void put_stats(std::string& out, const running_stats& stats) {
    put_u64(out, stats.count());
    // mean() is NaN for an empty stream; the stored mean of an empty stream is +0.
    put_u64(out, std::bit_cast<std::uint64_t>(stats.count() == 0 ? 0.0 : stats.mean()));
    put_u64(out, std::bit_cast<std::uint64_t>(stats.sum_of_squared_deviations()));
}

[[nodiscard]] inline std::string begin_bytes(char type, std::size_t payload) {
    std::string out;
    out.reserve(byte_header_size + payload + byte_checksum_size);
    out.append("KLDV", 4);
    out.push_back(type);
    out.push_back(static_cast<char>(byte_format_version));
    out.push_back('\0');
    out.push_back('\0');
    return out;
}

inline void finish_bytes(std::string& out) { put_u64(out, fnv1a64(out)); }

/// Checks everything but the payload's meaning: size, tag, type, version, reserved, checksum.
inline void check_bytes(const char* function, std::string_view in, char type, std::size_t payload) {
    const std::size_t expected = byte_header_size + payload + byte_checksum_size;
    if (in.size() < byte_header_size || in.substr(0, 4) != "KLDV")
        fail(function, "not a kldiv byte string (no \"KLDV\" tag)");
    if (in[4] != type)
        fail(function, std::string("byte string holds another type ('") + in[4] + "', expected '" + type + "')");
    if (static_cast<std::uint8_t>(in[5]) != byte_format_version)
        fail(function, "unsupported byte format version (this build reads version " +
                           std::to_string(byte_format_version) + ")",
             static_cast<unsigned>(static_cast<std::uint8_t>(in[5])));
    if (in[6] != '\0' || in[7] != '\0') fail(function, "corrupt byte string: reserved bytes are not zero");
    if (in.size() != expected)
        fail(function, "byte string has the wrong length (expected " + std::to_string(expected) + " bytes)",
             in.size());
    if (get_u64(in, expected - byte_checksum_size) != fnv1a64(in.substr(0, expected - byte_checksum_size)))
        fail(function, "corrupt byte string: checksum mismatch");
}

/// Decodes one running_stats at `at`, rejecting states no stream can produce.
[[nodiscard]] inline running_stats get_stats(const char* function, std::string_view in, std::size_t at) {
    const std::uint64_t count = get_u64(in, at);
    const std::uint64_t mean_bits = get_u64(in, at + 8);
    const std::uint64_t m2_bits = get_u64(in, at + 16);
    const double m2 = std::bit_cast<double>(m2_bits);
    if (count == 0 && (mean_bits != 0 || m2_bits != 0))
        fail(function, "corrupt byte string: an empty running_stats with a non-zero mean or M2");
    if (m2 < 0.0) fail(function, "corrupt byte string: negative sum of squared deviations", m2);
    return running_stats::from_moments(count, std::bit_cast<double>(mean_bits), m2);
}

}  // namespace detail

/// The running_stats as a portable byte string (40 bytes: "KLDV", type 'R', version, count,
/// mean and M2 as exact little-endian doubles, an FNV-1a-64 checksum). Same bytes on every
/// platform; running_stats_from_bytes restores the same bits.
[[nodiscard]] inline std::string to_bytes(const running_stats& stats) {
    std::string out = detail::begin_bytes(detail::byte_type_running_stats, detail::byte_stats_size);
    detail::put_stats(out, stats);
    detail::finish_bytes(out);
    return out;
}

/// The kl_estimate_set as a portable byte string (120 bytes: header, the four running_stats,
/// the clamp count, checksum). kl_estimate_set_from_bytes restores the same bits.
[[nodiscard]] inline std::string to_bytes(const kl_estimate_set& set) {
    std::string out = detail::begin_bytes(detail::byte_type_kl_estimate_set, 4 * detail::byte_stats_size + 8);
    detail::put_stats(out, set.k1);
    detail::put_stats(out, set.k2);
    detail::put_stats(out, set.k3);
    detail::put_stats(out, set.reverse);
    detail::put_u64(out, set.clamped);
    detail::finish_bytes(out);
    return out;
}

/// Reads a running_stats written by to_bytes (on any platform), bit for bit.
/// Throws kldiv::domain_error for a buffer that is truncated or too long, lacks the "KLDV" tag,
/// holds another type, has another format version, fails its checksum, or holds a state no
/// stream can produce (negative M2, an empty stream with a non-zero mean).
[[nodiscard]] inline running_stats running_stats_from_bytes(std::string_view bytes) {
    constexpr const char* function = "running_stats_from_bytes";
    detail::check_bytes(function, bytes, detail::byte_type_running_stats, detail::byte_stats_size);
    return detail::get_stats(function, bytes, detail::byte_header_size);
}

/// Reads a kl_estimate_set written by to_bytes (on any platform), bit for bit.
/// Throws kldiv::domain_error as running_stats_from_bytes, and when the four statistics have
/// different counts or more samples were clamped than counted (no kl_estimates call gives either).
[[nodiscard]] inline kl_estimate_set kl_estimate_set_from_bytes(std::string_view bytes) {
    constexpr const char* function = "kl_estimate_set_from_bytes";
    detail::check_bytes(function, bytes, detail::byte_type_kl_estimate_set, 4 * detail::byte_stats_size + 8);
    kl_estimate_set set;
    std::size_t at = detail::byte_header_size;
    for (running_stats* stats : {&set.k1, &set.k2, &set.k3, &set.reverse}) {
        *stats = detail::get_stats(function, bytes, at);
        at += detail::byte_stats_size;
    }
    set.clamped = detail::get_u64(bytes, at);
    if (set.k2.count() != set.k1.count() || set.k3.count() != set.k1.count() || set.reverse.count() != set.k1.count())
        detail::fail(function, "corrupt byte string: the four statistics have different counts");
    if (set.clamped > set.k1.count())
        detail::fail(function, "corrupt byte string: more samples clamped than counted", set.clamped);
    return set;
}

}  // namespace kldiv
