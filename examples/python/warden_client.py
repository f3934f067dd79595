#!/usr/bin/env python3
"""A warden client in Python with the standard library only.

JSON-RPC 2.0 over the daemon's Unix socket, one JSON message per line. Run it to see the
handshake, a ping and a batch:

    python3 examples/python/warden_client.py            # this host's daemon
    WARDEN_SOCKET=/path/to/warden.sock python3 examples/python/warden_client.py
"""
import itertools
import json
import os
import re
import socket
import sys


def default_socket():
    """$WARDEN_SOCKET, else $WARDEN_HOME/run/<sanitized host>/warden.sock (as the daemon computes it)."""
    if os.environ.get("WARDEN_SOCKET"):
        return os.environ["WARDEN_SOCKET"]
    home = os.environ.get("WARDEN_HOME") or os.path.join(os.path.expanduser("~"), ".warden")
    host = (os.environ.get("WARDEN_HOST") or socket.gethostname()).lower()
    host = re.sub(r"[^a-z0-9._-]+", "-", host)
    host = re.sub(r"^[.-]+", "", host)[:63]
    host = re.sub(r"[.-]+$", "", host) or "localhost"
    return os.path.join(home, "run", host, "warden.sock")


class WardenError(Exception):
    """An error reply. `kind` is error.data.kind: branch on it, not on the message."""

    def __init__(self, error):
        super().__init__(error.get("message"))
        self.code = error.get("code")
        self.kind = (error.get("data") or {}).get("kind")
        self.data = error.get("data") or {}


class WardenClient:
    def __init__(self, path=None, timeout=10.0):
        self.path = path or default_socket()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        try:
            self.sock.connect(self.path)
        except (FileNotFoundError, ConnectionRefusedError) as e:
            raise SystemExit(f"no warden daemon at {self.path} ({e.strerror}); start it with: warden daemon start")
        self.reader = self.sock.makefile("r", encoding="utf-8", newline="\n")
        self.ids = itertools.count(1)

    def _send(self, message):
        self.sock.sendall((json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8"))

    def _receive(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError("the daemon closed the connection")
        return json.loads(line)

    def call(self, method, params=None):
        request_id = next(self.ids)
        self._send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params or {}})
        reply = self._receive()
        if "error" in reply:
            raise WardenError(reply["error"])
        return reply["result"]

    def notify(self, method, params=None):
        self._send({"jsonrpc": "2.0", "method": method, "params": params or {}})

    def batch(self, calls):
        """calls: [(method, params)]; returns the replies in the order of `calls`."""
        requests = [{"jsonrpc": "2.0", "id": next(self.ids), "method": m, "params": p or {}} for m, p in calls]
        self._send(requests)
        replies = {r["id"]: r for r in self._receive()}
        return [replies[r["id"]] for r in requests]

    def close(self):
        self.sock.close()


def main():
    client = WardenClient()
    health = client.call("health")
    if health["apiVersion"] != "warden.v1":
        sys.exit(f"unsupported API {health['apiVersion']}")
    out = {
        "health": health,
        "ping": client.call("ping"),
        "batch": client.batch([("ping", {}), ("status", {}), ("no.such.method", {})]),
    }
    try:
        client.call("ping", {"unexpected": True})
    except WardenError as e:
        out["invalid_params"] = {"code": e.code, "kind": e.kind}
    client.close()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
