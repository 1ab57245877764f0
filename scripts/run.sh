#!/usr/bin/env bash
# Main job on a fresh machine: set up, (re)build the index of the bundled corpus, sample search.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False
.venv/bin/hoidap ingest            # incremental: unchanged documents are not re-embedded
.venv/bin/hoidap search "Mục tiêu kinh tế số của Lào Cai đến năm 2030?" -k 3
