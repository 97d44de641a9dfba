#!/usr/bin/env bash
# Install Debian's Chromium for the browser test (tests/test_app_browser.py) if it is missing.
# Playwright (a Python test dependency) drives this system browser; its own browser downloads
# ('playwright install') are never used. Needs root or sudo for apt-get; idempotent.
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
# One install at a time: the two browser tests may run in parallel test workers (make test runs
# pytest -n 2), and two apt-gets at once fail on apt's lock. The second waits, then finds it there.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/imcsim-install-browser.lock"
  flock 9
  if [ -x "$CHROMIUM" ]; then
    exit 0
  fi
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install_browser.sh: $CHROMIUM is missing and not root (no sudo); install Debian's chromium" >&2
    exit 1
  fi
fi
echo "install_browser.sh: installing chromium with apt-get (once)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
test -x "$CHROMIUM"
