// Little-endian loads and stores from byte buffers (no alignment assumed), and file writing.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>

namespace kld_report {

static_assert(std::endian::native == std::endian::little,
              "kld-report reads little-endian files by plain loads: a big-endian port needs byte swaps here");

/// The T stored at bytes[offset] (native = little-endian byte order, any alignment).
template <class T>
[[nodiscard]] inline T load(const std::byte* bytes) noexcept {
    T value;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

/// Appends the bytes of value to out.
template <class T>
inline void store(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

/// Writes bytes to path (replacing it); throws std::runtime_error naming the file on failure.
inline void write_file(const std::string& path, std::span<const char> bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error(path + ": cannot open for writing");
    const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (std::fclose(f) != 0 || !ok) throw std::runtime_error(path + ": write failed");
}

}  // namespace kld_report
