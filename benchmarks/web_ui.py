"""The web UI in Debian's Chromium (Playwright) against the real service on loopback.

Uses the catalogs in ARCHITECT_HOME (run `make run` or `architect data sync` first); starts the service
in-process on a free loopback port (offline engine). Per round, in a fresh browser context:
  - page load: navigation start → the conversation list rendered (the page is usable);
  - first message in the browser: Enter → the plan panel shown (SSE stream, then the history re-read),
    against the same message as one JSON call (POST /api/v1/chat/start) in the same round: the ratio is
    what the browser path adds;
  - diagram: the Diagram tab clicked → the Mermaid SVG in the page (the first one loads Mermaid, 5 MB);
  - version diff: Compare clicked → the diff shown (two plan versions of one conversation).
Reports medians (and p95) over the rounds, plus the bytes the page loads before any diagram.
Conversations made here are left in the database.

    .venv/bin/python benchmarks/web_ui.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import shutil
import threading
import time

import httpx
import uvicorn
from _common import machine, median, percentile
from playwright.sync_api import sync_playwright

from stack8s_architect.api.app import create_app
from stack8s_architect.core.database import Database
from stack8s_architect.core.logging import configure_logging
from stack8s_architect.core.settings import Settings

MESSAGE = "Serve Llama 3.1 70B for 50 concurrent users on AWS under $15k/month"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def _serve(settings: Settings, database: Database) -> tuple[uvicorn.Server, str]:
    app = create_app(settings, database=database, embed_in_background=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    settings = Settings.load()
    configure_logging("WARNING", settings.logging.log_format)
    database = Database.open(settings)
    server, url = _serve(settings, database)
    results: dict[str, list[float]] = {k: [] for k in ("load", "browser_turn", "api_turn", "diagram", "diff")}
    page_bytes = 0
    try:
        with sync_playwright() as playwright, httpx.Client(base_url=url, timeout=120) as http:
            http.post("/api/v1/chat/start", json={"message": MESSAGE})  # warm the catalogs' caches
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                 args=ARGS)
            for _ in range(args.rounds):
                context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=url)
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.goto("/")
                page.wait_for_function("document.querySelectorAll('#conversation-list li').length > 0")
                results["load"].append(page.evaluate("performance.now()"))
                page_bytes = page.evaluate(
                    "performance.getEntriesByType('resource').reduce((n, e) => n + e.encodedBodySize, 0)"
                    " + performance.getEntriesByType('navigation')[0].encodedBodySize")

                started = time.perf_counter()
                http.post("/api/v1/chat/start", json={"message": MESSAGE}).raise_for_status()
                results["api_turn"].append((time.perf_counter() - started) * 1000)

                page.fill("#composer-input", MESSAGE)
                started = time.perf_counter()
                page.keyboard.press("Enter")
                page.wait_for_selector("#plan-body:not([hidden])")
                results["browser_turn"].append((time.perf_counter() - started) * 1000)

                started = time.perf_counter()
                page.click("#tab-diagram")
                page.wait_for_selector("#panel-diagram .diagram svg")
                results["diagram"].append((time.perf_counter() - started) * 1000)

                page.fill("#composer-input", "use spot")
                page.keyboard.press("Enter")
                page.wait_for_selector("#plan-version option >> nth=1", state="attached")
                page.click("#tab-versions")
                started = time.perf_counter()
                page.click("#compare")
                page.wait_for_selector("pre.diff")
                results["diff"].append((time.perf_counter() - started) * 1000)
                context.close()
            browser.close()
    finally:
        server.should_exit = True
        time.sleep(0.5)
        database.close()

    print(f"machine: {machine()}; chromium {shutil.which('chromium')}; {args.rounds} rounds")
    print(f"page weight before any diagram: {page_bytes / 1024:.0f} KiB (Mermaid is loaded on first use)")
    labels = {"load": "page load → list shown", "api_turn": "first message, one JSON call",
              "browser_turn": "first message in the browser → plan shown", "diagram": "diagram tab → SVG (Mermaid loaded)",
              "diff": "compare two versions → diff shown"}
    for key, label in labels.items():
        values = results[key]
        print(f"{label:45s} p50 {median(values):8.1f} ms   p95 {percentile(values, 95):8.1f} ms")
    ratios = [b / a for a, b in zip(results["api_turn"], results["browser_turn"], strict=True)]
    print(f"browser turn / API turn (same round)         median ratio {median(ratios):.2f}")


if __name__ == "__main__":
    main()
