#!/usr/bin/env bash
# Main job on a fresh machine: set up, (re)build the index of the bundled corpus if needed,
# and start the web chat on http://127.0.0.1:7860 (HOIDAP_HOST / HOIDAP_PORT to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GRADIO_ANALYTICS_ENABLED=False
.venv/bin/hoidap ingest            # incremental: unchanged documents are not re-embedded
exec .venv/bin/hoidap web "$@"
