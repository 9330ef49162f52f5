# One line per fuzzer (see CMakeLists.txt for kldiv_add_fuzzer's arguments).
kldiv_add_fuzzer(discrete)
# kld-report's readers (apps/kld_report, header-only): llama.cpp base files and NumPy .npy
kldiv_add_fuzzer(kld_readers)
kldiv_add_fuzzer(families)
kldiv_add_fuzzer(serialization)
