#!/bin/sh
# Install Proofshot from this unpacked tarball, or remove it again.
#
#   ./install.sh                 as root: /opt/proofshot, command in /usr/local/bin,
#                                menu entry in /usr/local/share; otherwise the same under
#                                ~/.local (~/.local/opt/proofshot, ~/.local/bin, ...)
#   ./install.sh --prefix DIR    the program in DIR (with --bindir DIR for the command
#                                link and --datadir DIR for the menu entry and icons)
#   ./install.sh --uninstall     remove what an install with the same options put there
#
# The program folder is copied as built: its files must stay byte for byte as listed in
# lib/proofshot/_internal/build-identity.json (`proofshot --self-test` checks them).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
app_id=org.proofshot.Proofshot
if [ "$(id -u)" = 0 ]; then
  prefix=/opt/proofshot; bindir=/usr/local/bin; share=/usr/local/share
else
  prefix="$HOME/.local/opt/proofshot"; bindir="$HOME/.local/bin"; share="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --bindir) bindir="$2"; shift 2 ;;
    --datadir) share="$2"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

icons() { (cd "$here/share/icons/hicolor" && find . -type f); }

if [ "$uninstall" = 1 ]; then
  rm -rf "$prefix/lib/proofshot"
  rmdir "$prefix/lib" "$prefix" 2>/dev/null || true
  rm -f "$bindir/proofshot" "$share/applications/$app_id.desktop" "$share/metainfo/$app_id.metainfo.xml"
  for f in $(icons); do rm -f "$share/icons/hicolor/$f"; done
  echo "Removed Proofshot from $prefix."
  exit 0
fi

mkdir -p "$prefix/lib" "$bindir" "$share/applications" "$share/metainfo"
# Only lib/proofshot is ever replaced or removed, whatever --prefix names.
rm -rf "$prefix/lib/proofshot.new"
cp -a "$here/lib/proofshot" "$prefix/lib/proofshot.new"
rm -rf "$prefix/lib/proofshot"
mv "$prefix/lib/proofshot.new" "$prefix/lib/proofshot"
ln -sf "$prefix/lib/proofshot/proofshot" "$bindir/proofshot"
sed "s|^Exec=proofshot|Exec=$prefix/lib/proofshot/proofshot|; s|^TryExec=proofshot|TryExec=$prefix/lib/proofshot/proofshot|" \
  "$here/share/applications/$app_id.desktop" > "$share/applications/$app_id.desktop"
cp "$here/share/metainfo/$app_id.metainfo.xml" "$share/metainfo/"
for f in $(icons); do
  mkdir -p "$share/icons/hicolor/$(dirname "$f")"
  cp "$here/share/icons/hicolor/$f" "$share/icons/hicolor/$f"
done
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "Installed Proofshot in $prefix; run 'proofshot' (from $bindir) or use the menu entry."
