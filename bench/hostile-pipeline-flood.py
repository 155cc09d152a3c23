#!/usr/bin/env python3
# Usage: bench/hostile-pipeline-flood.py DIR PORT  (DIR holds model-server.jar and lib/, e.g. model-server/target)
# Starts the model server (-Xmx128m, 128 MiB direct memory), then one loopback connection with a 4 KiB receive
# buffer writes 8,000 GET /metrics and never reads, while /health is probed (5 s timeout) for 15 s.
# Prints probe latencies, peak RSS and whether the server closed the attacker. Issue 21, item 1.
"""Pipeline-flood attack on loopback against a locally started server; prints /health latency and RSS."""
import os, socket, subprocess, sys, threading, time, urllib.request

jar_dir, port = sys.argv[1], int(sys.argv[2])
env = dict(os.environ, PORT=str(port), UNREADY_FILE="/tmp/hostile-unready", UNHEALTHY_FILE="/tmp/hostile-unhealthy")
proc = subprocess.Popen(["java", "-Xmx128m", "-XX:MaxDirectMemorySize=128m", "-jar", "model-server.jar"],
                        cwd=jar_dir, env=env, stdout=open("/tmp/hostile-server-%d.log" % port, "w"), stderr=subprocess.STDOUT)

def rss():
    with open("/proc/%d/status" % proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024

def probe(timeout=5):
    t = time.time()
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=timeout).read()
        return time.time() - t
    except Exception:
        return None

deadline = time.time() + 60
while time.time() < deadline and probe(1) is None:
    time.sleep(0.2)
print("started, RSS %d MB" % rss())
for _ in range(20):
    probe()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
req = b"GET /metrics HTTP/1.1\r\nHost: attacker\r\n\r\n"
def flood():
    try:
        s.sendall(req * 8000)
    except OSError:
        pass
threading.Thread(target=flood, daemon=True).start()
lat, peak, t0 = [], rss(), time.time()
while time.time() - t0 < 15:
    lat.append(probe())
    peak = max(peak, rss())
    time.sleep(0.1)
closed = False
s.settimeout(0.5)
try:
    while True:
        d = s.recv(65536)
        if not d:
            closed = True
            break
except OSError as e:
    closed = isinstance(e, ConnectionResetError)
s.close()
ok = [x for x in lat if x is not None]
print("during attack: %d probes, %d failed (5 s timeout), median %.0f ms, max %.0f ms; peak RSS %d MB; attacker closed by server: %s"
      % (len(lat), len(lat) - len(ok), 1000 * sorted(ok)[len(ok) // 2] if ok else -1, 1000 * max(ok) if ok else -1, peak, closed))
proc.kill()
