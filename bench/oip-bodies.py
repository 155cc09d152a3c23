"""Writes the two 64-row infer bodies bench/model-server-oip.sh sends: JSON, and the binary tensor form.

Usage: python3 bench/oip-bodies.py DIR ROWS  -> DIR/infer.json, DIR/infer.bin, DIR/infer.bin.header-length
Rows vary (amount, hour, distance, count, category, card) so the model scores different transactions.
"""
import json
import struct
import sys

out, rows = sys.argv[1], int(sys.argv[2])
categories = ["grocery", "restaurant", "fuel", "travel", "electronics", "online"]
amount = [round(5 + (i * 73.3) % 4000, 2) for i in range(rows)]
hour = [(i * 7) % 24 for i in range(rows)]
distance = [round((i * 41.7) % 3000, 1) for i in range(rows)]
count = [(i * 3) % 30 for i in range(rows)]
category = [categories[i % len(categories)] for i in range(rows)]
card = [i % 3 != 0 for i in range(rows)]
inputs = [
    ("amount", "FP64", amount, lambda v: struct.pack("<%dd" % rows, *v)),
    ("hour", "INT32", hour, lambda v: struct.pack("<%di" % rows, *v)),
    ("distance_from_home_km", "FP64", distance, lambda v: struct.pack("<%dd" % rows, *v)),
    ("transactions_last_24h", "INT32", count, lambda v: struct.pack("<%di" % rows, *v)),
    ("merchant_category", "BYTES", category,
     lambda v: b"".join(struct.pack("<I", len(s)) + s.encode() for s in v)),
    ("card_present", "BOOL", card, lambda v: bytes(1 if b else 0 for b in v)),
]
plain = {"inputs": [{"name": n, "datatype": t, "shape": [rows], "data": v} for n, t, v, _ in inputs]}
with open(out + "/infer.json", "w") as f:
    json.dump(plain, f, separators=(",", ":"))

tensors = [pack(v) for _, _, v, pack in inputs]
header = {
    "inputs": [
        {"name": n, "datatype": t, "shape": [rows], "parameters": {"binary_data_size": len(b)}}
        for (n, t, _, _), b in zip(inputs, tensors)
    ],
    "parameters": {"binary_data_output": True},
}
head = json.dumps(header, separators=(",", ":")).encode()
with open(out + "/infer.bin", "wb") as f:
    f.write(head + b"".join(tensors))
with open(out + "/infer.bin.header-length", "w") as f:
    f.write(str(len(head)))
