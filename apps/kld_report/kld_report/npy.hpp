// NumPy .npy files (format versions 1.0 and 2.0): header parser and a small writer.
// Layout: "\x93NUMPY", major, minor, header length (uint16 LE for 1.0, uint32 LE for 2.0), an
// ASCII Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (r, c), } padded
// with spaces to end in '\n', then the raw little-endian data in C order.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "byte_io.hpp"
#include "input_error.hpp"

namespace kld_report {

/// The element types kld-report reads: logits as float32 or float16, tokens as int32.
enum class npy_dtype { float32, float16, int32 };

[[nodiscard]] constexpr std::size_t item_size(npy_dtype t) noexcept { return t == npy_dtype::float16 ? 2 : 4; }
[[nodiscard]] constexpr const char* descr_of(npy_dtype t) noexcept {
    return t == npy_dtype::float32 ? "<f4" : t == npy_dtype::float16 ? "<f2" : "<i4";
}

/// A parsed .npy file: its version, element type, shape, and the data bytes (exactly
/// product(shape)·item_size, checked against the file size).
struct npy_array {
    int major = 0, minor = 0;
    npy_dtype dtype = npy_dtype::float32;
    std::vector<std::uint64_t> shape;
    std::uint64_t header_offset = 10;  // where the header dict starts (10 for 1.0, 12 for 2.0)
    std::uint64_t data_offset = 0;
    std::span<const std::byte> data;
};

namespace detail {

/// A cursor over the header dict with the file offset of each position, for error messages.
class npy_header_parser {
public:
    npy_header_parser(std::string_view text, std::uint64_t base, const std::string& name)
        : text_(text), base_(base), name_(name) {}

    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\r'))
            ++pos_;
    }
    [[nodiscard]] bool at(char c) {
        skip_space();
        return pos_ < text_.size() && text_[pos_] == c;
    }
    void expect(char c, const char* what) {
        if (!at(c)) fail(what);
        ++pos_;
    }
    [[noreturn]] void fail(const std::string& what) const {
        std::string found = pos_ < text_.size() ? "'" + std::string(text_.substr(pos_, 12)) + "'" : "the end of the header";
        for (char& ch : found)
            if (static_cast<unsigned char>(ch) < 32 || static_cast<unsigned char>(ch) >= 127) ch = '?';
        throw input_error(name_, offset(), what, found);
    }
    [[nodiscard]] std::uint64_t offset() const noexcept { return base_ + pos_; }

    /// A Python string literal in single or double quotes (no escapes are needed for our keys).
    std::string string_literal(const char* what) {
        skip_space();
        if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) fail(what);
        const char quote = text_[pos_++];
        const std::size_t end = text_.find(quote, pos_);
        if (end == std::string_view::npos) fail("a closing quote");
        std::string s(text_.substr(pos_, end - pos_));
        pos_ = end + 1;
        return s;
    }
    bool boolean_literal(const char* what) {
        skip_space();
        if (text_.substr(pos_, 4) == "True") {
            pos_ += 4;
            return true;
        }
        if (text_.substr(pos_, 5) == "False") {
            pos_ += 5;
            return false;
        }
        fail(what);
    }
    /// A tuple of non-negative integers: (), (n,), (r, c), ...
    std::vector<std::uint64_t> shape_literal() {
        std::vector<std::uint64_t> shape;
        expect('(', "a shape tuple");
        while (!at(')')) {
            skip_space();
            const std::uint64_t start = offset();
            std::uint64_t value = 0;
            bool digits = false;
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
                const auto d = static_cast<std::uint64_t>(text_[pos_] - '0');
                if (value > (std::numeric_limits<std::uint64_t>::max() - d) / 10)
                    throw input_error(name_, start, "a dimension below 2⁶⁴");
                value = value * 10 + d;
                digits = true;
                ++pos_;
            }
            if (!digits) fail("a non-negative integer dimension");
            while (pos_ < text_.size() && text_[pos_] == 'L') ++pos_;  // Python 2 long suffix
            shape.push_back(value);
            if (at(',')) {
                ++pos_;
            } else if (!at(')')) {
                fail("',' or ')' in the shape tuple");
            }
        }
        ++pos_;
        return shape;
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::uint64_t base_;
    const std::string& name_;
};

}  // namespace detail

