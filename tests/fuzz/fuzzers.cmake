# One line per fuzzer (see CMakeLists.txt for kldiv_add_fuzzer's arguments).
kldiv_add_fuzzer(discrete)
