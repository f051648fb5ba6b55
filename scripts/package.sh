#!/usr/bin/env bash
# Build Proofshot's Linux desktop bundle: `make package` calls this.
#
#   dist/proofshot/                               the PyInstaller one-folder bundle
#   dist/Proofshot-VERSION-linux-ARCH.tar.gz     the bundle with .desktop, AppStream, icons,
#                                                 and install.sh
#   dist/Proofshot-VERSION-ARCH.AppImage          the same tree as a type-2 AppImage
#   dist/SHA256SUMS                               hashes of the two downloads
#
# Tools come from PyPI (PyInstaller, in the venv's `package` extra) and Debian (squashfs-tools,
# gcc and the static libraries the AppImage runtime links); see docs/packaging.md.
# Environment: PYTHON (default .venv/bin/python), PROOFSHOT_CLEAN=1 for a clean PyInstaller
# build, PROOFSHOT_REUSE_BUNDLE=1 to package an existing dist/proofshot again,
# PROOFSHOT_SKIP_APPIMAGE=1 to stop after the tarball, PROOFSHOT_BUILD_COMMIT to
# record a commit id in build-identity.json, SOURCE_DATE_EPOCH for archive timestamps.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
DIST="$ROOT/dist"
WORK="$ROOT/build/pyinstaller"
APP_ID=org.proofshot.Proofshot
ARCH="$(uname -m)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-315532800}"  # 1980-01-01: stable archives

say() { printf '\n== %s\n' "$*" >&2; }

# -- tools ---------------------------------------------------------------------------------
if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  say "PyInstaller is missing: installing the 'package' extra into the venv"
  "$PY" -m pip install --quiet -e ".[package]" || true
  "$PY" -c "import PyInstaller" 2>/dev/null || "$PY" -m pip install --quiet "pyinstaller>=6.10"
fi
need=()
command -v mksquashfs >/dev/null || need+=(squashfs-tools)
command -v gcc >/dev/null || need+=(gcc)
for lib in libsquashfuse.a libfuse3.a libzstd.a liblzma.a liblz4.a liblzo2.a libz.a; do
  [ -e "/usr/lib/$ARCH-linux-gnu/$lib" ] || [ -e "/usr/lib/$lib" ] || need+=("$lib")
done
[ -n "${PROOFSHOT_SKIP_APPIMAGE:-}" ] && need=()
# Qt's X11 platform plug-in links these; PyInstaller bundles them only when the build machine
# has them, and many desktops lack one or two (libxcb-cursor0 above all).
xcb_libs=(libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-cursor.so.0 libxcb-image.so.0
          libxcb-render-util.so.0 libxcb-shape.so.0 libxcb-xinerama.so.0 libxkbcommon-x11.so.0)
