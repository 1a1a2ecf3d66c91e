#!/usr/bin/env bash
# Install Debian's headless-capable Chromium and its WebDriver (for tests/labelstudio/test_editor_rtl.py).
# Idempotent: does nothing when both are already on PATH. Needs root (apt-get).
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    echo "chromium and chromedriver already installed"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium chromium-driver
