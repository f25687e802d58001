"""The guarded worker pool: per-document time limit, memory ceiling, crash recovery, same results."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from pipeline.run.work import ParsedDoc, Work, parse_batch, sha256_file
from pipeline.run.workers import Limits, WorkerPool

CORPUS = Path(__file__).parent.parent / "corpus"


def _work(path: Path) -> Work:
    return Work(sha256_file(path), (str(path),))


def _big_letter(tmp_path: Path, copies: int) -> Path:
    """A pathological but valid text: one letter repeated until parsing takes long and needs memory."""
    letter = (CORPUS / "000_c9dc9a16fd74069d.txt").read_text()
    big = tmp_path / "pathological.txt"
    big.write_text(letter * copies)
    return big


def test_pool_gives_the_same_rows_as_parsing_inline():
    works = [_work(p) for p in sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "renditions").glob("*.pdf"))]
    with WorkerPool(2, Limits(seconds=60)) as pool:
        pooled = pool.parse_batch(works)
    inline = parse_batch(works, 10**9)
    assert [d.sha256 for d in pooled.docs] == [d.sha256 for d in inline.docs]
    assert [d.rows for d in pooled.docs] == [d.rows for d in inline.docs]


def test_time_limit_turns_a_slow_document_into_an_error_and_the_batch_goes_on(tmp_path):
    slow = _big_letter(tmp_path, 200)  # ~3 MB: several seconds of parsing
    good = CORPUS / "003_b29c2434e00e918d.txt"
    with WorkerPool(1, Limits(seconds=0.5)) as pool:
        started = time.monotonic()
        result = pool.parse_batch([_work(slow), _work(good)])
        assert time.monotonic() - started < 10
        assert [e.error_code for e in result.errors] == ["E111"]
        assert "Time limit exceeded: no result after 0.5 s" in result.errors[0].message
        assert [d.paths[0] for d in result.docs] == [str(good)]  # the replacement worker carried on


def test_a_worker_is_sent_its_next_document_before_it_answers_the_current_one():
    """The next document waits in the worker's pipe, so the worker starts on it without waiting
    for the parent to read its answer; while fewer wait than there are workers, one at a time."""
    letters = sorted(CORPUS.glob("*.txt"))[:3]
    works = [_work(p) for p in letters]
    with WorkerPool(1, Limits(seconds=60)) as pool:
        results = pool.map(works)
        first, _ = next(results)
        # The first answer is read; the second was sent with it, before that answer came back.
        assert first == works[0]
        assert list(pool.workers[0].queue) == [works[1]]
        assert [w for w, _ in results] == works[1:]
    with WorkerPool(2, Limits(seconds=60)) as pool:
        results = pool.map(works[:2])
        next(results)
        # Two documents for two workers: one each, none queued behind another's.
        assert sum(len(w.queue) for w in pool.workers) <= 1
        assert len(list(results)) == 1


def test_documents_queued_for_a_replaced_worker_are_parsed_by_its_successor(tmp_path):
    """The worker killed for the time limit had the next two documents queued (or in its pipe):
    they go back in line, in order, and the fresh worker parses them."""
    slow = _big_letter(tmp_path, 200)
    good = [CORPUS / "003_b29c2434e00e918d.txt", CORPUS / "000_c9dc9a16fd74069d.txt"]
    with WorkerPool(1, Limits(seconds=0.5)) as pool:
        order = [(w.paths[0], type(r).__name__) for w, r in pool.map([_work(slow), *map(_work, good)])]
    assert order == [(str(slow), "list"), (str(good[0]), "ParsedDoc"), (str(good[1]), "ParsedDoc")]


def test_memory_ceiling_turns_a_ballooning_document_into_an_error(tmp_path):
    hog = _big_letter(tmp_path, 400)  # ~6 MB of text needs far more than 64 MB to parse
    good = CORPUS / "003_b29c2434e00e918d.txt"
    with WorkerPool(1, Limits(seconds=120, memory_mb=64)) as pool:
        result = pool.parse_batch([_work(hog), _work(good)])
    assert [e.error_code for e in result.errors] == ["E112"]
    assert "Memory limit exceeded" in result.errors[0].message
    assert len(result.docs) == 1


def test_a_crashed_worker_is_replaced_and_named_in_the_error(tmp_path):
    slow = _big_letter(tmp_path, 200)
    good = CORPUS / "003_b29c2434e00e918d.txt"
    with WorkerPool(1, Limits(seconds=60)) as pool:
        victim = pool.workers[0].proc.pid
        threading.Timer(0.5, os.kill, (victim, signal.SIGKILL)).start()
        result = pool.parse_batch([_work(slow), _work(good)])
    assert [e.error_code for e in result.errors] == ["E113"]
    assert "killed by signal 9" in result.errors[0].message
    assert isinstance(result.docs[0], ParsedDoc)


_SPY_RUN = """
import sys
from multiprocessing import forkserver

