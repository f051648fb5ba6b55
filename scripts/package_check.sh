#!/usr/bin/env bash
# Smoke test of the built Linux bundle: `make package-check` calls this.
#
# Builds with scripts/package.sh (PROOFSHOT_SKIP_BUILD=1 reuses dist/), then runs the BUILT
# binary, never the sources:
#   1. --version and --version --verbose (hash = build-identity.json), with start-up times;
#   2. --self-test: every bundle file re-hashed, resources present, the real start window
#      and a QWebEngineView rendering a page (QtWebEngineProcess, ICU) offscreen;
#   3. demo CASE, then verify CASE;
#   4. --self-test --export (demo case exported and verified through the core), then
#      export CASE --out DIR and verify-bundle on its archive (when the CLI has them);
#   5. capture of the bundled demo AI site on 127.0.0.1 (when the CLI has capture/demo-site);
#   6. the window itself (no arguments, then on the demo case) for a few seconds, offscreen;
#   7. the AppImage (FUSE mount, or extract-and-run without FUSE) and the unpacked tarball.
# Writes a summary to dist/package-check.txt; exits non-zero when any run step fails.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
DIST="${PROOFSHOT_DIST:-$ROOT/dist}"
WINDOW_SECONDS="${PROOFSHOT_WINDOW_SECONDS:-5}"

if [ -z "${PROOFSHOT_SKIP_BUILD:-}" ]; then
  bash scripts/package.sh || { echo "package-check: the build failed" >&2; exit 1; }
fi

BUNDLE="$DIST/proofshot"
BIN="$BUNDLE/proofshot"
[ -x "$BIN" ] || { echo "package-check: no built binary at $BIN" >&2; exit 1; }
VERSION="$("$PY" -c 'import app; print(app.__version__)')"
APPIMAGE="$(ls "$DIST"/Proofshot-"$VERSION"-*.AppImage 2>/dev/null | head -1)"
TARBALL="$(ls "$DIST"/Proofshot-"$VERSION"-linux-*.tar.gz 2>/dev/null | head -1)"

ORIGINAL_TMPDIR="${TMPDIR:-/tmp}"
WORKDIR="$(mktemp -d "$ORIGINAL_TMPDIR/proofshot-package-check.XXXXXX")"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  rm -rf "$WORKDIR"
}
trap cleanup EXIT

# A fresh user: no settings, cache, keyring or recent cases of the person running the check.
export HOME="$WORKDIR/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache" XDG_DATA_HOME="$HOME/.local/share"
export PROOFSHOT_CONFIG_DIR="$XDG_CONFIG_HOME/proofshot" PROOFSHOT_CACHE_DIR="$XDG_CACHE_HOME/proofshot"
export PROOFSHOT_OPERATOR="Package Check"
export PROOFSHOT_TSA_URLS=""  # no timestamp authority is asked: the check runs offline
export QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"
# Chromium's sandbox cannot start as root; that is this test's situation, not the app's.
[ "$(id -u)" = 0 ] && export QTWEBENGINE_DISABLE_SANDBOX=1

