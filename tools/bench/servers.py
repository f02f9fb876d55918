"""The two HTTP servers under test, one client request, and a closed-loop load generator.

vtts: `vtts serve`, POST /tts/stream (chunked WAV, sentence by sentence).
piper-tts: `python -m piper.http_server` (Flask, threaded), POST /synthesize
(the whole WAV in one body). Both get JSON bodies and return complete WAVs, so
a request costs the same model work on both sides.
"""

import http.client
import json
import os
import socket
import statistics
import subprocess
import threading
import time

from procs import proc_rss_mb


class Server:
    def __init__(self, name, cmd, path, body):
        self.name, self.cmd, self.path, self._body = name, cmd, path, body
        self.process, self.address = None, None

    def body(self, text):
        return json.dumps(self._body(text)).encode()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def rss_mb(self):
        return proc_rss_mb(self.process.pid)


def start_vtts(binary, model, audio_dir, extra=()):
    server = Server(
        "vtts", [binary, "serve", "-m", model, "--host", "127.0.0.1", "--port", "0",
                 "--audio-dir", audio_dir, *extra],
        "/tts/stream", lambda text: {"text": text, "noise_scale": 0, "noise_w": 0})
    server.process = subprocess.Popen(server.cmd, stderr=subprocess.PIPE, text=True)
    for line in server.process.stderr:
        if "on http://" in line:
            host, port = line.split("on http://")[1].split()[0].rsplit(":", 1)
            server.address = (host, int(port))
            break
    else:
        raise RuntimeError("vtts serve did not start")
    # Keep draining the access log so the server never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in server.process.stderr], daemon=True).start()
    return server


def start_piper(python, model, pythonpath=None):
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server(
        "piper", [python, "-m", "piper.http_server", "-m", model, "--host", "127.0.0.1",
                  "--port", str(port)],
        "/synthesize", lambda text: {"text": text, "noise_scale": 0, "noise_w_scale": 0})
    server.process = subprocess.Popen(server.cmd, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, env=env)
    server.address = ("127.0.0.1", port)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("piper.http_server exited at startup")
        try:
            socket.create_connection(server.address, timeout=1).close()
            return server
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("piper.http_server did not start")


def request(server, text):
    """One POST on a fresh connection: (seconds to first audio byte, seconds to end, body bytes)."""
    body = server.body(text)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(*server.address, timeout=120)
    conn.request("POST", server.path, body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    if response.status != 200:
        response.read()
        conn.close()
        raise RuntimeError(f"{server.name} {server.path}: HTTP {response.status}")
    first_audio, received = None, 0
    while True:
        data = response.read1(65536)
        if not data:
            break
        received += len(data)
        # The first 44 bytes are the WAV header; audio comes after it.
        if first_audio is None and received > 44:
            first_audio = time.perf_counter() - started
    total = time.perf_counter() - started
    conn.close()
    return first_audio, total, received


def load(server, texts, clients, seconds):
    """Closed loop: `clients` threads each send a request as soon as their last one ends."""
    latencies, errors = [], []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds

    def client(offset):
        n = offset
        while time.perf_counter() < deadline:
            text = texts[n % len(texts)]
            n += clients
            try:
                _, total, _ = request(server, text)
                with lock:
                    latencies.append(total)
            except (OSError, RuntimeError, http.client.HTTPException) as error:
                with lock:
                    errors.append(str(error))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Requests in flight at the deadline are allowed to finish and are counted.
    elapsed = time.perf_counter() - started
    latencies.sort()
    rss, peak = server.rss_mb()
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "p99_ms": 1000 * percentile(latencies, 0.99) if latencies else None,
        "rss_mb": rss,
        "peak_rss_mb": peak,
    }


def percentile(sorted_values, q):
    """Nearest-rank percentile of an already sorted list."""
    rank = max(1, -(-int(q * 1000) * len(sorted_values) // 1000))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def cpu_seconds(pid):
    """User + system CPU time of a running process and its threads."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
