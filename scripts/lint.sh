#!/usr/bin/env bash
# Lint (ruff: pycodestyle, pyflakes, import order, pyupgrade, no print) and type-check (mypy)
# with the settings in pyproject.toml. Run after scripts/setup.sh --test.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/mypy