SUMMARY="$DIST/package-check.txt"
: > "$SUMMARY"
failures=0
note() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }
pass() { note "PASS $*"; }
fail() { note "FAIL $*"; failures=$((failures + 1)); }
skip() { note "SKIP $*"; }
now() { date +%s.%N; }
elapsed() { "$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }

# Lines on stderr that mean something is broken. Chromium's complaints about a missing
# D-Bus or GPU in a container are expected and not listed here.
BAD_OUTPUT='Traceback|ModuleNotFoundError|ImportError|No such file or directory: .*_internal|Could not find QtWebEngineProcess|QtWebEngineProcess.*(not found|No such)|resources not found|icudtl|Could not load the Qt platform plugin|qt.qpa.plugin: Could not|Fatal|Segmentation fault|core dumped'

check_output() {  # name file
  if grep -Eq "$BAD_OUTPUT" "$2"; then
    fail "$1: error output: $(grep -E "$BAD_OUTPUT" "$2" | head -3 | tr '\n' ' ')"
    return 1
  fi
  return 0
}

note "Proofshot $VERSION package check, $(date -u +%FT%TZ), bundle $BUNDLE"
note "bundle folder: $(du -sm "$BUNDLE" | cut -f1) MB, $(find "$BUNDLE" -type f | wc -l) files"
[ -n "$TARBALL" ] && note "tarball: $(basename "$TARBALL") $(( $(stat -c %s "$TARBALL") / 1048576 )) MB"
[ -n "$APPIMAGE" ] && note "AppImage: $(basename "$APPIMAGE") $(( $(stat -c %s "$APPIMAGE") / 1048576 )) MB"
MANIFEST_HASH="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["bundle_sha256"])' "$BUNDLE/_internal/build-identity.json")"

# -- 1. version -------------------------------------------------------------------------------
times=()
for _ in 1 2 3; do
  t0=$(now); out="$("$BIN" --version 2>"$WORKDIR/version.err")"; rc=$?; t1=$(now)
  times+=("$(elapsed "$t0" "$t1")")
done
if [ $rc = 0 ] && [ "$out" = "proofshot $VERSION" ] && check_output "--version" "$WORKDIR/version.err"; then
  pass "--version prints '$out' (start-up times: ${times[*]} s)"
else
  fail "--version: rc=$rc output '$out'"
fi
t0=$(now)
"$BIN" --version --verbose > "$WORKDIR/verbose.out" 2> "$WORKDIR/verbose.err"; rc=$?
t1=$(now)
if [ $rc = 0 ] && grep -q "^code_sha256: $MANIFEST_HASH$" "$WORKDIR/verbose.out" \
   && grep -q "^frozen: true$" "$WORKDIR/verbose.out"; then
  pass "--version --verbose: code_sha256 $MANIFEST_HASH = build-identity.json ($(elapsed "$t0" "$t1") s)"
  if grep -q "^code_check:" "$WORKDIR/verbose.out"; then
    if grep -q "^code_check: ok" "$WORKDIR/verbose.out"; then
      pass "--version --verbose re-hashed the bundle: $(grep '^code_check:' "$WORKDIR/verbose.out")"
    else
      fail "--version --verbose: $(grep '^code_check:' "$WORKDIR/verbose.out")"
    fi
  fi
else
  fail "--version --verbose (rc=$rc): $(head -c 600 "$WORKDIR/verbose.out")"
fi

# -- 2. self-test -----------------------------------------------------------------------------
t0=$(now)
"$BIN" --self-test --seconds 2 > "$WORKDIR/selftest.out" 2> "$WORKDIR/selftest.err"; rc=$?
t1=$(now)
if [ $rc = 0 ] && grep -q "SELF-TEST PASSED" "$WORKDIR/selftest.out" && check_output "--self-test" "$WORKDIR/selftest.err"; then
  pass "--self-test ($(elapsed "$t0" "$t1") s incl. 2 s shown):"
  grep -E "^(PASS|FAIL) " "$WORKDIR/selftest.out" | sed 's/^/       /' | tee -a "$SUMMARY"
else
  fail "--self-test (rc=$rc):"
  sed 's/^/       /' "$WORKDIR/selftest.out" | tee -a "$SUMMARY"
  tail -20 "$WORKDIR/selftest.err" >&2
fi

# -- 3. demo case -----------------------------------------------------------------------------
CASE="$WORKDIR/Demo.proofshot"
t0=$(now)
if "$BIN" demo "$CASE" > "$WORKDIR/demo.out" 2> "$WORKDIR/demo.err" && check_output demo "$WORKDIR/demo.err"; then
  pass "demo: $(tail -1 "$WORKDIR/demo.out") ($(elapsed "$t0" "$(now)") s)"
else
  fail "demo: $(tail -5 "$WORKDIR/demo.err" | tr '\n' ' ')"
fi
if "$BIN" verify "$CASE" > "$WORKDIR/verify.out" 2> "$WORKDIR/verify.err"; then
  pass "verify: $(head -1 "$WORKDIR/verify.out")"
else
  fail "verify: $(head -3 "$WORKDIR/verify.out" | tr '\n' ' ') $(tail -3 "$WORKDIR/verify.err" | tr '\n' ' ')"
fi

# -- 4. export + verify-bundle ----------------------------------------------------------------
# First through the core functions, which every build has (--self-test --export builds the
# demo case in a temporary folder, exports it, and runs the bundle verifier on the archive)...
t0=$(now)
if "$BIN" --self-test --no-window --export > "$WORKDIR/export-self.out" 2> "$WORKDIR/export-self.err" \
   && grep -q "^PASS export" "$WORKDIR/export-self.out" && check_output "export (self-test)" "$WORKDIR/export-self.err"; then
  pass "export + verify (core, --self-test --export, $(elapsed "$t0" "$(now)") s): $(grep '^PASS export' "$WORKDIR/export-self.out" | cut -c13-)"
else
  fail "export + verify (core, --self-test --export): $(grep -E '^FAIL' "$WORKDIR/export-self.out" | head -3 | tr '\n' ' ') $(tail -5 "$WORKDIR/export-self.err" | tr '\n' ' ')"
fi
# ...then through the command line, when this build's CLI offers the commands.
"$BIN" --help > "$WORKDIR/help.out" 2>&1
has_command() { grep -Eq "^\s+$1\s|[{,]$1[,}]" "$WORKDIR/help.out"; }
if has_command export && has_command verify-bundle; then
  OUT="$WORKDIR/export"
  t0=$(now)
  if "$BIN" export "$CASE" --out "$OUT" --json > "$WORKDIR/export.json" 2> "$WORKDIR/export.err" \
     && check_output export "$WORKDIR/export.err"; then
    pdfs=$(find "$OUT" -name '*.pdf' | wc -l)
    first_pdf="$(find "$OUT" -name '*.pdf' | sort | head -1)"
    if [ "$pdfs" -gt 0 ] && head -c 5 "$first_pdf" | grep -q '%PDF-'; then
      pass "export: $pdfs PDF file(s) in $(elapsed "$t0" "$(now)") s, e.g. $(basename "$first_pdf")"
      if command -v pdffonts >/dev/null; then
        if pdffonts "$first_pdf" | awk 'NR>2 && $(NF-4)!="yes" {bad=1} END {exit bad}'; then
          pass "export: every font in $(basename "$first_pdf") is embedded (pdffonts)"
        else
          fail "export: a font is not embedded in $(basename "$first_pdf")"
        fi
      fi
    else
      fail "export: no PDF written under $OUT"
    fi
    targets="$("$PY" - "$WORKDIR/export.json" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
archive = data.get("archive") or {}
for value in (archive.get("folder"), archive.get("zip"), data.get("signed")):
    if value:
        print(value)
EOF
)"
    [ -n "$targets" ] || targets="$(find "$OUT" -maxdepth 2 -name '*.zip' | head -1)"
    if [ -z "$targets" ]; then
      fail "verify-bundle: the export named no archive to check"
    fi
    for target in $targets; do
      if "$BIN" verify-bundle "$target" > "$WORKDIR/vb.out" 2> "$WORKDIR/vb.err"; then
        pass "verify-bundle $(basename "$target"): $(head -1 "$WORKDIR/vb.out")"
      else
        fail "verify-bundle $(basename "$target"): $(head -5 "$WORKDIR/vb.out" | tr '\n' ' ') $(tail -3 "$WORKDIR/vb.err" | tr '\n' ' ')"
      fi
    done
  else
    fail "export: $(tail -5 "$WORKDIR/export.err" | tr '\n' ' ')"
  fi
