"""
A stand-in for Google's reCAPTCHA verification endpoint, for the benchmark only.

django-recaptcha posts to https://RECAPTCHA_DOMAIN/recaptcha/api/siteverify;
this server answers every token as valid (v3 score 0.9, action "comment") over
TLS with a self-signed certificate that the site trusts through SSL_CERT_FILE.

    python bench/fake_recaptcha.py PORT CERT KEY
"""

from __future__ import annotations

import json
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = json.dumps(
    {
        "success": True,
        "score": 0.9,
        "action": "comment",
        "hostname": "127.0.0.1",
        "challenge_ts": "2026-01-01T00:00:00Z",
    }
).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def main() -> None:
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
