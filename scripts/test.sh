#!/usr/bin/env bash
# Set up with test dependencies (Debian's OCR tools, and Chromium for the browser tests) and run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/system-packages.sh browser || echo "Chromium/chromedriver missing: browser tests will be skipped." >&2
export GRADIO_ANALYTICS_ENABLED=False OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1
.venv/bin/python -m pytest "$@"
