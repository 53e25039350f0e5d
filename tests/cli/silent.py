#!/usr/bin/env python3
"""A server that accepts every connection and never answers (a hung
remote), for tests/cli/timeout.sh.  silent.py PORT PIDFILE: listens on
127.0.0.1:PORT, writes its pid once listening, keeps each connection
open without sending a byte until killed."""
import os
import socket
import sys
import threading

port, pidfile = int(sys.argv[1]), sys.argv[2]
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', port))
srv.listen(16)
with open(pidfile + '.tmp', 'w') as f:
    f.write('%d\n' % os.getpid())
os.rename(pidfile + '.tmp', pidfile)
held = []


def hold(conn):
    # Read what the client sends, so that it never blocks writing, and
    # answer nothing.
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


while True:
    conn, _ = srv.accept()
    held.append(conn)
    threading.Thread(target=hold, args=(conn,), daemon=True).start()
