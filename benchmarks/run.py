"""`make bench`: run every benchmarks/bench_*.py and write all figures to bench-results.json.

Each module has `run() -> dict[str, float]` that prints its own table, with ratios against a
baseline measured in the same run (a few figures describe the machine as text: `cpu_model`).
`python -m benchmarks.run NAME ...` runs only those modules (e.g. `fomm`, `landmarks`); the
figures of modules not run are kept from an earlier file.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import benchmarks

RESULTS = Path("bench-results.json")


def main(argv: list[str]) -> int:
    names = sorted(
        module.name[len("bench_") :]
        for module in pkgutil.iter_modules(benchmarks.__path__)
        if module.name.startswith("bench_")
    )
    chosen = argv or names
    unknown = set(chosen) - set(names)
    if unknown:
        print(f"unknown benchmarks: {', '.join(sorted(unknown))}; known: {', '.join(names)}")
        return 2
    # A full run starts afresh; a run of some benchmarks updates their figures in place.
    keep = bool(argv) and RESULTS.is_file()
    results: dict[str, float | str] = json.loads(RESULTS.read_text()) if keep else {}
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        figures = importlib.import_module(f"benchmarks.bench_{name}").run()
        results.update({key: _figure(value) for key, value in figures.items()})
        print(f"({name}: {time.perf_counter() - started:.0f} s)")
        RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"\nwrote {len(results)} figures to {RESULTS}")
    return 0


def _figure(value: object) -> float | str:
    """A number as a float; text (the CPU's model and flags) as it is."""
    return value if isinstance(value, str) else float(value)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
