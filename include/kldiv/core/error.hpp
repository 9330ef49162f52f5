// The error policy: kldiv::domain_error and the one macro every throw goes through.
// Guarantees: messages name the function and the offending value; builds with -fno-exceptions.
#pragma once

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "kldiv/core/config.hpp"

namespace kldiv {

/// Thrown for invalid parameters and inputs at the API boundary (bad parameters, size
/// mismatches, negative or non-normalised probabilities, empty inputs where no value exists).
class domain_error : public std::domain_error {
public:
    using std::domain_error::domain_error;
};

namespace detail {

[[noreturn]] inline void abort_with_message(const std::string& message) noexcept {
    std::fputs(message.c_str(), stderr);
    std::fputc('\n', stderr);
    std::abort();
}

}  // namespace detail
}  // namespace kldiv

// Every throw in kldiv goes through this macro: with exceptions disabled it prints and aborts.
#if KLDIV_HAS_EXCEPTIONS
#define KLDIV_THROW(ExceptionType, message) throw ExceptionType(message)
#else
#define KLDIV_THROW(ExceptionType, message) ::kldiv::detail::abort_with_message(message)
#endif

namespace kldiv::detail {

/// Shortest round-trip text of a number, for error messages.
inline std::string to_text(double value) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
}

inline std::string to_text(long double value) { return to_text(static_cast<double>(value)); }
inline std::string to_text(float value) { return to_text(static_cast<double>(value)); }

template <class Integer>
    requires std::is_integral_v<Integer>
std::string to_text(Integer value) {
    return std::to_string(value);
}

/// Throws kldiv::domain_error with "kldiv::<function>: <problem>, got <value>".
template <class Value>
[[noreturn]] void fail(std::string_view function, std::string_view problem, Value value) {
    std::string message = "kldiv::";
    message.append(function).append(": ").append(problem).append(", got ").append(to_text(value));
    KLDIV_THROW(::kldiv::domain_error, message);
}

/// Throws kldiv::domain_error with "kldiv::<function>: <problem>".
[[noreturn]] inline void fail(std::string_view function, std::string_view problem) {
    std::string message = "kldiv::";
    message.append(function).append(": ").append(problem);
    KLDIV_THROW(::kldiv::domain_error, message);
}

}  // namespace kldiv::detail
