#!/usr/bin/env python3
# Usage: bench/hostile-connection-table.py DIR PORT N  (DIR holds model-server.jar and lib/; N > 4096, the default limit)
# Opens N loopback connections that each get one /health answer and idle, then N that send nothing, and
# probes /health 30 times after each batch. Prints the probe statuses. Issue 21, item 3.
"""Connection-table attack on loopback: N idle keep-alive connections after one /health, then N silent ones; probes."""
import os, socket, subprocess, sys, time, urllib.request, urllib.error

jar_dir, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
env = dict(os.environ, PORT=str(port), UNREADY_FILE="/tmp/hostile-unready", UNHEALTHY_FILE="/tmp/hostile-unhealthy")
proc = subprocess.Popen(["java", "-Xmx128m", "-jar", "model-server.jar"], cwd=jar_dir, env=env,
                        stdout=open("/tmp/hostile-conns-%d.log" % port, "w"), stderr=subprocess.STDOUT)

def probe():
    t = time.time()
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=5).read()
        return 200, time.time() - t
    except urllib.error.HTTPError as e:
        return e.code, time.time() - t
    except Exception:
        return None, time.time() - t

deadline = time.time() + 60
while time.time() < deadline and probe()[0] != 200:
    time.sleep(0.2)

def report(label, conns):
    results = [probe() for _ in range(30)]
    ok = [t for s, t in results if s == 200]
    codes = {}
    for s, _ in results:
        codes[s] = codes.get(s, 0) + 1
    print("%s (%d opened): probes %s, max %.0f ms" % (label, len(conns), codes, 1000 * max(t for _, t in results)))

idle = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    s.settimeout(5)
    try:
        s.recv(4096)
    except OSError:
        pass
    idle.append(s)
report("%d idle keep-alive connections" % n, idle)
for s in idle:
    s.close()
time.sleep(1)
silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
report("%d silent connections" % n, silent)
for s in silent:
    s.close()
proc.kill()
