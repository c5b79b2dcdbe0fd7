#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests (`make test-web`).
# Playwright drives this browser; no test tool ever downloads one of its own. Installs Debian's
# chromium (and a font, so that screenshots show text) when it is missing; needs root for that.
# Never skips: if it cannot, it fails loudly.
set -euo pipefail
chromium=/usr/bin/chromium

works() { "$chromium" --version >/dev/null 2>&1; }

if [ -x "$chromium" ] && works && [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  exit 0
fi
echo "Debian's chromium (or its fonts) is missing; installing chromium and fonts-dejavu-core..."
if [ "$(id -u)" != 0 ]; then
  echo "need root to install chromium: run 'apt-get install chromium fonts-dejavu-core' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
works || { echo "$chromium still does not start after installing it" >&2; exit 1; }
echo "Installed $("$chromium" --version 2>/dev/null)"