else
  skip "export + verify-bundle: this build's CLI does not offer them yet"
fi

# -- 5. headless capture of the demo site -----------------------------------------------------
if has_command capture && has_command demo-site; then
  PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  "$BIN" demo-site --port "$PORT" > "$WORKDIR/site.out" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 50); do
    "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.2).close()" "$PORT" 2>/dev/null && break
    sleep 0.2
  done
  t0=$(now)
  if "$BIN" capture "$CASE" "http://127.0.0.1:$PORT/" --timeout 60 > "$WORKDIR/capture.out" 2> "$WORKDIR/capture.err" \
     && check_output capture "$WORKDIR/capture.err"; then
    pass "capture of the demo site through the bundled QtWebEngine ($(elapsed "$t0" "$(now)") s): $(grep -m1 '^Capture' "$WORKDIR/capture.out")"
  else
    fail "capture: $(tail -3 "$WORKDIR/capture.out" | tr '\n' ' ') $(tail -5 "$WORKDIR/capture.err" | tr '\n' ' ')"
  fi
  kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=""
else
  skip "capture: this build's CLI does not offer capture/demo-site yet"
fi

# -- 6. the window ----------------------------------------------------------------------------
run_window() {  # name args...
  local name="$1"; shift
  "$BIN" "$@" > "$WORKDIR/window.out" 2> "$WORKDIR/window.err" &
  local pid=$!
  sleep "$WINDOW_SECONDS"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"; wait "$pid" 2>/dev/null
    if check_output "$name" "$WORKDIR/window.err"; then
      pass "$name: still up after $WINDOW_SECONDS s, no errors on stderr"
    fi
  else
    wait "$pid"; local rc=$?
    fail "$name: exited early (rc=$rc): $(tail -5 "$WORKDIR/window.err" | tr '\n' ' ')"
  fi
}
run_window "window (start screen)"
run_window "window (demo case)" "$CASE"
# The same on a real X server when one can be had: Qt's xcb plug-in and its libraries, as on
# a desktop. Screenshots of the window and the rendered page go to dist/package-check/.
if command -v xvfb-run >/dev/null; then
  SHOTS="$DIST/package-check"
  rm -rf "$SHOTS"
  if QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x900x24" \
       "$BIN" --self-test --seconds 2 --screenshot "$SHOTS" > "$WORKDIR/xvfb.out" 2> "$WORKDIR/xvfb.err" \
     && grep -q "SELF-TEST PASSED" "$WORKDIR/xvfb.out" && check_output "window (X11)" "$WORKDIR/xvfb.err"; then
    pass "window (X11 under Xvfb, xcb plug-in): start window and WebEngine page; screenshots in $SHOTS"
  else
    fail "window (X11 under Xvfb): $(grep -E '^FAIL' "$WORKDIR/xvfb.out" | head -3 | tr '\n' ' ') $(tail -5 "$WORKDIR/xvfb.err" | tr '\n' ' ')"
  fi