from pipeline.run import ingest
from pipeline.store.db import Database

seen = []
real_open = Database.open.__func__


def spy(cls, *args, **kwargs):
    seen.append(forkserver._forkserver._forkserver_pid is not None)
    return real_open(cls, *args, **kwargs)


Database.open = classmethod(spy)
if __name__ == "__main__":
    summary = ingest.run_ingest([sys.argv[1]], sys.argv[2])
    print(seen, summary.n_new)
"""


def test_a_run_with_files_starts_the_parser_server_before_it_opens_the_database(tmp_path):
    """The fork server (spaCy and the readers: seconds of imports) loads while the database opens;
    an empty folder starts nothing. Each case in a fresh interpreter, where no server runs yet."""
    import subprocess
    import sys

    script = tmp_path / "spy_run.py"
    script.write_text(_SPY_RUN)
    full, empty = tmp_path / "full", tmp_path / "empty"
    full.mkdir()
    empty.mkdir()
    (full / "letter.txt").write_bytes((CORPUS / "003_b29c2434e00e918d.txt").read_bytes())
    root = Path(__file__).parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    outs = []
    for folder in (full, empty):
        proc = subprocess.run(
            [sys.executable, str(script), str(folder), str(tmp_path / f"{folder.name}.duckdb")],
            capture_output=True, text=True, cwd=root, env=env, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-2000:]
        outs.append(proc.stdout.strip().splitlines()[-1])
    assert outs == ["[True] 1", "[False] 0"]


_MAIN_SCRIPT = """
import sys
from pathlib import Path

if __name__ == "__mp_main__":  # what multiprocessing runs in a child that re-imports the main script
    with open(sys.argv[2], "a") as marker:
        marker.write("the worker ran the main script\\n")

from pipeline.run.work import Work, sha256_file
from pipeline.run.workers import WorkerPool

if __name__ == "__main__":
    letter = Path(sys.argv[1])
    with WorkerPool(2) as pool:
        result = pool.parse_batch([Work(sha256_file(letter), (str(letter),))])
    print(len(result.docs), len(result.errors))
