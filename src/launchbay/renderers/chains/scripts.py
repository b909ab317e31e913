"""The two POSIX sh scripts node pairs run, as text: one creates the pair's Engine API JWT secret, one
decides readiness. Both run in the pinned busybox image (its `sh`, `od`, `tr`, `wget`, `grep`), never in
a client image, so nothing depends on what a client image happens to ship (curl, jq)."""

from __future__ import annotations

JWT_INIT = """\
#!/bin/sh
# Creates this node pair's Engine API secret (32 random bytes, hex) if it does not exist yet.
# Runs before the pair's clients start; the file lives on a volume only this pair mounts, so no
# two pairs can share a secret and no secret is ever written into the kit.
# Optional: JWT_OWNER=uid:gid hands the secret, and every directory given as an argument (the
# pair's fresh data volumes), to the user the clients run as (compose; Kubernetes uses fsGroup).
set -eu
dir="${JWT_DIR:-/secrets}"
file="$dir/jwt.hex"
owner="${JWT_OWNER:-}"
umask 077
if [ -s "$file" ]; then
  echo "jwt-init: $file exists, keeping it"
else
  od -An -N32 -tx1 /dev/urandom | tr -d ' \\n' > "$file.tmp"
  if [ "$(wc -c < "$file.tmp")" -ne 64 ]; then
    echo "jwt-init: could not read 32 random bytes" >&2
    rm -f "$file.tmp"
    exit 1
  fi
  mv "$file.tmp" "$file"
  echo "jwt-init: created $file"
fi
if [ -n "$owner" ]; then
  chown "$owner" "$dir" "$file"
  for data in "$@"; do
    chown "$owner" "$data"
  done
fi
"""

NODE_READY = """\
#!/bin/sh
# Readiness of an execution + consensus pair: ready only when BOTH are synced. A TCP check would
# route traffic to a node that answers but serves stale chain data while it syncs.
#   execution: JSON-RPC eth_syncing must return false
#   consensus: Beacon API /eth/v1/node/syncing must report "is_syncing": false
set -eu
el="${EL_URL:-http://127.0.0.1:8545}"
cl="${CL_URL:-http://127.0.0.1:5052}"
timeout="${PROBE_TIMEOUT:-5}"
body='{"jsonrpc":"2.0","id":1,"method":"eth_syncing","params":[]}'
if ! out=$(wget -q -T "$timeout" -O - --header 'Content-Type: application/json' --post-data "$body" "$el"); then
  echo "execution client not answering at $el" >&2
  exit 1
fi
if ! printf '%s' "$out" | grep -Eq '"result"[[:space:]]*:[[:space:]]*false'; then
  echo "execution client is syncing" >&2
  exit 1
fi
if ! out=$(wget -q -T "$timeout" -O - "$cl/eth/v1/node/syncing"); then
  echo "consensus client not answering at $cl" >&2
  exit 1
fi
if ! printf '%s' "$out" | grep -Eq '"is_syncing"[[:space:]]*:[[:space:]]*false'; then
  echo "consensus client is syncing" >&2
  exit 1
fi
exit 0
"""