/// Parses and validates a .npy file held in memory. Accepts format versions 1.0 and 2.0, C
/// order, and dtypes '<f4', '<f2', '<i4' ('|' byte order marks only for single bytes, so not
/// here). Throws input_error naming the byte offset for a wrong magic, an unsupported version,
/// a malformed header, an unsupported dtype, Fortran order, or data whose size does not match
/// product(shape)·item size.
[[nodiscard]] inline npy_array parse_npy(std::span<const std::byte> bytes, const std::string& name) {
    static constexpr char magic[] = "\x93NUMPY";
    if (bytes.size() < 6 || std::memcmp(bytes.data(), magic, 6) != 0)
        throw input_error(name, 0, "the magic \"\\x93NUMPY\" of a .npy file (or \"_logits_\" of a llama.cpp file)");
    if (bytes.size() < 10) throw input_error(name, bytes.size(), "the .npy version and header length");
    npy_array a;
    a.major = static_cast<int>(static_cast<unsigned char>(bytes[6]));
    a.minor = static_cast<int>(static_cast<unsigned char>(bytes[7]));
    if (!((a.major == 1 || a.major == 2) && a.minor == 0))
        throw input_error(name, 6, ".npy format version 1.0 or 2.0",
                          std::to_string(a.major) + "." + std::to_string(a.minor));
    std::uint64_t header_start = 10, header_length = 0;
    if (a.major == 1) {
        header_length = load<std::uint16_t>(bytes.data() + 8);
    } else {
        if (bytes.size() < 12) throw input_error(name, bytes.size(), "a 4-byte header length (version 2.0)");
        header_length = load<std::uint32_t>(bytes.data() + 8);
        header_start = 12;
    }
    if (header_length > bytes.size() - header_start)
        throw input_error(name, header_start,
                          "a header of " + std::to_string(header_length) + " bytes within the file",
                          "a file of " + std::to_string(bytes.size()) + " bytes");
    const std::string_view text(reinterpret_cast<const char*>(bytes.data() + header_start),
                                static_cast<std::size_t>(header_length));
    detail::npy_header_parser p(text, header_start, name);
    bool have_descr = false, have_order = false, have_shape = false;
    p.expect('{', "'{' opening the header dict");
    while (!p.at('}')) {
        const std::uint64_t key_offset = p.offset();
        const std::string key = p.string_literal("a quoted key in the header dict");
        p.expect(':', "':' after a key");
        if (key == "descr") {
            if (!p.at('\'') && !p.at('"')) p.fail("a simple dtype string ('<f4', '<f2' or '<i4')");
            const std::uint64_t at = p.offset();
            const std::string descr = p.string_literal("a dtype string");
            if (descr == "<f4") {
                a.dtype = npy_dtype::float32;
            } else if (descr == "<f2") {
                a.dtype = npy_dtype::float16;
            } else if (descr == "<i4") {
                a.dtype = npy_dtype::int32;
            } else {
                throw input_error(name, at, "dtype '<f4' or '<f2' (logits) or '<i4' (tokens)", "'" + descr + "'");
            }
            have_descr = true;
        } else if (key == "fortran_order") {
            const std::uint64_t at = p.offset();
            if (p.boolean_literal("True or False")) throw input_error(name, at, "C order (fortran_order False)", "True");
            have_order = true;
        } else if (key == "shape") {
            a.shape = p.shape_literal();
            have_shape = true;
        } else {
            throw input_error(name, key_offset, "only the keys 'descr', 'fortran_order' and 'shape'", "'" + key + "'");
        }
        if (p.at(',')) {
            p.expect(',', "','");
        } else if (!p.at('}')) {
            p.fail("',' or '}' in the header dict");
        }
    }
    if (!have_descr || !have_order || !have_shape)
        throw input_error(name, header_start, "the keys 'descr', 'fortran_order' and 'shape' in the header");
    a.header_offset = header_start;
    a.data_offset = header_start + header_length;
    std::uint64_t count = 1;
    for (const std::uint64_t d : a.shape) {
        if (d != 0 && count > std::numeric_limits<std::uint64_t>::max() / 4 / d)
            throw input_error(name, header_start, "a shape whose size fits in 64 bits");
        count *= d;
    }
    const std::uint64_t data_bytes = count * item_size(a.dtype);
    if (bytes.size() - a.data_offset != data_bytes)
        throw input_error(name, std::min<std::uint64_t>(bytes.size(), a.data_offset + data_bytes),
                          std::to_string(a.data_offset + data_bytes) + " bytes (header " +
                              std::to_string(a.data_offset) + " + " + std::to_string(data_bytes) + " of data)",
                          "a file of " + std::to_string(bytes.size()) + " bytes");
    a.data = bytes.subspan(static_cast<std::size_t>(a.data_offset));
    return a;
}

/// The bytes of a .npy file (version 1.0, or 2.0 when asked) holding raw little-endian data of
/// the given dtype and shape in C order; the header is padded so the data starts at a multiple
/// of 64, as NumPy does. For tests and tools.
[[nodiscard]] inline std::string npy_bytes(npy_dtype dtype, const std::vector<std::uint64_t>& shape,
                                           std::span<const std::byte> data, int major = 1) {
    std::string dict = std::string("{'descr': '") + descr_of(dtype) + "', 'fortran_order': False, 'shape': (";
    for (std::size_t i = 0; i < shape.size(); ++i) dict += std::to_string(shape[i]) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
    dict += "), }";
    const std::size_t prefix = major == 1 ? 10 : 12;
    std::size_t total = prefix + dict.size() + 1;
    total = (total + 63) / 64 * 64;
    dict.append(total - prefix - dict.size() - 1, ' ');
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += static_cast<char>(major);
    out += '\0';
    if (major == 1)
        store(out, static_cast<std::uint16_t>(dict.size()));
    else
        store(out, static_cast<std::uint32_t>(dict.size()));
    out += dict;
    out.append(reinterpret_cast<const char*>(data.data()), data.size());
    return out;
}

}  // namespace kld_report
