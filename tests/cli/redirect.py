#!/usr/bin/python3
"""An HTTP server for tests/cli/redirect.sh that sends every request to
another server (a 302 to TARGET + the same path).

    redirect.py PORTFILE TARGET     listens on 127.0.0.1, a free port
                                    written to PORTFILE once listening
"""
import http.server
import sys

PORTFILE, TARGET = sys.argv[1], sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("redirect: " + (fmt % args) + "\n")

    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", TARGET + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
