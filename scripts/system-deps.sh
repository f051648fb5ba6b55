#!/usr/bin/env bash
# Install the Debian packages Proofshot's tests and window need, when they are missing.
# Runs apt-get only where it must (root, Debian-like); elsewhere it says what to install.
set -euo pipefail
need=()
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v qpdf >/dev/null || need+=(qpdf)
command -v openssl >/dev/null || need+=(openssl)
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
# OCR (issue 19): Tesseract and its packaged models; nothing is downloaded at run time.
command -v tesseract >/dev/null || need+=(tesseract-ocr)
for lang in chi_sim chi_tra jpn eng; do
  ls /usr/share/tesseract-ocr/*/tessdata/"$lang".traineddata >/dev/null 2>&1 || need+=("tesseract-ocr-$lang")
done
for lib in libEGL.so.1 libxkbcommon.so.0 libnss3.so libxkbfile.so.1 libXcomposite.so.1 libXdamage.so.1 \
           libXrandr.so.2 libXtst.so.6 libasound.so.2 libfontconfig.so.1 libdbus-1.so.3 libxcb-cursor.so.0 \
           libXi.so.6 libgbm.so.1 libxshmfence.so.1; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || need+=("$lib")
done
[ ${#need[@]} -eq 0 ] && exit 0
pkgs=(poppler-utils qpdf openssl libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libnss3 libxkbfile1
      libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxi6 libasound2 libfontconfig1 libdbus-1-3
      libxcb-cursor0 libgbm1 libxshmfence1 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
      libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 fonts-noto-cjk desktop-file-utils
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-jpn)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${pkgs[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
else
  echo "Missing system packages (${need[*]}). On Debian/Ubuntu: sudo apt-get install ${pkgs[*]}" >&2
fi
