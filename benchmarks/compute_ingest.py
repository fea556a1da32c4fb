"""Full compute ingest of the mirror, then a re-ingest of the unchanged files; medians of several runs.

    .venv/bin/python benchmarks/compute_ingest.py [--runs 3]
"""

from __future__ import annotations

import argparse
import time

from _common import machine, median, mirror, scratch_database
from sqlalchemy import text

from stack8s_architect.catalog import ingest
from stack8s_architect.catalog.sources import SourceReader, sources_for


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    full, unchanged, rows = [], [], 0
    for _ in range(runs):
        with scratch_database() as database:
            reader = SourceReader(mirror(), database.embedded.runtime_dir / "cache")
            sources = sources_for(("compute",))
            start = time.perf_counter()
            reports = ingest.sync(database, reader, sources)
            full.append(time.perf_counter() - start)
            ingest.raise_for_failures(reports)
            start = time.perf_counter()
            again = ingest.sync(database, reader, sources)
            unchanged.append(time.perf_counter() - start)
            assert {r.status for r in again} == {"unchanged"}
            with database.session() as session:
                rows = session.execute(text("SELECT count(*) FROM compute_offers")).scalar_one()
    print(machine())
    print(f"sources: {len(sources)}, offers written: {rows}")
    print(f"full compute ingest:   median {median(full):.2f} s  (runs: {', '.join(f'{v:.2f}' for v in full)})")
    print(f"re-ingest, unchanged:  median {median(unchanged):.3f} s  (runs: {', '.join(f'{v:.3f}' for v in unchanged)})")


if __name__ == "__main__":
    main()
