#!/usr/bin/env bash
# Set up with test dependencies (and Debian's Chromium for the browser tests) and run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "Chromium/chromedriver missing and cannot be installed here: browser tests will be skipped." >&2
  fi
fi
export GRADIO_ANALYTICS_ENABLED=False OMP_NUM_THREADS=1 HF_HUB_OFFLINE=1
.venv/bin/python -m pytest "$@"
