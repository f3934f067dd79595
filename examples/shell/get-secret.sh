#!/bin/sh
# Read one secret from the warden daemon with socat, no warden CLI needed:
#   examples/shell/get-secret.sh NAME "reason" [VAULT] [SCOPE]
# Prints the value alone; exits 1 with the daemon's error JSON on stderr.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 NAME REASON [VAULT] [SCOPE]" >&2; exit 2; }

sock=${WARDEN_SOCKET:-}
if [ -z "$sock" ]; then
  host=$(printf '%s' "${WARDEN_HOST:-$(hostname)}" | tr 'A-Z' 'a-z' | sed -e 's/[^a-z0-9._-][^a-z0-9._-]*/-/g' -e 's/^[.-]*//' | cut -c1-63 | sed -e 's/[.-]*$//')
  sock="${WARDEN_HOME:-$HOME/.warden}/run/${host:-localhost}/warden.sock"
fi

# JSON string escaping for the arguments (backslash and double quote; control characters refused).
json() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }
case "$1$2${3:-}${4:-}" in *[[:cntrl:]]*) echo "arguments must not contain control characters" >&2; exit 2 ;; esac

params="\"name\":\"$(json "$1")\",\"reason\":\"$(json "$2")\",\"caller\":\"get-secret.sh\""
[ -n "${3:-}" ] && params="$params,\"vault\":\"$(json "$3")\""
[ -n "${4:-}" ] && params="$params,\"scope\":\"$(json "$4")\""

reply=$(printf '{"jsonrpc":"2.0","id":1,"method":"vault.get","params":{%s}}\n' "$params" | socat -t2 - "UNIX-CONNECT:$sock")
case "$reply" in
  *'"result"'*)
    if command -v jq >/dev/null 2>&1; then
      printf '%s' "$reply" | jq -j .result.value
    else # sed: undoes \" and \\ only; other JSON escapes (\n, \u…) need jq
      printf '%s' "$reply" | sed -e 's/.*"value":"\(\([^"\\]\|\\.\)*\)".*/\1/' -e 's/\\"/"/g' -e 's/\\\\/\\/g' | tr -d '\n'
    fi ;;
  *) printf '%s\n' "$reply" >&2; exit 1 ;;
esac
