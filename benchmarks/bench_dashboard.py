"""Dashboard responsiveness: prints figures (not a test). Run: .venv/bin/python benchmarks/bench_dashboard.py

Times what a facilitator waits for after changing a control (the debounce excluded):
simulating the program and its baseline (500 people x 20 replications each, nothing
cached) and drawing the three charts, on one process and on a warm 2-process pool.
"""

import time

import mentorsim as ms

FORMATS = ["peer", "circle", "micro_board", "reverse", "one_on_one"]


def main() -> None:
    print(f"mentorsim {ms.__version__}: dashboard update after a change (500 people, 20 replications)")
    for workers in (1, 2):
        dash = ms.Dashboard(threaded=False, workers=workers)
        try:
            sim, draw, total = [], [], []
            for fmt in FORMATS:  # each change is a design not seen before: nothing comes from the caches
                values = {**dash.values(), "format": fmt}
                t0 = time.perf_counter()
                cmp = dash.compute(values)
                t1 = time.perf_counter()
                dash.render(cmp)
                t2 = time.perf_counter()
                sim.append(t1 - t0)
                draw.append(t2 - t1)
                total.append(t2 - t0)
            k = len(FORMATS)
            print(f"  {workers} process{'es' if workers > 1 else ''}: simulate {sum(sim) / k:.2f} s + draw "
                  f"{sum(draw) / k:.2f} s = {sum(total) / k:.2f} s a change on average (worst {max(total):.2f} s; "
                  f"plus the {dash.debounce:.1f} s debounce)")
        finally:
            dash.close()


if __name__ == "__main__":
    main()
