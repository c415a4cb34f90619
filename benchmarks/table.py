"""How a benchmark prints its figures: one row a figure, in the order measured."""

from __future__ import annotations


def print_figures(figures: dict[str, float]) -> None:
    width = max([34, *(len(key) for key in figures)])
    print(f"{'figure':{width}s} {'value':>10s}")
    for key, value in figures.items():
        print(f"{key:{width}s} {value:10.3f}")
