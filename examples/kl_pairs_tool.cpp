// The single-process side of the MPI example:
//   kl_pairs_tool write <file> <samples> <seed>   writes (log_q, log_p) float pairs of x ~ N(0, 1)
//                                                 for q = N(0, 1), p = N(0.2, 1.1²)
//   kl_pairs_tool estimate <file>                 kl_estimates(kldiv::par, ...) over the whole file
// The estimate's output is compared bit for bit with `mpirun -np k mpi_kl_estimates <file>`.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <kldiv/random/engine.hpp>
#include <kldiv/random/normal.hpp>

#include "kl_pairs.hpp"

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "write" && argc == 5) {
        const std::size_t n = std::stoull(argv[3]);
        kldiv::random_engine engine(std::stoull(argv[4]));
        std::ofstream out(argv[2], std::ios::binary);
        const double log_norm = -0.5 * std::log(2 * 3.141592653589793);
        for (std::size_t i = 0; i < n; ++i) {
            const double x = kldiv::standard_normal(engine);
            const double z = (x - 0.2) / 1.1;
            const float pair[2] = {static_cast<float>(log_norm - 0.5 * x * x),
                                   static_cast<float>(log_norm - std::log(1.1) - 0.5 * z * z)};
            for (const float v : pair) {
                const auto bits = std::bit_cast<std::uint32_t>(v);
                for (int b = 0; b < 4; ++b) out.put(static_cast<char>((bits >> (8 * b)) & 0xFF));
            }
        }
        return out ? 0 : 1;
    }
    if (mode == "estimate" && argc == 3) {
        std::ifstream in(argv[2], std::ios::binary);
        const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in || bytes.size() % 8 != 0) {
            std::fprintf(stderr, "kl_pairs_tool: %s is not a file of float pairs\n", argv[2]);
            return 1;
        }
        std::vector<float> log_q, log_p;
        kl_pairs::decode(bytes, log_q, log_p);
        kl_pairs::print(kldiv::kl_estimates(kldiv::par, log_q, log_p));
        return 0;
    }
    std::fprintf(stderr, "usage: kl_pairs_tool write <file> <samples> <seed> | estimate <file>\n");
    return 2;
}