for lib in "${xcb_libs[@]}"; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || need+=("$lib")
done
if [ ${#need[@]} -gt 0 ]; then
  pkgs=(squashfs-tools gcc libc6-dev libsquashfuse-dev libfuse3-dev libzstd-dev liblzma-dev
        liblz4-dev liblzo2-dev zlib1g-dev libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0
        libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxkbcommon-x11-0)
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "Installing Debian packages for the bundle and the AppImage: ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  else
    echo "Missing ${need[*]}. On Debian/Ubuntu: sudo apt-get install ${pkgs[*]}" >&2
    exit 1
  fi
fi

VERSION="$("$PY" -c 'import app; print(app.__version__)')"
STEM="Proofshot-$VERSION"

# -- the one-folder bundle -----------------------------------------------------------------
BUNDLE="$DIST/proofshot"
if [ -n "${PROOFSHOT_REUSE_BUNDLE:-}" ] && [ -x "$BUNDLE/proofshot" ]; then
  say "Reusing the bundle in $BUNDLE (PROOFSHOT_REUSE_BUNDLE)"
else
  say "PyInstaller one-folder build (several minutes on two cores)"
  clean=()
  [ -n "${PROOFSHOT_CLEAN:-}" ] && clean=(--clean)
  started=$(date +%s)
  "$PY" -m PyInstaller --noconfirm "${clean[@]}" --log-level WARN \
    --distpath "$DIST" --workpath "$WORK" packaging/proofshot.spec
  echo "PyInstaller took $(( $(date +%s) - started )) s" >&2
fi
test -x "$BUNDLE/proofshot"
test -f "$BUNDLE/_internal/build-identity.json"

# -- the install tree (shared by the tarball and the AppDir) -------------------------------
say "Assembling the install tree"
TREE="$DIST/$STEM-linux-$ARCH"
rm -rf "$TREE"
mkdir -p "$TREE/bin" "$TREE/lib" "$TREE/share/applications" "$TREE/share/metainfo"
cp -al "$BUNDLE" "$TREE/lib/proofshot"  # hard links: no second copy of 700 MB
ln -s ../lib/proofshot/proofshot "$TREE/bin/proofshot"
cp packaging/linux/$APP_ID.desktop "$TREE/share/applications/"
cp packaging/linux/$APP_ID.metainfo.xml "$TREE/share/metainfo/"
cp -r packaging/icons/hicolor "$TREE/share/icons-hicolor.tmp"
mkdir -p "$TREE/share/icons"
mv "$TREE/share/icons-hicolor.tmp" "$TREE/share/icons/hicolor"
cp packaging/linux/install.sh "$TREE/install.sh"
chmod +x "$TREE/install.sh"

say "Tarball"
TARBALL="$DIST/$STEM-linux-$ARCH.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
  -C "$DIST" -cf - "$(basename "$TREE")" | gzip -6 -n > "$TARBALL.tmp"
mv "$TARBALL.tmp" "$TARBALL"

artifacts=("$(basename "$TARBALL")")
if [ -z "${PROOFSHOT_SKIP_APPIMAGE:-}" ]; then
  say "AppImage"
  APPDIR="$DIST/$STEM.AppDir"
  rm -rf "$APPDIR"
  mkdir -p "$APPDIR"
  cp -al "$TREE" "$APPDIR/usr"
  rm "$APPDIR/usr/install.sh"
  cp packaging/linux/AppRun "$APPDIR/AppRun"
  chmod +x "$APPDIR/AppRun"
  cp packaging/linux/$APP_ID.desktop "$APPDIR/"
  cp packaging/icons/hicolor/256x256/apps/$APP_ID.png "$APPDIR/"
  ln -s $APP_ID.png "$APPDIR/.DirIcon"
  RUNTIME="$WORK/appimage-runtime"
  packaging/linux/appimage-runtime/build.sh "$RUNTIME"
  SQUASHFS="$WORK/$STEM.squashfs"
  # zstd: small, and the fastest to decompress at every start.
  # (mksquashfs takes every timestamp from SOURCE_DATE_EPOCH, exported above.)
  mksquashfs "$APPDIR" "$SQUASHFS" -noappend -all-root -comp zstd -Xcompression-level 15 \
    -b 1M -quiet -no-progress
  APPIMAGE="$DIST/$STEM-$ARCH.AppImage"
  cat "$RUNTIME" "$SQUASHFS" > "$APPIMAGE.tmp"
  chmod +x "$APPIMAGE.tmp"
  mv "$APPIMAGE.tmp" "$APPIMAGE"
  rm -f "$SQUASHFS"
  artifacts+=("$(basename "$APPIMAGE")")
fi

(cd "$DIST" && sha256sum "${artifacts[@]}" > SHA256SUMS)
say "Built"
du -sh "$BUNDLE" | sed 's/^/bundle folder: /' >&2
(cd "$DIST" && ls -l "${artifacts[@]}" SHA256SUMS) >&2
"$PY" -c 'import json,sys; m=json.load(open(sys.argv[1])); print("bundle sha256:", m["bundle_sha256"], "(" + str(len(m["files"])) + " files)")' \
  "$BUNDLE/_internal/build-identity.json" >&2
