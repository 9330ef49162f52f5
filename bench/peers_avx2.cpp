// The peers' forms (bench/peer_xsimd.cpp, bench/peer_highway.cpp) built for AVX2 + FMA instead of
// -march=native, for bench/instruction_counts.cpp: valgrind, which counts the instructions, has
// no AVX-512, and kldiv's run-time dispatch takes its AVX2 clones under it. The same source, so
// the counted loops are the benchmarked ones at half the register width.
#include "peer_xsimd.cpp"
#include "peer_highway.cpp"
