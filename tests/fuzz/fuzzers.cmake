# One line per fuzzer (see CMakeLists.txt for kldiv_add_fuzzer's arguments).
kldiv_add_fuzzer(discrete)
# kld-report's readers (apps/kld_report, header-only): llama.cpp base files and NumPy .npy
kldiv_add_fuzzer(kld_readers)
kldiv_add_fuzzer(families)
kldiv_add_fuzzer(serialization)
# kl_estimates with its options, the policy overload and kl_estimates_by_chunk
kldiv_add_fuzzer(estimators)
# kraft_sum, shannon_code_lengths, huffman_code, canonical_code, expected_code_length
kldiv_add_fuzzer(coding)
# the f-divergence built-ins and f_divergence_estimator
kldiv_add_fuzzer(f_divergence)
