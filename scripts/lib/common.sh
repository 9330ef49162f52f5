# Shared set-up for scripts/demo and scripts/test: find the repository, install missing Debian
# packages, configure a build directory (reused when it exists).
set -euo pipefail

KLDIV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KLDIV_JOBS="${KLDIV_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# Debian packages the build, tests, examples and benchmarks need.
KLDIV_PACKAGES=(cmake make g++ libeigen3-dev catch2 libbenchmark-dev libxsimd-dev libhwy-dev clang libclang-rt-14-dev python3-numpy libopenmpi-dev openmpi-bin)

kldiv_install_dependencies() {
    local missing=()
    for package in "${KLDIV_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if ((${#missing[@]} > 0)); then
        echo "kldiv: installing missing Debian packages: ${missing[*]}"
        local sudo=""
        [[ $(id -u) -eq 0 ]] || sudo="sudo"
        $sudo apt-get update -q
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
}

# kldiv_configure BUILD_DIR [cmake options...]
kldiv_configure() {
    local build_dir="$1"
    shift
    cmake -S "$KLDIV_ROOT" -B "$build_dir" "$@"
}
