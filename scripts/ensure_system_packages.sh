#!/bin/sh
# Installs the Debian packages Mikrogranty needs when they are missing: with
# apt-get when running as root, otherwise prints the exact command to run.
missing=""
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' || missing="$missing libpango-1.0-0 libpangoft2-1.0-0"
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0' || missing="$missing libharfbuzz-subset0"
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
if [ -z "$missing" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages:$missing"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "Missing system packages. Please run:"
  echo "  sudo apt-get install -y$missing"
  exit 1
fi