"""


def test_workers_do_not_run_the_parents_main_script_again(tmp_path):
    """A worker's target is in pipeline.run.workers: re-running the caller's script (for `inspections`,
    the CLI's imports) in every worker would only cost time. Fresh interpreter, real fork server."""
    import subprocess
    import sys

    script, marker = tmp_path / "caller.py", tmp_path / "marker.txt"
    script.write_text(_MAIN_SCRIPT)
    root = Path(__file__).parent.parent
    proc = subprocess.run(
        [sys.executable, str(script), str(CORPUS / "003_b29c2434e00e918d.txt"), str(marker)],
        capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["1", "0"]
    assert not marker.exists(), marker.read_text()


def test_documents_sent_ahead_are_collected_with_the_batch_and_not_parsed_twice():
    works = [_work(p) for p in sorted(CORPUS.glob("*.txt"))[:3]]
    with WorkerPool(1, Limits(seconds=60)) as pool:
        pool.send_ahead(works[:2])
        got = [w for w, _ in pool.map(works)]
    assert sorted(got, key=works.index) == works  # each once: the two sent ahead were not sent again


def test_a_worker_holding_a_document_not_wanted_is_replaced_and_its_queue_dropped():
    a, b, c = (_work(p) for p in sorted(CORPUS.glob("*.txt"))[:3])
    with WorkerPool(1, Limits(seconds=60)) as pool:
        pool.send_ahead([a, b])
        before = pool.workers[0].proc.pid
        pool.keep_only([b, c])
        assert pool.workers[0].proc.pid != before and not pool.workers[0].queue
        assert [w for w, _ in pool.map([b, c])] == [b, c]  # nothing of `a` comes back
    with WorkerPool(1, Limits(seconds=60)) as pool:
        pool.send_ahead([a, b])
        before = pool.workers[0].proc.pid
        pool.keep_only([a, b, c])  # all wanted: the worker keeps going
        assert pool.workers[0].proc.pid == before
        assert sorted(w.paths for w, _ in pool.map([a, b, c])) == sorted(w.paths for w in (a, b, c))


def _letters(folder: Path, names: list[str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, src in zip(names, sorted(CORPUS.glob("*.txt")), strict=False):
        (folder / name).write_bytes(src.read_bytes())
    return folder


def test_a_warm_run_sends_its_first_files_to_the_workers_while_the_database_opens(tmp_path, monkeypatch):
    """With the fork server up, parsing does not wait for the database to open and the plan."""
    from pipeline.run.ingest import run_ingest
    from pipeline.run.settings import IngestSettings
    from pipeline.store.db import Database

    WorkerPool(1).close()  # this process's fork server is up
    sent = threading.Event()
    real_send = WorkerPool.send_ahead

    def spy_send(self, works):
        real_send(self, works)
        sent.set()

    real_open = Database.open.__func__
    opened_after_send = []

    def spy_open(cls, *args, **kwargs):
        opened_after_send.append(sent.wait(30))  # a run that sent only after opening would wait in vain
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(WorkerPool, "send_ahead", spy_send)
    monkeypatch.setattr(Database, "open", classmethod(spy_open))
    folder = _letters(tmp_path / "in", ["a.txt", "b.txt", "c.txt"])
    summary = run_ingest([folder], tmp_path / "x.duckdb", IngestSettings(workers=1))
    assert opened_after_send == [True]
    assert (summary.n_new, summary.n_failed) == (3, 0)


def test_files_sent_ahead_but_stored_already_are_dropped_and_an_unchanged_rerun_starts_no_workers(
    tmp_path, monkeypatch
):
    """The first files in path order are stored; the new one comes last. The rows equal a cold run's."""
    from pipeline.run.ingest import run_ingest
    from pipeline.run.settings import IngestSettings
    from pipeline.store.db import query

    pools: list[WorkerPool] = []
    real_init = WorkerPool.__init__

    def spy_init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        pools.append(self)

    monkeypatch.setattr(WorkerPool, "__init__", spy_init)
    WorkerPool(1).close()
    folder = _letters(tmp_path / "in", ["a.txt", "b.txt"])
    db = tmp_path / "x.duckdb"
    assert run_ingest([folder], db, IngestSettings(workers=1)).n_new == 2
    # a.txt and b.txt are touched (newer than the database, so sent ahead) but their bytes are stored.
    _letters(tmp_path / "in", ["a.txt", "b.txt", "z.txt"])
    second = run_ingest([folder], db, IngestSettings(workers=1))
    assert (second.n_new, second.n_updated, second.n_unchanged, second.n_failed) == (1, 0, 2, 0)
    started = len(pools)
    third = run_ingest([folder], db, IngestSettings(workers=1))
    assert (third.n_new, third.n_unchanged) == (0, 3)
    assert len(pools) == started  # nothing changed since the database was written: no head start
    assert all(not p.workers for p in pools)  # every pool stopped
    cold = tmp_path / "cold.duckdb"
    run_ingest([folder], cold, IngestSettings(workers=0))
    for table in ("areas_for_improvement", "evidence", "judgements", "recommendations"):
        sql = f"SELECT * FROM {table} ORDER BY ALL"
        assert query(db, sql).rows == query(cold, sql).rows, table


def test_only_files_modified_since_the_database_was_written_are_sent_ahead(tmp_path):
    from pipeline.run.workers import changed_since

    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("x")
    db = tmp_path / "x.duckdb"
    assert changed_since(db, [str(old)]) == [str(old)]  # no database yet: everything is new
    db.write_bytes(b"")
    new.write_text("y")
    os.utime(old, ns=(1, 1))
    os.utime(db, ns=(2, 2))
    os.utime(new, ns=(3, 3))
    assert changed_since(db, [str(old), str(new), str(tmp_path / "gone.txt")]) == [str(new)]


def test_files_hashed_by_the_head_start_are_not_hashed_again_by_the_plan(tmp_path, monkeypatch):
    """Each file of a warm run is read for its hash once, whether the head start or the plan hashed it."""
    import pipeline.run.ingest as ingest
    import pipeline.run.workers as workers
    from pipeline.run.settings import IngestSettings

    WorkerPool(1).close()  # this process's fork server is up: the run gets a head start
    hashed: list[str] = []

    def counting(path):
        hashed.append(str(path))
        return sha256_file(path)

    monkeypatch.setattr(ingest, "sha256_file", counting)
    monkeypatch.setattr(workers, "sha256_file", counting)
    monkeypatch.setattr(workers, "HEAD_START_PER_WORKER", 2)  # two files ahead, the third by the plan
    folder = _letters(tmp_path / "in", ["a.txt", "b.txt", "c.txt"])
    summary = ingest.run_ingest([folder], tmp_path / "x.duckdb", IngestSettings(workers=1))
    assert (summary.n_new, summary.n_failed) == (3, 0)
    assert sorted(hashed) == sorted(str(p) for p in Path(folder).iterdir())


def test_the_plan_takes_a_given_hash_only_while_the_file_is_as_it_was_when_hashed(tmp_path):
    from pipeline.run.ingest import plan
    from pipeline.store.db import Database

    path = tmp_path / "a.txt"
    path.write_text("a letter")
    st = os.stat(path)
    real = sha256_file(path)
    with Database.open(tmp_path / "x.duckdb") as db:
        fresh = {str(path): (st.st_size, st.st_mtime_ns, "given")}
        assert [w.sha256 for w in plan(db, [str(path)], hashed=fresh).to_parse] == ["given"]
        stale = {str(path): (st.st_size, st.st_mtime_ns - 1, "given")}  # the file changed since
        assert [w.sha256 for w in plan(db, [str(path)], hashed=stale).to_parse] == [real]


def test_workers_cut_off_by_a_killed_parent_leave_without_a_traceback(tmp_path):
    """kill -9 of the parent alone (the OOM killer, systemd's KillMode=mixed): its workers find the
    pipe closed when they next send or wait, and leave quietly (each printed a traceback before)."""
    import subprocess
    import sys
    import textwrap

    big = _big_letter(tmp_path, 40)
    parent = textwrap.dedent(
        f"""
        import time
        from pipeline.run.work import Work
        from pipeline.run.workers import WorkerPool
        pool = WorkerPool(2)
        pool.send_ahead([Work("a", ({str(big)!r},)), Work("b", ({str(big)!r},))])
        print("sent", flush=True)
        time.sleep(60)
        """
    )
    root = Path(__file__).parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", parent], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "sent"
    time.sleep(0.2)  # the workers are parsing
    proc.send_signal(signal.SIGKILL)
    stderr = proc.stderr.read()  # until every holder of the pipe (workers, fork server) has gone
    assert "Traceback" not in stderr, stderr[-2000:]
