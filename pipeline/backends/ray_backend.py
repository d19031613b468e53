"""The Ray backend: `worker.process_path` (`run_one` on a file) mapped over a Ray Data dataset.

Same unit of work as the local backend, so outputs are byte-identical; only
where it runs differs. Connects to the cluster in `RAY_ADDRESS` when set
(`ray start --head` on the cluster, `RAY_ADDRESS=ray://host:10001` or
`auto` here), else starts a local one sized to `--jobs` and stops it at the
end. Workers must see the input paths (a shared filesystem) and have
`ocrclean` installed (or pass it with a `runtime_env`); outputs come back to
the driver and `batch.run_batch` writes them, so `--out` is local.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import ray

from ..config import Config
from ..worker import Outcome, process_path


def _row(row: dict[str, Any], config: Config) -> dict[str, Any]:
    """Clean one path on a Ray worker; the report travels as a JSON string (Arrow-safe)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    oc = process_path(row["path"], config)
    return {
        "path": oc.path,
        "text": oc.text,
        "report": json.dumps(oc.report, ensure_ascii=False) if oc.report is not None else None,
        "error": oc.error,
        "kind": oc.kind,
    }


def _connect(jobs: int) -> bool:
    """Make sure Ray is up; True when this call started a local cluster (and must stop it)."""
    if ray.is_initialized():
        return False
    address = os.environ.get("RAY_ADDRESS")
    if address:
        ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
        return True
    ray.init(num_cpus=max(1, jobs), include_dashboard=False, log_to_driver=False,
             logging_level=logging.ERROR, object_store_memory=256 * 1024 * 1024)
    return True


def map_paths(paths: list[str], config: Config, jobs: int, dests: Any = None) -> Iterator[Outcome]:
    """Outcomes from Ray workers; `dests` is ignored: workers may sit on other machines,
    so the driver writes the outputs."""
    if not paths:
        return
    started = _connect(jobs)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.verbose_progress = False
        # one document per block up to a cap: documents differ a lot in cost, small blocks balance them
        ds = ray.data.from_items([{"path": p} for p in paths], override_num_blocks=min(len(paths), 2000))
        pool = ray.data.TaskPoolStrategy(size=max(1, jobs))
        ds = ds.map(_row, fn_kwargs={"config": config}, num_cpus=1, compute=pool)
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # after Ray Data set up its logging
        for row in ds.iter_rows():
            report = json.loads(row["report"]) if row["report"] is not None else None
            yield Outcome(row["path"], row["text"], report, row["error"], kind=row["kind"])
    finally:
        if started:
            ray.shutdown()