else
  skip "window under X11: xvfb-run is not installed (Debian: xvfb)"
fi

# -- 7. the AppImage and the tarball ----------------------------------------------------------
if [ -n "$APPIMAGE" ]; then
  # Mounting needs /dev/fuse, and fusermount3 unless root; otherwise run it extracted.
  if [ -e /dev/fuse ] && { [ "$(id -u)" = 0 ] || command -v fusermount3 >/dev/null; }; then
    mode="FUSE mount"
  else
    mode="extract-and-run (no FUSE here)"; export APPIMAGE_EXTRACT_AND_RUN=1
  fi
  AI_TMP="$WORKDIR/appimage-tmp"
  mkdir -p "$AI_TMP"
  export TMPDIR="$AI_TMP"
  t0=$(now)
  out="$("$APPIMAGE" --version --verbose 2> "$WORKDIR/ai.err")"; rc=$?
  if [ $rc = 0 ] && grep -q "^code_sha256: $MANIFEST_HASH$" <<<"$out"; then
    pass "AppImage ($mode) --version --verbose: same code_sha256 ($(elapsed "$t0" "$(now)") s)"
  else
    fail "AppImage ($mode) --version --verbose rc=$rc: $out $(tail -3 "$WORKDIR/ai.err")"
  fi
  if "$APPIMAGE" --self-test --seconds 1 > "$WORKDIR/ai-self.out" 2> "$WORKDIR/ai-self.err" \
     && grep -q "SELF-TEST PASSED" "$WORKDIR/ai-self.out"; then
    pass "AppImage ($mode) --self-test: $(grep -c '^PASS' "$WORKDIR/ai-self.out") checks passed"
  else
    fail "AppImage ($mode) --self-test: $(grep -E '^FAIL' "$WORKDIR/ai-self.out" | head -3 | tr '\n' ' ') $(tail -3 "$WORKDIR/ai-self.err" | tr '\n' ' ')"
  fi
  unset APPIMAGE_EXTRACT_AND_RUN
  # The runtime mounts under $TMPDIR (here, the check's own): nothing may stay behind.
  sleep 1
  left="$(find "$AI_TMP" -maxdepth 1 -name '.mount_*' | wc -l)"
  if [ "$left" = 0 ] && ! grep -q "$AI_TMP" /proc/mounts; then
    pass "AppImage: unmounted and removed its mount point after each run"
  else
    fail "AppImage: $left mount point(s) left in $AI_TMP"
  fi
  export TMPDIR="${ORIGINAL_TMPDIR:-/tmp}"
  if (cd "$WORKDIR" && "$APPIMAGE" --appimage-extract 'usr/share/*' >/dev/null) \
     && command -v desktop-file-validate >/dev/null; then
    if desktop-file-validate "$WORKDIR/squashfs-root/usr/share/applications/org.proofshot.Proofshot.desktop"; then
      pass "AppImage: its .desktop file validates"
    else
      fail "AppImage: desktop-file-validate"
    fi
  fi
else
  skip "AppImage: none built"
fi
if [ -n "$TARBALL" ]; then
  mkdir -p "$WORKDIR/tar"
  tar -xzf "$TARBALL" -C "$WORKDIR/tar"
  TBIN="$(ls -d "$WORKDIR"/tar/*/bin/proofshot | head -1)"
  if out="$("$TBIN" --self-test --no-window 2>&1)" && grep -q "SELF-TEST PASSED" <<<"$out"; then
    pass "tarball: bin/proofshot from the unpacked archive passes --self-test --no-window (files re-hashed)"
  else
    fail "tarball: $out"
  fi
else
  skip "tarball: none built"
fi

note ""
if [ "$failures" = 0 ]; then
  note "PACKAGE CHECK PASSED"
else
  note "PACKAGE CHECK FAILED: $failures step(s)"
fi
exit $(( failures > 0 ))
