#!/usr/bin/env bash
# Build Proofshot's AppImage runtime from Debian packages (see runtime.c for why).
# Usage: build.sh OUTPUT
# Needs: gcc, libsquashfuse-dev, libfuse3-dev, libzstd-dev, liblzma-dev, liblz4-dev,
#        liblzo2-dev, zlib1g-dev (scripts/package.sh installs them on Debian when missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build.sh OUTPUT}"
cc="${CC:-gcc}"
# Everything but glibc is linked statically, so the AppImage runs where libsquashfuse and
# libfuse3 are not installed. -Os: the runtime is copied into every AppImage.
"$cc" -Os -Wall -Wextra -Wno-unused-parameter -D_FILE_OFFSET_BITS=64 \
  -I/usr/include/squashfuse -o "$out" "$here/runtime.c" \
  -Wl,-Bstatic -lsquashfuse_ll -lsquashfuse -lfuse3 -lzstd -llzma -llz4 -llzo2 -lz \
  -Wl,-Bdynamic -lpthread -ldl
# Type-2 AppImage magic: "AI" and the type (2) at offset 8 of the ELF header (EI_PAD).
printf 'AI\x02' | dd of="$out" bs=1 seek=8 count=3 conv=notrunc status=none
