"""A Prometheus scrape target for the monitoring tests.

Listens on 127.0.0.1, on a free port, and prints "http://127.0.0.1:PORT"
once ready. Routes:
  GET /metrics         text exposition format 0.0.4: the gauge test_gauge
                       (0 at start) and the counter test_requests_total
                       (one more on each scrape)
  POST /gauge?value=V  sets test_gauge to V; answers 204
Everything else is 404.
"""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
STATE = {"gauge": 0.0, "requests": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", ctype="text/plain; version=0.0.4"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if urlsplit(self.path).path != "/metrics":
            self.answer(404, b"not found\n", "text/plain")
            return
        with LOCK:
            STATE["requests"] += 1
            gauge, requests = STATE["gauge"], STATE["requests"]
        text = (
            "# HELP test_gauge A gauge the test sets.\n"
            "# TYPE test_gauge gauge\n"
            f"test_gauge {gauge!r}\n"
            "# HELP test_requests_total Scrapes served.\n"
            "# TYPE test_requests_total counter\n"
            f"test_requests_total {requests}\n"
        )
        self.answer(200, text.encode())

    def do_POST(self):
        url = urlsplit(self.path)
        values = parse_qs(url.query).get("value")
        if url.path != "/gauge" or not values:
            self.answer(404, b"not found\n", "text/plain")
            return
        with LOCK:
            STATE["gauge"] = float(values[0])
        self.answer(204)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
