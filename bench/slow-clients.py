#!/usr/bin/env python3
"""Holds slow HTTP clients open against a server on this machine, for a bounded time.

Each client connects to 127.0.0.1:PORT, sends only the start of a request head
("GET /health HTTP/1.1", a Host header and the name of a third header), then sends one more
byte of that header every second and never finishes the head. When the server closes a client
or answers it (a 408, say), the client reconnects, so the number held open stays at the target.

Every second the helper writes one status line to --status (replacing the file), so a script
can wait until all clients are open: "open connecting reconnects failed-connects answered",
where reconnects counts every client replaced (failed connects included). It stops after
--seconds, or on SIGTERM/SIGINT, closing every socket.

Usage: slow-clients.py PORT [--connections 1000] [--seconds 30] [--status FILE]
"""

import argparse
import os
import resource
import selectors
import signal
import socket
import time

HOST = "127.0.0.1"  # loopback only, by design
HEAD_START = b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
CONNECTS_PER_TICK = 200  # opened per loop pass, so a reconnect storm cannot flood the server


class SlowClients:
    def __init__(self, port, target):
        self.port = port
        self.target = target
        self.selector = selectors.DefaultSelector()
        self.connecting = set()
        self.open = set()
        self.reconnects = 0
        self.failed_connects = 0
        self.answered = 0

    def total(self):
        return len(self.connecting) + len(self.open)

    def top_up(self):
        for _ in range(min(CONNECTS_PER_TICK, self.target - self.total())):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.connect_ex((HOST, self.port))
            self.connecting.add(sock)
            self.selector.register(sock, selectors.EVENT_WRITE)

    def drop(self, sock, reconnect=True):
        self.selector.unregister(sock)
        self.connecting.discard(sock)
        self.open.discard(sock)
        sock.close()
        if reconnect:
            self.reconnects += 1

    def on_event(self, sock):
        if sock in self.connecting:
            if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) != 0:
                self.failed_connects += 1
                self.drop(sock)
                return
            try:
                sock.send(HEAD_START)
            except OSError:
                self.drop(sock)
                return
            self.connecting.discard(sock)
            self.open.add(sock)
            self.selector.modify(sock, selectors.EVENT_READ)
            return
        try:
            data = sock.recv(4096)
        except OSError:
            data = b""
        if data:
            self.answered += 1
        self.drop(sock)

    def trickle(self):
        for sock in list(self.open):
            try:
                sock.send(b"a")
            except OSError:
                self.drop(sock)

    def close_all(self):
        for sock in list(self.connecting) + list(self.open):
            self.drop(sock, reconnect=False)


def write_status(path, clients):
    if not path:
        return
    tmp = path + ".tmp"
    with open(tmp, "w") as out:
        out.write("%d %d %d %d %d\n" % (len(clients.open), len(clients.connecting),
                                        clients.reconnects, clients.failed_connects,
                                        clients.answered))
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description="hold slow HTTP clients open on loopback")
    parser.add_argument("port", type=int)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--status", default="")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = args.connections + 64
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            parser.error("open-file limit %d is below %d" % (hard, wanted))
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    signal.signal(signal.SIGINT, lambda *_: stop.append(True))

    clients = SlowClients(args.port, args.connections)
    deadline = time.monotonic() + args.seconds
    next_tick = time.monotonic()
    try:
        while not stop and time.monotonic() < deadline:
            clients.top_up()
            for key, _ in clients.selector.select(timeout=0.1):
                clients.on_event(key.fileobj)
            if time.monotonic() >= next_tick:
                clients.trickle()
                write_status(args.status, clients)
                next_tick += 1.0
    finally:
        write_status(args.status, clients)
        clients.close_all()


if __name__ == "__main__":
    main()
