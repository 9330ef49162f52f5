// libFuzzer target for the byte format (a reader of untrusted bytes): every input must either
// throw kldiv::domain_error or decode to a value whose encoding is the input itself (the format
// is canonical). Anything else — another exception, a crash, a sanitizer report, a different
// re-encoding — traps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kldiv/estimators/serialization.hpp"

namespace {

template <class Decode>
void check(std::string_view bytes, Decode decode) {
    try {
        const auto value = decode(bytes);
        if (kldiv::to_bytes(value) != bytes) __builtin_trap();
    } catch (const kldiv::domain_error&) {
        // rejected with the documented error: fine
    } catch (...) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    check(bytes, [](std::string_view b) { return kldiv::running_stats_from_bytes(b); });
    check(bytes, [](std::string_view b) { return kldiv::kl_estimate_set_from_bytes(b); });
    return 0;
}
