#!/bin/sh
# Send JSON-RPC lines to the warden daemon from a shell, with socat or OpenBSD nc.
#   examples/shell/warden-rpc.sh                      health, ping and a batch
#   examples/shell/warden-rpc.sh '{"jsonrpc":"2.0","id":1,"method":"status"}'
set -eu

sock=${WARDEN_SOCKET:-}
if [ -z "$sock" ]; then
  host=$(printf '%s' "${WARDEN_HOST:-$(hostname)}" | tr 'A-Z' 'a-z' | sed -e 's/[^a-z0-9._-][^a-z0-9._-]*/-/g' -e 's/^[.-]*//' | cut -c1-63 | sed -e 's/[.-]*$//')
  sock="${WARDEN_HOME:-$HOME/.warden}/run/${host:-localhost}/warden.sock"
fi
[ -S "$sock" ] || { echo "no warden socket at $sock; start the daemon: warden daemon start" >&2; exit 3; }

send() {
  if command -v socat >/dev/null 2>&1; then
    printf '%s\n' "$1" | socat -t2 - "UNIX-CONNECT:$sock"
  elif nc -h 2>&1 | grep -q -- '-U'; then
    printf '%s\n' "$1" | nc -U -q1 "$sock" 2>/dev/null || printf '%s\n' "$1" | nc -U -N "$sock"
  else
    echo "need socat or an nc with -U (apt-get install socat)" >&2
    exit 1
  fi
}

if [ $# -gt 0 ]; then
  send "$1"
else
  send '{"jsonrpc":"2.0","id":1,"method":"health"}'
  send '{"jsonrpc":"2.0","id":2,"method":"ping"}'
  send '[{"jsonrpc":"2.0","id":3,"method":"ping"},{"jsonrpc":"2.0","method":"ping"},{"jsonrpc":"2.0","id":4,"method":"no.such.method"}]'
fi
