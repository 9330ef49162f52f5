// kld-report BASE TEST [--json FILE] [--threads N] [--chunk-tokens N] [--top-k 1,5,10] [--tokens FILE.npy]
// llama.cpp's KL-divergence statistics, computed exactly by kldiv, from a llama.cpp
// --kl-divergence-base file or NumPy logits. Exit codes: 0 done, 2 bad input or usage, 1 other.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <kldiv/core/config.hpp>

#include "kld_report/byte_io.hpp"
#include "kld_report/input_error.hpp"
#include "kld_report/logit_source.hpp"
#include "kld_report/report.hpp"

namespace {

constexpr const char* usage =
    "usage: kld-report BASE TEST [--json FILE] [--threads N] [--chunk-tokens N] [--top-k 1,5,10] [--tokens FILE.npy]\n"
    "  BASE, TEST  a llama.cpp KL-divergence base file (llama-perplexity --kl-divergence-base FILE)\n"
    "              or a NumPy .npy of float32/float16 logits shaped (tokens, vocabulary)\n"
    "  --json FILE       write every number with full precision as JSON (- for standard output)\n"
    "  --threads N       worker threads (default: every core); results do not depend on N\n"
    "  --chunk-tokens N  rows per work item (default 16)\n"
    "  --top-k LIST      top-k agreement for each k (default 1,5,10)\n"
    "  --tokens FILE     int32 .npy of the actual next tokens, one per row (two .npy inputs only)\n"
    "Exit status: 0 done, 2 bad input or usage (one line on standard error), 1 anything else.\n";

std::size_t parse_count(std::string_view option, const std::string& text, std::size_t least) {
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
        value = std::stoull(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || text[0] == '-' || value < least || value > (1ULL << 31))
        throw kld_report::usage_error(std::string(option) + " expects an integer ≥ " + std::to_string(least) +
                                      ", got '" + text + "'");
    return static_cast<std::size_t>(value);
}

struct arguments {
    std::string base, test;
    std::optional<std::string> json, tokens;
    kld_report::report_options options;
};

arguments parse_arguments(int argc, char** argv) {
    arguments a;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::optional<std::string> inline_value;
        if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
            inline_value = arg.substr(arg.find('=') + 1);
            arg = arg.substr(0, arg.find('='));
        }
        const auto value = [&]() -> std::string {
            if (inline_value) return *inline_value;
            if (i + 1 >= argc) throw kld_report::usage_error(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else if (arg == "--version") {
            std::printf("kld-report (kldiv %s)\n", KLDIV_VERSION_STRING);
            std::exit(0);
        } else if (arg == "--json") {
            a.json = value();
        } else if (arg == "--tokens") {
            a.tokens = value();
        } else if (arg == "--threads") {
            a.options.threads = static_cast<unsigned>(parse_count(arg, value(), 1));
        } else if (arg == "--chunk-tokens") {
            a.options.chunk_tokens = parse_count(arg, value(), 1);
        } else if (arg == "--top-k") {
            a.options.top_k.clear();
            const std::string list = value();
            std::size_t start = 0;
            while (start <= list.size()) {
                const std::size_t comma = std::min(list.find(',', start), list.size());
                a.options.top_k.push_back(parse_count(arg, list.substr(start, comma - start), 1));
                start = comma + 1;
            }
        } else if (arg.size() > 1 && arg[0] == '-') {
            throw kld_report::usage_error("unknown option " + arg);
        } else {
            positional.push_back(arg);
        }
    }
    if (positional.size() != 2)
        throw kld_report::usage_error("expected two files, BASE and TEST, got " + std::to_string(positional.size()));
    a.base = positional[0];
    a.test = positional[1];
    return a;
}

/// A progress bar on standard error when it is a terminal: tokens done, rate, time left.
class progress_bar {
public:
    progress_bar() : start_(std::chrono::steady_clock::now()), last_(start_) {}
    void operator()(std::size_t done, std::size_t total) {
        const auto now = std::chrono::steady_clock::now();
        if (done < total && now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        const double seconds = std::chrono::duration<double>(now - start_).count();
        const double rate = seconds > 0 ? double(done) / seconds : 0;
        const double left = rate > 0 ? double(total - done) / rate : 0;
        constexpr int width = 30;
        const int filled = total > 0 ? static_cast<int>(width * double(done) / double(total)) : width;
        std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu tokens, %.0f tokens/s, %.0f s left   ", filled,
                     "##############################", width - filled, "", done, total, rate, left);
        if (done >= total) std::fputc('\n', stderr);
        std::fflush(stderr);
    }

private:
    std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace

int main(int argc, char** argv) {
    try {
        arguments a = parse_arguments(argc, argv);
        const kld_report::logit_source base(a.base);
        const kld_report::logit_source test(a.test);
        std::unique_ptr<kld_report::token_source> tokens;
        if (a.tokens) tokens = std::make_unique<kld_report::token_source>(*a.tokens);
        if (isatty(STDERR_FILENO) != 0) a.options.progress = progress_bar();
        const kld_report::per_token_values values = kld_report::compute_per_token(base, test, tokens.get(), a.options);
        const kld_report::report r = kld_report::summarize_report(values, base, test, a.options.top_k);
        const std::string text = kld_report::format_text(r);
        std::fwrite(text.data(), 1, text.size(), stdout);
        if (a.json) {
            const std::string json = kld_report::format_json(r);
            if (*a.json == "-")
                std::fwrite(json.data(), 1, json.size(), stdout);
            else
                kld_report::write_file(*a.json, json);
        }
        return std::fflush(stdout) == 0 ? 0 : 1;
    } catch (const kld_report::input_error& e) {
        std::fprintf(stderr, "kld-report: %s\n", e.what());
        return 2;
    } catch (const kld_report::usage_error& e) {
        std::fprintf(stderr, "kld-report: %s (kld-report --help for usage)\n", e.what());
        return 2;
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "kld-report: out of memory\n");
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "kld-report: %s\n", e.what());
        return 1;
    }
}
