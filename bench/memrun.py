"""One ingest in a fresh process, reporting its time and peak memory as one JSON line on stdout.

    python -m bench.memrun DIR [DIR ...] --db FILE [--workers 1]

Linux keeps a process's peak RSS across exec: a process started from the (large) benchmark
process would report the benchmark's own peak. So this module re-runs itself once more (`--child`)
from the small process it is, and the child measures.

Peak memory, three ways (each has its blind spot):
- `ru_maxrss` of this process (RUSAGE_SELF) and of its waited-for descendants (RUSAGE_CHILDREN:
  the largest single descendant, not a sum; the parser workers are children of the fork server,
  which reaps them, and the fork server is stopped and reaped here before reading it; the fork
  server, started by exec from this process, also inherits this process's peak at that moment);
- the sum of RSS over the whole process tree, sampled every 0.1 s (counts pages shared by fork
  twice, so it over-states), and the sum of PSS (shared pages split between sharers), every 0.5 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import threading
import time


class TreeSampler(threading.Thread):
    """Samples the RSS and PSS summed over this process and all its descendants; keeps the peaks."""

    def __init__(self, interval: float = 0.1, pss_every: int = 5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.pss_every = pss_every
        self.peak_rss = 0
        self.peak_pss = 0
        self.samples = 0
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._halt.is_set():
            procs = [me]
            with contextlib.suppress(psutil.Error):
                procs += me.children(recursive=True)
            rss = pss = 0
            want_pss = self.samples % self.pss_every == 0
            for p in procs:
                try:
                    if want_pss:
                        info = p.memory_full_info()
                        rss += info.rss
                        pss += getattr(info, "pss", 0)
                    else:
                        rss += p.memory_info().rss
                except psutil.Error:
                    continue
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.samples += 1
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def _stop_forkserver() -> None:
    """Stop and reap the multiprocessing fork server, so its (and its workers') usage reaches RUSAGE_CHILDREN."""
    try:
        from multiprocessing import forkserver

        forkserver._forkserver._stop()
    except Exception:  # private API: the figures are then only missing the fork server's side
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--db", required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not args.child:
        argv = sys.argv[1:] if argv is None else argv
        return subprocess.run([sys.executable, "-m", "bench.memrun", *argv, "--child"]).returncode

    sampler = TreeSampler()
    sampler.start()
    started = time.perf_counter()
    from pipeline.run.ingest import run_ingest
    from pipeline.run.settings import IngestSettings

    imported = time.perf_counter()
    summary = run_ingest(args.paths, args.db, IngestSettings(workers=args.workers))
    done = time.perf_counter()
    sampler.stop()
    _stop_forkserver()
    kb = 1024  # ru_maxrss is in KiB on Linux
    out = {
        "docs": summary.n_new + summary.n_updated,
        "failed": summary.n_failed,
        "workers": args.workers,
        "seconds_total": done - started,
        "seconds_ingest": done - imported,
        "peak_rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kb / 2**20,
        "peak_rss_largest_child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * kb / 2**20,
        "peak_tree_rss_sampled_mb": sampler.peak_rss / 2**20 if sampler.samples else None,
        "peak_tree_pss_sampled_mb": sampler.peak_pss / 2**20 if sampler.samples else None,
        "samples": sampler.samples,
    }
    out["peak_rss_self_plus_child_mb"] = out["peak_rss_self_mb"] + out["peak_rss_largest_child_mb"]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
