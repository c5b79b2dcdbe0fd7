#!/usr/bin/env bash
# Make sure Debian's nginx is installed, for `make run-scaled` (the load balancer in front of the
# Rasa servers and the API) and the deploy tests (`nginx -t`, and the config run for real).
# Installs the package when missing (needs root); never starts a system nginx: the project runs its
# own with its own config. Never skips: if it cannot, it fails loudly.
set -euo pipefail

if command -v nginx >/dev/null && nginx -v >/dev/null 2>&1; then
  exit 0
fi
echo "nginx is missing; installing Debian's nginx..."
if [ "$(id -u)" != 0 ]; then
  echo "need root to install nginx: run 'apt-get install nginx' as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends nginx >/dev/null
command -v nginx >/dev/null || { echo "nginx is still missing after installing it" >&2; exit 1; }
echo "Installed $(nginx -v 2>&1)"
