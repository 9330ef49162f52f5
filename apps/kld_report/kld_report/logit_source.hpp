// One input of kld-report: a llama.cpp KL-divergence base file or a .npy of float32/float16
// logits shaped (tokens, vocabulary), memory-mapped (or any byte buffer), read a row at a time.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "byte_io.hpp"
#include "float16.hpp"
#include "input_error.hpp"
#include "llama_kld.hpp"
#include "mapped_file.hpp"
#include "npy.hpp"

namespace kld_report {

/// A row ready for the divergences: finite or −inf float logits (any shift), plus what a
/// quantized (llama.cpp) row knows about its entries below the floor.
struct logit_row {
    const float* values = nullptr;
    bool quantized = false;   // decoded from a llama.cpp record
    bool has_absent = false;  // some entries are below the floor (value absent_value, probability 0)
    float absent_value = 0;
    float floor_log_prob = 0;  // quantized rows: the decoded value of code 0
};

/// Opens BASE or TEST by its magic: "_logits_" → llama.cpp file, "\x93NUMPY" → .npy (2-D,
/// float32 or float16). Throws input_error otherwise.
class logit_source {
public:
    enum class format { llama_kld, npy_float32, npy_float16 };

    /// Memory-maps path and parses it.
    explicit logit_source(const std::string& path) : file_(std::make_unique<mapped_file>(path)) {
        parse(file_->bytes(), path);
    }
    /// Parses bytes held elsewhere (which must outlive this object); name labels errors.
    logit_source(std::span<const std::byte> bytes, const std::string& name) { parse(bytes, name); }

    [[nodiscard]] format kind() const noexcept { return kind_; }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
    [[nodiscard]] std::size_t vocabulary() const noexcept { return vocabulary_; }
    [[nodiscard]] bool has_tokens() const noexcept { return llama_.has_value(); }
    /// The token row r predicts (llama.cpp files only).
    [[nodiscard]] std::int32_t next_token(std::size_t r) const noexcept { return llama_->next_token(r); }
    [[nodiscard]] const llama_kld_file* llama() const noexcept { return llama_ ? &*llama_ : nullptr; }
    [[nodiscard]] const npy_array* npy() const noexcept { return npy_ ? &*npy_ : nullptr; }

    /// Byte offset of the value behind logit i of row r (its code for llama.cpp records).
    [[nodiscard]] std::uint64_t value_offset(std::size_t r, std::size_t i) const noexcept {
        if (llama_) return llama_->record_offset(r) + 8 + 2 * std::uint64_t(i);
        return npy_->data_offset + (std::uint64_t(r) * vocabulary_ + i) * item_size(npy_->dtype);
    }

    /// Row r as floats: a pointer into the mapped file (aligned float32) or into scratch
    /// (decoded, converted or realigned; scratch must hold vocabulary() floats). Throws
    /// input_error for a bad llama.cpp record; NaN and ±inf are the caller's to check.
    logit_row row(std::size_t r, std::span<float> scratch) const {
        logit_row out;
        if (llama_) {
            const llama_kld_row_info info = llama_->decode(r, scratch);
            out.values = scratch.data();
            out.quantized = true;
            out.has_absent = info.has_absent;
            out.absent_value = info.absent_value;
            out.floor_log_prob = info.floor_log_prob;
            return out;
        }
        const std::byte* p = npy_->data.data() + std::uint64_t(r) * vocabulary_ * item_size(npy_->dtype);
        if (kind_ == format::npy_float16) {
            for (std::size_t i = 0; i < vocabulary_; ++i) scratch[i] = half_to_float(load<std::uint16_t>(p + 2 * i));
            out.values = scratch.data();
        } else if (reinterpret_cast<std::uintptr_t>(p) % alignof(float) == 0) {
            out.values = reinterpret_cast<const float*>(p);  // NOLINT: the mapped bytes are float32 data
        } else {
            std::memcpy(scratch.data(), p, vocabulary_ * sizeof(float));
            out.values = scratch.data();
        }
        return out;
    }

