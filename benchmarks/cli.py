"""Time the CLI as a person runs it: a fresh `architect` process per command, wall clock, median of several runs.

    ARCHITECT_DATA_MIRROR=../shared/data .venv/bin/python benchmarks/cli.py [--runs 5] [--port 8765]

Three commands (`chat --message`, `models search`, `compute search`) and `--help`, each measured
1. on the catalogs directly (this process opens the database; the indexes come from the on-disk index cache after
   the first run, which is reported apart), and
2. with ARCHITECT_URL pointing at a running `architect serve` (started here on --port, stopped at the end), the way
   the README suggests once `make run` is up.
Needs synced catalogs in ARCHITECT_HOME (`make sync`).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ARCHITECT = str(Path(sys.executable).with_name("architect"))
COMMANDS = {
    "--help": ["--help"],
    "chat --message": ["chat", "--message", "Serve Llama 3.1 8B for 20 users on AWS"],
    "models search": ["models", "search", "llama 3 8b instruct", "--limit", "3"],
    "compute search": ["compute", "search", "--gpu", "H100", "--limit", "3"],
}


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([ARCHITECT, *args], env=env, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"architect {' '.join(args)} failed: {done.stderr[-1500:]}")
    return seconds


def _serve(port: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen([ARCHITECT, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("the service did not become ready")


def main(runs: int, port: int) -> None:
    base = {**os.environ, "ARCHITECT_LOG_LEVEL": "WARNING"}
    base.pop("ARCHITECT_URL", None)
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, {runs} runs each, wall clock")
    for name, args in COMMANDS.items():
        first = _run(args, base)  # may build the index cache
        times = [_run(args, base) for _ in range(runs)]
        print(f"direct  {name:16s} median {statistics.median(times):5.2f} s  (runs: "
              f"{', '.join(f'{t:.2f}' for t in times)}; first {first:.2f} s)")
    service = _serve(port, base)
    try:
        remote = {**base, "ARCHITECT_URL": f"http://127.0.0.1:{port}"}
        for name, args in COMMANDS.items():
            _run(args, remote)  # the service's first answer of a kind warms its caches
            times = [_run(args, remote) for _ in range(runs)]
            print(f"service {name:16s} median {statistics.median(times):5.2f} s  (runs: "
                  f"{', '.join(f'{t:.2f}' for t in times)})")
    finally:
        service.terminate()
        service.wait(timeout=60)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    main(options.runs, options.port)
