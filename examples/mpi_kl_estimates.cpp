// KL estimates over a file of (log_q, log_p) float pairs on several MPI processes, with the
// bits of the single-process run:  mpirun -np 4 mpi_kl_estimates pairs.bin
// Each rank reads a contiguous shard of whole chunks (kldiv::kl_estimates_chunk_size samples),
// computes its per-chunk estimates with kldiv::par (all threads of its node share), encodes them
// with kldiv::to_bytes, and rank 0 gathers them in rank order and merges them left to right —
// exactly the merge kl_estimates(kldiv::par, all samples) performs, so the output is
// bit-identical for any number of ranks and threads.
#include <mpi.h>

#include <cstdio>
#include <string>
#include <vector>

#include <kldiv/estimators/kl_estimates.hpp>
#include <kldiv/estimators/serialization.hpp>

#include "kl_pairs.hpp"

namespace {

int run(int rank, int ranks, const char* path) {
    std::FILE* file = std::fopen(path, "rb");
    long long size = -1;
    if (file && std::fseek(file, 0, SEEK_END) == 0) size = std::ftell(file);
    if (size < 0 || size % 8 != 0) {
        if (rank == 0) std::fprintf(stderr, "mpi_kl_estimates: %s is not a file of float pairs\n", path);
        if (file) std::fclose(file);
        return 1;
    }
    // Whole chunks per rank: boundaries at multiples of the chunk size, contiguous, in rank order.
    const auto samples = static_cast<std::size_t>(size) / 8;
    const std::size_t chunk = kldiv::kl_estimates_chunk_size;
    const std::size_t chunks = (samples + chunk - 1) / chunk;
    const auto r = static_cast<std::size_t>(rank), p = static_cast<std::size_t>(ranks);
    const std::size_t begin = std::min(samples, chunks * r / p * chunk);
    const std::size_t end = std::min(samples, chunks * (r + 1) / p * chunk);

    std::vector<unsigned char> bytes((end - begin) * 8);
    const bool read_ok = std::fseek(file, static_cast<long>(begin * 8), SEEK_SET) == 0 &&
                         std::fread(bytes.data(), 1, bytes.size(), file) == bytes.size();
    std::fclose(file);
    if (!read_ok) {
        std::fprintf(stderr, "mpi_kl_estimates: rank %d could not read its shard\n", rank);
        return 1;
    }
    std::vector<float> log_q, log_p;
    kl_pairs::decode(bytes, log_q, log_p);

    std::string wire;
    for (const auto& set : kldiv::kl_estimates_by_chunk(kldiv::par, log_q, log_p)) wire += kldiv::to_bytes(set);

    // Gather every rank's chunk records at rank 0, in rank order.
    const int my_size = static_cast<int>(wire.size());
    std::vector<int> sizes(p), offsets(p);
    MPI_Gather(&my_size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::string all;
    if (rank == 0) {
        int total = 0;
        for (std::size_t i = 0; i < p; ++i) {
            offsets[i] = total;
            total += sizes[i];
        }
        all.resize(static_cast<std::size_t>(total));
    }
    MPI_Gatherv(wire.data(), my_size, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
    if (rank != 0) return 0;

    const std::size_t record = kldiv::to_bytes(kldiv::kl_estimate_set{}).size();
    kldiv::kl_estimate_set total;
    for (std::size_t at = 0; at < all.size(); at += record)
        total.merge(kldiv::kl_estimate_set_from_bytes(std::string_view(all).substr(at, record)));
    kl_pairs::print(total);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, ranks = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    int status = 2;
    if (argc != 2) {
        if (rank == 0) std::fprintf(stderr, "usage: mpirun -np <ranks> mpi_kl_estimates <pairs.bin>\n");
    } else {
        status = run(rank, ranks, argv[1]);
    }
    int worst = 0;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Finalize();
    return worst;
}