    /// One line saying what the file is.
    [[nodiscard]] std::string description() const {
        if (llama_) {
            const llama_kld_header& h = llama_->header();
            return "llama.cpp KL-divergence base, n_ctx " + std::to_string(h.n_ctx) + ", " + std::to_string(h.n_chunk) +
                   " chunk" + (h.n_chunk == 1 ? "" : "s") + ", " + std::to_string(rows_) + " scored tokens, vocabulary " +
                   std::to_string(vocabulary_);
        }
        return std::string("NumPy ") + (kind_ == format::npy_float16 ? "float16" : "float32") + " logits v" +
               std::to_string(npy_->major) + ".0, " + std::to_string(rows_) + " × " + std::to_string(vocabulary_);
    }

private:
    void parse(std::span<const std::byte> bytes, const std::string& name) {
        name_ = name;
        if (bytes.size() >= 8 && std::memcmp(bytes.data(), llama_kld_magic.data(), 8) == 0) {
            llama_.emplace(bytes, name);
            kind_ = format::llama_kld;
            rows_ = llama_->rows();
            vocabulary_ = llama_->vocabulary();
            return;
        }
        if (bytes.size() < 6 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
            throw input_error(name, 0,
                              "the magic \"_logits_\" (llama.cpp KL-divergence base) or \"\\x93NUMPY\" (.npy logits)");
        npy_.emplace(parse_npy(bytes, name));
        if (npy_->dtype == npy_dtype::int32)
            throw input_error(name, npy_->header_offset, "logits of dtype '<f4' or '<f2'", "'<i4' (a tokens file? pass it with --tokens)");
        if (npy_->shape.size() != 2 || npy_->shape[0] == 0 || npy_->shape[1] == 0)
            throw input_error(name, npy_->header_offset, "a 2-D shape (tokens, vocabulary) with both sizes ≥ 1",
                              std::to_string(npy_->shape.size()) + "-D shape");
        kind_ = npy_->dtype == npy_dtype::float16 ? format::npy_float16 : format::npy_float32;
        rows_ = static_cast<std::size_t>(npy_->shape[0]);
        vocabulary_ = static_cast<std::size_t>(npy_->shape[1]);
    }

    std::unique_ptr<mapped_file> file_;
    std::string name_;
    format kind_ = format::npy_float32;
    std::optional<llama_kld_file> llama_;
    std::optional<npy_array> npy_;
    std::size_t rows_ = 0, vocabulary_ = 0;
};

/// The --tokens file: a 1-D int32 .npy, tokens[t] being the token that row t predicts.
class token_source {
public:
    explicit token_source(const std::string& path) : file_(std::make_unique<mapped_file>(path)) {
        parse(file_->bytes(), path);
    }
    token_source(std::span<const std::byte> bytes, const std::string& name) { parse(bytes, name); }

    [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(npy_.shape[0]); }
    [[nodiscard]] std::int32_t operator[](std::size_t t) const noexcept {
        return load<std::int32_t>(npy_.data.data() + 4 * t);
    }
    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] std::uint64_t offset(std::size_t t) const noexcept { return npy_.data_offset + 4 * std::uint64_t(t); }
    /// Throws input_error at the first token outside [0, vocabulary).
    void check_range(std::size_t vocabulary) const {
        for (std::size_t t = 0; t < size(); ++t) {
            const std::int32_t v = (*this)[t];
            if (v < 0 || std::uint64_t(v) >= vocabulary)
                throw input_error(name_, offset(t), "a token id in [0, " + std::to_string(vocabulary) + ")",
                                  std::to_string(v));
        }
    }

private:
    void parse(std::span<const std::byte> bytes, const std::string& name) {
        name_ = name;
        npy_ = parse_npy(bytes, name);
        if (npy_.dtype != npy_dtype::int32)
            throw input_error(name, npy_.header_offset, "tokens of dtype '<i4'", descr_of(npy_.dtype));
        if (npy_.shape.size() != 1)
            throw input_error(name, npy_.header_offset, "a 1-D shape (tokens,)", std::to_string(npy_.shape.size()) + "-D shape");
    }

    std::unique_ptr<mapped_file> file_;
    std::string name_;
    npy_array npy_;
};

}  // namespace kld_report
