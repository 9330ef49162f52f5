#!/usr/bin/env bash
# Instructions per element of kldiv's hot paths and the peers' forms (bench/instruction_counts.cpp),
# counted by valgrind (Debian's valgrind): each kernel run 11 times and once on 65536 elements
# (rows: 8 × 32 000 logits), the difference divided by ten runs' elements. AVX2 + FMA on both
# sides (valgrind has no AVX-512); docs/performance.md says what that implies for 512-bit code.
# Usage: bench/instruction_counts.sh [build dir]   (default build/counts)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/counts}"
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DKLDIV_BUILD_TESTS=OFF -DKLDIV_BUILD_EXAMPLES=OFF \
    -DKLDIV_BUILD_BENCHMARKS=ON -DKLDIV_INSTRUCTION_COUNTS=ON >/dev/null
cmake --build "$build" --target instruction_counts -j "${KLDIV_JOBS:-2}" >/dev/null
binary="$(find "$build" -name instruction_counts -type f -executable | head -n 1)"
count() {  # instructions executed by `binary KERNEL REPEATS`
    local out
    out="$(mktemp)"
    valgrind --tool=callgrind --callgrind-out-file="$out" "$binary" "$1" "$2" >/dev/null 2>&1
    awk '/^summary:/ {print $2}' "$out"
    rm -f "$out"
}
echo "kldiv's instruction set under valgrind: $(valgrind -q "$binary" isa 1)"
printf '%-26s %s\n' kernel "instructions per element"
for kernel in kl_estimates_k3_float xsimd_k3_float kl_estimates_all_float \
    kl_estimates_k3_double xsimd_k3_double kl_estimates_all_double \
    kl_divergence_float highway_kl_float kl_divergence_double highway_kl_double \
    kl_divergence_rows expm1mx_double rlogr_residual_double log1pmx_double exp_double; do
    elements=65536
    [[ $kernel == kl_divergence_rows ]] && elements=256000
    once="$(count "$kernel" 1)" eleven="$(count "$kernel" 11)"
    awk -v k="$kernel" -v a="$once" -v b="$eleven" -v n="$elements" 'BEGIN { printf "%-26s %.2f\n", k, (b - a) / (10 * n) }'
done
