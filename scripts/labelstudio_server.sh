#!/usr/bin/env bash
# Start a local Label Studio server for an annotation campaign (runs in the foreground; Ctrl-C stops it).
#
# It listens on 127.0.0.1 only and keeps all its state (database, exports) in one folder, so a
# campaign survives restarts and can be backed up by copying that folder. The admin account is
# created from the environment on the first start; later starts reuse the folder as it is.
#
#   LABEL_STUDIO_USERNAME=lead@example.org LABEL_STUDIO_PASSWORD='…' scripts/labelstudio_server.sh
#
# Environment:
#   LABEL_STUDIO_USERNAME, LABEL_STUDIO_PASSWORD  admin email and password (needed on the first start)
#   LABEL_STUDIO_DATA_DIR   state folder (default: ~/.local/share/dataset-builder/label-studio)
#   LABEL_STUDIO_PORT       port (default: 8080)
#   LABEL_STUDIO_VENV       the server's venv (default: .ls-venv, made by scripts/install_labelstudio.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LABEL_STUDIO_VENV:-$ROOT/.ls-venv}"
DATA_DIR="${LABEL_STUDIO_DATA_DIR:-$HOME/.local/share/dataset-builder/label-studio}"
PORT="${LABEL_STUDIO_PORT:-8080}"
URL="http://127.0.0.1:$PORT"

if [[ ! -x "$VENV/bin/label-studio" ]]; then
    "$ROOT/scripts/install_labelstudio.sh"
fi
if [[ ! -f "$DATA_DIR/label_studio.sqlite3" ]] && [[ -z "${LABEL_STUDIO_USERNAME:-}" || -z "${LABEL_STUDIO_PASSWORD:-}" ]]; then
    echo "error: first start in $DATA_DIR: set LABEL_STUDIO_USERNAME (an email) and LABEL_STUDIO_PASSWORD" >&2
    exit 2
fi
mkdir -p "$DATA_DIR"

cat <<EOF
Label Studio will answer at $URL (first start: ~30 s of database setup), state in $DATA_DIR.
API key: log in, open the avatar menu (top right) > Account & Settings > Personal Access Token,
create one, and keep it in your shell only (dataset-builder never writes it anywhere):
    export LABEL_STUDIO_URL=$URL LABEL_STUDIO_API_KEY=<token>
    .venv/bin/dataset-builder labelstudio push
Annotators join through Organization > Add People (invite link) and work at $URL.
EOF

export LABEL_STUDIO_BASE_DATA_DIR="$DATA_DIR" LATEST_VERSION_CHECK=false COLLECT_ANALYTICS=false
exec "$VENV/bin/label-studio" start --internal-host 127.0.0.1 --port "$PORT" --host "$URL" --no-browser
