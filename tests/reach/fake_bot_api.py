"""A fake Telegram Bot API on loopback: records each call and answers what the test scripted."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeBotApi:
    def __init__(self):
        self.calls = []  # (method, payload, raw body)
        self.answers = []  # (status, json) answered in order; then a success
        self.message_ids = iter(range(1000, 100000))
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                method = self.path.rsplit("/", 1)[-1]
                api.calls.append((method, json.loads(body or b"{}"), body, self.path))
                if api.answers:
                    status, answer = api.answers.pop(0)
                else:
                    status, answer = 200, {"ok": True, "result": {"message_id": next(api.message_ids)}}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, status, **answer):
        self.answers.append((status, answer))

    @property
    def methods(self):
        return [method for method, *_ in self.calls]
