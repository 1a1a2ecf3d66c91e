#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run them.
#   .venv        the project (editable) with its test extra
#   .ls-venv     a Label Studio server in its own venv (its pins clash with ours)
#   chromium     Debian's headless browser, for the editor check
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -e '.[test]'
bash scripts/install_labelstudio.sh
bash scripts/install_browser.sh
.venv/bin/ruff check dataset_builder tests scripts
.venv/bin/ruff format --check dataset_builder tests scripts
exec .venv/bin/pytest "$@"
