#!/usr/bin/env bash
# Set up with test dependencies and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export GRADIO_ANALYTICS_ENABLED=False OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1
.venv/bin/python -m pytest "$@"
