#!/usr/bin/env bash
# Installs the servers the test suite starts on 127.0.0.1 (Debian packages; run as root):
#   - Ceph RGW (radosgw, ceph-mon, ceph-osd): the S3 tests — the only S3 server available here
#     that honours conditional writes (TOOLING.md);
#   - chromium: the HTTP API's browser test (packages/http/test/browser.test.ts).
# Does nothing for what is already installed; fails loudly, naming what is missing, when it cannot.
set -euo pipefail

ceph_tools=(radosgw radosgw-admin ceph-mon ceph-osd ceph monmaptool)
missing() {
  for tool in "${ceph_tools[@]}" chromium; do
    command -v "$tool" >/dev/null 2>&1 || printf '%s ' "$tool"
  done
}

if [ -z "$(missing)" ]; then
  echo "test servers installed: Ceph RGW and chromium"
  exit 0
fi
echo "installing what the tests need: $(missing)"
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
  echo "missing: $(missing)— install the Debian packages radosgw ceph-mon ceph-osd chromium (as root: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd chromium)" >&2
  exit 1
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd chromium
if [ -n "$(missing)" ]; then
  echo "still missing after apt-get install: $(missing)(Debian packages radosgw ceph-mon ceph-osd chromium)" >&2
  exit 1
fi
chromium --version
