"""The start-up baseline for bench/container-startup.sh: a minimal Flask app, as the original lab's
model server was started (python3 app.py, Flask's own server). /health and /ready answer 200."""

import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/ready")
def ready():
    return jsonify(status="ready")


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))
