// A read-only memory map of a whole file (POSIX mmap): the inputs are never loaded whole, pages
// come in as the rows are read.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input_error.hpp"

namespace kld_report {

/// Maps a file read-only for the object's lifetime; bytes() is the whole file (empty for an
/// empty file). Throws input_error (byte 0) if it cannot be opened, is not a regular file or
/// cannot be mapped.
class mapped_file {
public:
    explicit mapped_file(const std::string& path) : path_(path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw input_error(path, 0, "a readable file", std::strerror(errno));
        struct stat st {};
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            ::close(fd);
            throw input_error(path, 0, "a regular file");
        }
        size_ = static_cast<std::size_t>(st.st_size);
        if (size_ > 0) {
            void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED) {
                const int error = errno;
                ::close(fd);
                throw input_error(path, 0, "a file that can be memory-mapped", std::strerror(error));
            }
            data_ = static_cast<const std::byte*>(p);
            ::madvise(p, size_, MADV_SEQUENTIAL);  // rows are read front to back (per thread)
        }
        ::close(fd);  // the mapping keeps the file
    }
    mapped_file(const mapped_file&) = delete;
    mapped_file& operator=(const mapped_file&) = delete;
    ~mapped_file() {
        if (data_ != nullptr) ::munmap(const_cast<std::byte*>(data_), size_);
    }

    [[nodiscard]] std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace kld_report
