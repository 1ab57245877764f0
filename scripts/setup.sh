#!/usr/bin/env bash
# Create .venv and install hoidap offline-capable, with the CPU torch wheel pinned first,
# and Debian's OCR tools (Tesseract with its Vietnamese model, Poppler) for scanned PDFs.
# Usage: scripts/setup.sh [--test]   (--test adds the test dependencies)
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
[ "${1:-}" = "--test" ] && extras="[test]"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# torch first and pinned: any unpinned torch requirement would pull GBs of CUDA wheels.
.venv/bin/python -m pip install --quiet -c constraints.txt "torch==2.13.0"
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".${extras}"
bash scripts/system-packages.sh ocr || echo "OCR tools missing: scanned PDF pages will be reported, not read." >&2
