#!/usr/bin/env bash
# Make sure Debian's docker-compose (v1) is installed: the deploy tests validate docker-compose.yml
# with `docker-compose config`, which needs no Docker engine (these machines have none).
# Installs the package when missing (needs root). Never skips: if it cannot, it fails loudly.
set -euo pipefail

if command -v docker-compose >/dev/null && docker-compose version >/dev/null 2>&1; then
  exit 0
fi
echo "docker-compose is missing; installing Debian's docker-compose..."
if [ "$(id -u)" != 0 ]; then
  echo "need root to install docker-compose: run 'apt-get install docker-compose' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
docker-compose version >/dev/null || { echo "docker-compose still does not run after installing it" >&2; exit 1; }
echo "Installed $(docker-compose version --short 2>/dev/null)"
