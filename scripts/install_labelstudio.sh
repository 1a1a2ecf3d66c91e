#!/usr/bin/env bash
# Install the Label Studio server in its own venv (default: .ls-venv in the repo root).
#
# Why a separate venv: label-studio pins ~60 packages (pyarrow>=24,<25 among them) that clash with
# the builder's own dependencies; the builder only talks to the server over HTTP with label-studio-sdk.
# Every package in that venv is pinned by scripts/labelstudio-constraints.txt: label-studio gives most
# of its dependencies only a lower bound, so a new release of one of them (sentry-sdk 3.0) can stop
# the server from starting.
# Idempotent: a venv installed from the same constraints file is left as it is; any other is rebuilt.
#
# Usage: scripts/install_labelstudio.sh            (PYTHON=python3.11 and LS_VENV=... may be set)
set -euo pipefail

VERSION="1.23.2"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LS_VENV:-$ROOT/.ls-venv}"
PYTHON="${PYTHON:-python3}"
CONSTRAINTS="$ROOT/scripts/labelstudio-constraints.txt"
STAMP="$VENV/.constraints.sha256"

installed() {
    "$VENV/bin/python" - "$VERSION" <<'PY' 2>/dev/null
import sys
import label_studio
sys.exit(label_studio.__version__ != sys.argv[1])
PY
}

pinned() {
    [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(sha256sum "$CONSTRAINTS" | cut -d' ' -f1)" ]
}

if pinned && installed; then
    echo "label-studio $VERSION already installed in $VENV"
    exit 0
fi

echo "installing label-studio $VERSION into $VENV"
"$PYTHON" -m venv --clear "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$CONSTRAINTS" "label-studio==$VERSION"
installed || { echo "error: $VENV does not import label-studio $VERSION after install" >&2; exit 1; }
sha256sum "$CONSTRAINTS" | cut -d' ' -f1 > "$STAMP"
echo "label-studio $VERSION installed in $VENV"
