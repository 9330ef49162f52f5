// The one error kld-report's readers raise: which file, at which byte, what was expected there.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kld_report {

/// A file (or buffer) that is not what it claims to be. what() is one line:
/// "FILE: byte OFFSET: expected EXPECTED[, found FOUND]". The program prints it and exits with 2.
class input_error : public std::runtime_error {
public:
    input_error(const std::string& file, std::uint64_t offset, const std::string& expected,
                const std::string& found = {})
        : std::runtime_error(file + ": byte " + std::to_string(offset) + ": expected " + expected +
                             (found.empty() ? std::string() : ", found " + found)),
          file_(file),
          offset_(offset) {}

    /// The file name as given on the command line (or a label for a memory buffer).
    [[nodiscard]] const std::string& file() const noexcept { return file_; }
    /// The byte offset in the file where the problem is.
    [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }

private:
    std::string file_;
    std::uint64_t offset_;
};

/// A command line that cannot be run (unknown option, missing argument): exit code 2 as well.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace kld_report
