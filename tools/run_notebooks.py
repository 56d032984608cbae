#!/usr/bin/env python
"""Re-execute the notebooks in place, with this interpreter's environment, so their stored outputs are current.

    .venv/bin/python tools/run_notebooks.py                   # every notebooks/*.ipynb
    .venv/bin/python tools/run_notebooks.py notebooks/01_quickstart.ipynb

Run it after the engine or its calibration changes (the numbers in the outputs
change); then check with nbval:
    .venv/bin/python -m pytest --nbval --nbval-current-env \
        --nbval-sanitize-with notebooks/sanitize.cfg notebooks
The kernel is this very interpreter (a temporary kernelspec), with isolated
Matplotlib/IPython/Jupyter settings, so what is stored is what nbval will see.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _kernelspec(tmp: Path) -> str:
    name = "mentorsim-current-env"
    d = tmp / "share" / "jupyter" / "kernels" / name
    d.mkdir(parents=True)
    (d / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)", "language": "python"}))
    return name


def _clean(nb) -> None:
    """Keep stored notebooks small and stable: no execution timings, the standard kernelspec."""
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: notebooks/*.ipynb)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    a = ap.parse_args(argv)
    paths = a.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 2

    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor

    with tempfile.TemporaryDirectory(prefix="mentorsim-nb-") as t:
        tmp = Path(t)
        for k, sub in (("MPLCONFIGDIR", "mpl"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "jconfig"),
                       ("JUPYTER_DATA_DIR", "jdata"), ("JUPYTER_RUNTIME_DIR", "jruntime")):
            (tmp / sub).mkdir()
            os.environ[k] = str(tmp / sub)
        os.environ["MPLBACKEND"] = "Agg"
        kernel = _kernelspec(tmp)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            [str(tmp / "share" / "jupyter"), *filter(None, [os.environ.get("JUPYTER_PATH")])])
        failed = 0
        for path in paths:
            path = path.resolve()
            t0 = time.perf_counter()
            nb = nbformat.read(path, as_version=4)
            ep = ExecutePreprocessor(timeout=a.timeout, kernel_name=kernel)
            try:
                ep.preprocess(nb, {"metadata": {"path": str(path.parent)}})
            except Exception as e:  # report and go on with the others; the file is left unchanged
                failed += 1
                print(f"FAIL {path.relative_to(ROOT)}: {str(e).strip().splitlines()[-1] if str(e).strip() else e}",
                      file=sys.stderr)
                continue
            _clean(nb)
            nbformat.write(nb, path)
            print(f"ok   {path.relative_to(ROOT)} ({time.perf_counter() - t0:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
