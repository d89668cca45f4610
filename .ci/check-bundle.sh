#!/usr/bin/env bash
# The desktop bundle's self-test where no Python environment is set up: env -i (no PATH to the
# project's venv, no PYTHONPATH), a fresh HOME, run from an empty folder outside the source.
#
#     bash .ci/check-bundle.sh [dist/jarvis] [JARVIS_HOME holding a model to check as well]
#
# Prints the bundle's size and start times; exits non-zero when a part is broken.
set -euo pipefail
DIST=$(realpath "${1:-dist/jarvis}")
MODEL_HOME=${2:-}
[ -x "$DIST/jarvis" ] || { echo "error: no bundle at $DIST: build it with 'bash .ci/setup.sh bundle'" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/home" "$TMP/run" "$TMP/tmp"
cd "$TMP/run"
clean() { env -i HOME="$TMP/home" TMPDIR="$TMP/tmp" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

echo "bundle: $DIST"
echo "size: $(du -sh "$DIST" | cut -f1) ($(find "$DIST" -type f | wc -l) files)"
if clean sh -c 'command -v python3 >/dev/null && python3 -c "import jarvis_desktop"' 2>/dev/null; then
    echo "error: jarvis_desktop is importable in the clean environment: the check would prove nothing" >&2
    exit 1
fi
t0=$(date +%s.%N); clean "$DIST/jarvis" --help >/dev/null; t1=$(date +%s.%N)
echo "start (jarvis --help, cold): $(secs "$t0" "$t1") s"
t0=$(date +%s.%N); clean "$DIST/jarvis" --help >/dev/null; t1=$(date +%s.%N)
echo "start (jarvis --help, warm): $(secs "$t0" "$t1") s"
echo "--- jarvis --check (fresh HOME, no model)"
t0=$(date +%s.%N); clean "$DIST/jarvis" --check; t1=$(date +%s.%N)
echo "--check took $(secs "$t0" "$t1") s"
echo "--- the app itself (offscreen), then a second start"
t0=$(date +%s.%N)
# not through clean(): a backgrounded function is a subshell, and killing it would leave Jarvis running
env -i HOME="$TMP/home" TMPDIR="$TMP/tmp" PATH=/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
    "$DIST/jarvis" > "$TMP/app.log" 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null || true; rm -rf "$TMP"' EXIT
# its single-instance socket: in the data dir's run/ folder (no XDG_RUNTIME_DIR here), or under
# TMPDIR for a long data dir path
socket_made() { [ -S "$TMP/home/.local/share/jarvis/run/jarvis.sock" ] || compgen -G "$TMP/tmp/jarvis-*/*.sock" >/dev/null; }
for _ in $(seq 1 300); do  # it appears as the app builds its window
    socket_made && break
    kill -0 "$app" 2>/dev/null || { cat "$TMP/app.log"; echo "error: the app exited" >&2; exit 1; }
    sleep 0.05
done
t1=$(date +%s.%N)
socket_made || { cat "$TMP/app.log"; echo "error: the app made no single-instance socket in 15 s" >&2; exit 1; }
echo "app start to single-instance socket: $(secs "$t0" "$t1") s"
second=$(clean QT_QPA_PLATFORM=offscreen "$DIST/jarvis" 2>&1)
echo "second start: $second"
kill -0 "$app" 2>/dev/null || { cat "$TMP/app.log"; echo "error: the first app died" >&2; exit 1; }
kill "$app"; wait "$app" 2>/dev/null || true
if kill -0 "$app" 2>/dev/null; then echo "error: the app did not stop when asked" >&2; exit 1; fi
case "$second" in *"already running"*) ;; *) echo "error: the second start did not find the first" >&2; exit 1 ;; esac
if [ -n "$MODEL_HOME" ]; then
    echo "--- jarvis --check with the model in $MODEL_HOME"
    clean JARVIS_HOME="$(realpath "$MODEL_HOME")" "$DIST/jarvis" --check
fi
