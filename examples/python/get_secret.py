#!/usr/bin/env python3
"""Read one secret from the warden daemon, standard library only.

    python3 examples/python/get_secret.py NAME --reason "why" [--vault V] [--scope S] [--caller C]

Prints the value alone on stdout. The vault must be unlocked in the daemon
(`warden vault unlock <vault>`). Errors go to stderr with their data.kind
(vault_locked, scope_denied, not_found, ...) and exit status 1; 3 when no daemon runs.
"""
import argparse
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warden_client import WardenClient, WardenError  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description="Read one secret from the warden daemon")
    parser.add_argument("name")
    parser.add_argument("--reason", required=True, help="why the secret is needed (audited)")
    parser.add_argument("--vault")
    parser.add_argument("--scope")
    parser.add_argument("--caller", default=os.path.basename(sys.argv[0]))
    args = parser.parse_args()

    params = {"name": args.name, "reason": args.reason, "caller": args.caller}
    if args.vault:
        params["vault"] = args.vault
    if args.scope:
        params["scope"] = args.scope
    try:
        client = WardenClient()
    except SystemExit as e:
        print(e, file=sys.stderr)
        sys.exit(3)
    try:
        secret = client.call("vault.get", params)
    except WardenError as e:
        print(json.dumps({"error": {"kind": e.kind, "code": e.code, "message": str(e)}}), file=sys.stderr)
        sys.exit(1)
    finally:
        client.close()
    sys.stdout.write(secret["value"])


if __name__ == "__main__":
    main()
