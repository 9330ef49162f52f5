// libFuzzer target: kld-report's readers of untrusted bytes — the llama.cpp KL-divergence base
// file (header, size, tokens, every record decoded) and NumPy .npy (logits and tokens) — from a
// memory buffer. Every input must end in a parsed view or kld_report::input_error: any other
// exception, a crash, an out-of-bounds read or undefined behaviour is a finding.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "../../apps/kld_report/kld_report/input_error.hpp"
#include "../../apps/kld_report/kld_report/logit_source.hpp"

namespace {

void read_logits(std::span<const std::byte> bytes) {
    try {
        const kld_report::logit_source source(bytes, "fuzz");
        // The sizes were checked against the buffer: rows·vocabulary values exist.
        std::vector<float> scratch(source.vocabulary());
        for (std::size_t r = 0; r < source.rows(); ++r) {
            const kld_report::logit_row row = source.row(r, scratch);
            if (row.quantized) {
                for (std::size_t i = 0; i < source.vocabulary(); ++i)
                    if (!std::isfinite(row.values[i])) std::abort();  // a decoded record is always finite
                (void)source.next_token(r);
            } else {
                volatile float sink = row.values[source.vocabulary() - 1];  // the row's last value is readable
                (void)sink;
            }
        }
    } catch (const kld_report::input_error&) {
    }
}

void read_tokens(std::span<const std::byte> bytes) {
    try {
        const kld_report::token_source tokens(bytes, "fuzz");
        if (tokens.size() > 0) (void)tokens[tokens.size() - 1];
        tokens.check_range(1000);
    } catch (const kld_report::input_error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A copy of exactly `size` bytes, so that a read past the end is caught by AddressSanitizer.
    const std::vector<std::byte> buffer(reinterpret_cast<const std::byte*>(data),
                                        reinterpret_cast<const std::byte*>(data) + size);
    read_logits(buffer);
    read_tokens(buffer);
    return 0;
}
