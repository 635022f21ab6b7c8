#!/usr/bin/python3
"""A tiny HTTP server that records every request and answers 200 `{}`.

    capture_server.py OUT_JSON PORT_FILE

Listens on 127.0.0.1 on a free port, which it writes to PORT_FILE once it is
ready (written to a temporary name and renamed, so a reader never sees half a
number). Each request is appended to OUT_JSON -- a JSON list of
{"method", "path", "headers": [[name, value], ...], "body"} with header names
as sent and the body's bytes as a latin-1 string (so any byte survives) --
before the response goes out, so the file is complete by the time the client
has its answer. Stdlib only; stopped by the test with SIGTERM.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

OUT_PATH, PORT_PATH = sys.argv[1], sys.argv[2]
captured = []


def write_atomically(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'  # keep-alive, as curl expects

    def _capture(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        captured.append({
            'method': self.command,
            'path': self.path,
            'headers': [[k, v] for k, v in self.headers.items()],
            'body': body.decode('latin-1'),
        })
        write_atomically(OUT_PATH, json.dumps(captured, indent=1))
        reply = b'{}'
        self.send_response(200)
        self.send_header('Content-Type', 'application/x-amz-json-1.0')
        self.send_header('Content-Length', str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = _capture

    def log_message(self, *args):
        pass


server = HTTPServer(('127.0.0.1', 0), Handler)
write_atomically(PORT_PATH, str(server.server_address[1]))
server.serve_forever()
