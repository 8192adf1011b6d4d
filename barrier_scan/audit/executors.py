"""Where documents are scanned: a local process pool, or a Dask cluster.

Both build one `Scanner` per worker (not per document) and hand back plain dicts
(`DocumentResult.to_dict()`), so only the audit's parent process touches the database.

Local pool: N worker processes. On Linux the parent builds the Scanner once and forks the
workers from it, so they start at once and share the loaded rules and model copy-on-write;
elsewhere (or when the parent runs other threads) a fork server or spawn is used and each
worker builds its own Scanner. Each worker scans one document at a time. A document that runs past the time limit
is interrupted inside the worker (SIGALRM); one stuck in C code past the limit plus a grace
period has its worker killed and replaced. A worker that dies (segfault, out of memory) costs
only the document it held: that document is recorded as failed and a new worker starts.

Dask: tasks go to a `distributed.Client`; each worker process keeps its Scanner in a
thread-local cache. The client reads each file and sends its bytes, so workers need only the
package installed, not the files. A document still unfinished after twice the time limit is
cancelled and recorded as timed out (Dask cannot kill a running task; its thread frees up when
the scan returns).
"""
from __future__ import annotations

import datetime as dt
import gc
import io
import multiprocessing as mp
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Iterator, Optional, Protocol

from ..errors import BarrierScanError
from ..settings import ScanSettings

HARD_KILL_GRACE = 10.0  # seconds past the time limit before a stuck worker is killed
WORKER_START_TIMEOUT = 300.0  # building a Scanner loads rules and the model
DASK_SCATTER_BYTES = 1 << 20  # send larger files through scatter, not inside the task


class AuditWorkerError(BarrierScanError):
    """The workers could not start (for example a broken rule pack): nothing can be scanned."""

    kind = "audit-worker"


@dataclass
class Task:
    """One document on its way to a worker (only `payload()` crosses the process boundary)."""

    id: int
    path: str
    display: str
    overrides: dict[str, Any]
    # parent-side bookkeeping
    key: Any = None
    size: Optional[int] = None
    notice_row: Optional[int] = None
    ocid: Optional[str] = None

    def payload(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "display": self.display,
                "overrides": self.overrides}


@dataclass
class Outcome:
    """What came back for a task: a result dict, or an error the worker could not return."""

    task: Task
    result: Optional[dict[str, Any]] = None
    error_kind: Optional[str] = None
    error_message: Optional[str] = None
    seconds: Optional[float] = None
    peak_rss_mb: Optional[float] = None
    worker: Optional[str] = None
    version: Optional[str] = None


class Executor(Protocol):
    def start(self) -> str: ...  # the workers' Scanner.version
    def run(self, tasks: Iterator[Task]) -> Iterator[Outcome]: ...
    def close(self) -> None: ...


# -- the worker side (shared by both executors) ------------------------------------------------
# The Scanner a forked worker inherits from the parent (set only around LocalExecutor.start).
_FORKED_SCANNER: Any = None
# The parent's ends of the workers' pipes. A forked worker inherits copies of them and must
# close them: while any process holds a pipe's parent end, its worker never sees EOF, and
# workers would outlive a parent killed with kill -9.
_PARENT_ENDS: list[Connection] = []
PARENT_CHECK_SECONDS = 1.0  # how often an idle worker checks that its parent is alive


class DocumentTimeout(BaseException):
    """Raised in a worker when a document passes its time limit.

    A BaseException, so the pipeline's `except Exception` handlers cannot swallow it."""


def settings_for(base: ScanSettings, overrides: dict[str, Any]) -> ScanSettings:
    changes = dict(overrides)
    if isinstance(changes.get("procurement_date"), str):
        changes["procurement_date"] = dt.date.fromisoformat(changes["procurement_date"])
    if "metadata" in changes:
        changes["metadata"] = {**(base.metadata or {}), **changes["metadata"]}
    return base.with_(**changes) if changes else base


def _peak_rss_mb() -> Optional[float]:
    try:
        import resource
    except ImportError:  # Windows
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024.0, 1)  # Linux reports KiB


def scan_payload(scanner: Any, base: ScanSettings, payload: dict[str, Any],
                 data: Optional[bytes] = None) -> dict[str, Any]:
    """Scan one document; never raises (except DocumentTimeout) — errors come back as data."""
    started = time.perf_counter()
    out: dict[str, Any] = {"id": payload["id"], "version": scanner.version,
                           "worker": f"{os.getpid()}@{socket.gethostname()}"}
    try:
        s = settings_for(base, payload.get("overrides") or {})
        if data is None:
            result = scanner.scan_path(payload["path"], settings=s, display_name=payload["display"])
        else:
            result = scanner.scan_bytes(data, payload["display"], settings=s)
        out["result"] = result.to_dict()
    except DocumentTimeout:
        raise
    except BarrierScanError as exc:
        out["error"] = {"kind": exc.kind, "message": exc.message}
    except MemoryError:
        out["error"] = {"kind": "out-of-memory", "message": "ran out of memory while scanning; "
                        "split the file or raise the worker memory limit"}
    except Exception as exc:  # a pipeline bug must cost one document, not the batch
        last = traceback.extract_tb(exc.__traceback__)[-1:]
        where = f" at {Path(last[0].filename).name}:{last[0].lineno}" if last else ""
        out["error"] = {"kind": "internal-error",
                        "message": f"{type(exc).__name__}: {exc}{where}; please report this file"}
    out["seconds"] = time.perf_counter() - started
    out["peak_rss_mb"] = _peak_rss_mb()
    return out


# A tiny tender scanned once when a Scanner is built, so lazily built state (compiled
# patterns, spaCy vocab, PDFium) exists before the first timed document (and before the fork,
# where workers then share it).
WARM_UP_TEXT = (b"1. Introduction\n1.1 Bidders must have a minimum annual turnover of \xc2\xa31m "
                b"and will be paid within 30 days.\n")


WARM_UP_PDF_LINE = b"1.1 Bidders must have a minimum annual turnover of GBP 1m."


def warm_up_pdf() -> bytes:
    """A one-page PDF holding WARM_UP_PDF_LINE in Helvetica (reportlab, as the PDF reports
    use). Scanning it once sets up what PDFium builds on first use (fonts, tables): about
    0.15 s that the first real file of every worker paid otherwise."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=True)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 720, WARM_UP_PDF_LINE.decode())
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def build_scanner(base: ScanSettings, rules_dir: Optional[str]) -> Any:
    from ..pipeline import Scanner
    scanner = Scanner(base, rules_dir=rules_dir)
    for data, name in ((WARM_UP_TEXT, "warm-up.txt"), (warm_up_pdf(), "warm-up.pdf")):
        try:
            scanner.scan_bytes(data, name, settings=base)
        except Exception:  # noqa: BLE001 - only an optimisation; real documents report errors
            pass
    return scanner


def _on_alarm(signum: int, frame: Any) -> None:
    raise DocumentTimeout()


def _worker_main(conn: Connection, base: ScanSettings, rules_dir: Optional[str],
                 timeout: float, memory_mb: Optional[int]) -> None:
    """A local worker: build one Scanner, then scan documents until told to stop."""
    for inherited in _PARENT_ENDS:
        inherited.close()
    _PARENT_ENDS.clear()
    parent_pid = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, when forked
    if memory_mb:
        try:
            import resource
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    try:
        scanner = _FORKED_SCANNER
        if scanner is None:
            scanner = build_scanner(base, rules_dir)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one line
        try:
            conn.send(("init-error", str(exc) or type(exc).__name__))
        finally:
            return
    soft_timeout = hasattr(signal, "setitimer")  # not on Windows: only the parent's deadline
    if soft_timeout:
        signal.signal(signal.SIGALRM, _on_alarm)
    conn.send(("ready", scanner.version, os.getpid()))
    while True:
        try:
            while not conn.poll(PARENT_CHECK_SECONDS):
                if os.getppid() != parent_pid:  # the parent has gone (kill -9): stop
                    return
            payload = conn.recv()
        except (EOFError, OSError):  # the parent has gone: stop
            return
        if payload is None:
            return
        started = time.perf_counter()
        try:
            if soft_timeout:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                out = scan_payload(scanner, base, payload)
            finally:
                if soft_timeout:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except DocumentTimeout:
            out = {"id": payload["id"], "version": scanner.version,
                   "error": {"kind": "timeout",
                             "message": f"took longer than {timeout:g}s; raise --timeout or "
                                        "lower --max-pages"},
                   "seconds": time.perf_counter() - started, "peak_rss_mb": _peak_rss_mb(),
                   "worker": f"{os.getpid()}@{socket.gethostname()}"}
        try:
            conn.send(("done", out))
        except (BrokenPipeError, OSError):
            return


def _outcome(task: Task, out: dict[str, Any]) -> Outcome:
    err = out.get("error") or {}
    return Outcome(task=task, result=out.get("result"), error_kind=err.get("kind"),
                   error_message=err.get("message"), seconds=out.get("seconds"),
                   peak_rss_mb=out.get("peak_rss_mb"), worker=out.get("worker"),
                   version=out.get("version"))


# -- local process pool --------------------------------------------------------------------------
_PARENT_SCANNER: dict[tuple[str, Optional[str]], Any] = {}


def _parent_scanner(settings: ScanSettings, rules_dir: Optional[str]) -> Any:
    """The Scanner forked workers inherit; kept for the next audit in this process (one entry).

    Every document is scanned with its own settings passed in, so a Scanner is only specific
    to what its construction reads: the model switch and the rules."""
    key = (repr((settings.use_model, settings.jurisdiction)), rules_dir)
    if key not in _PARENT_SCANNER:
        try:
            scanner = build_scanner(settings, rules_dir)
        except BarrierScanError:
            raise
        except Exception as exc:  # noqa: BLE001 - one line for the user
            raise AuditWorkerError(f"the scanner could not be built: {exc}") from exc
        _PARENT_SCANNER.clear()
        _PARENT_SCANNER[key] = scanner
    return _PARENT_SCANNER[key]


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ready: bool = False
    task: Optional[Task] = None
    deadline: float = 0.0
    done: int = 0
    pid: int = 0


@dataclass
class LocalExecutor:
    """A pool of worker processes, each with its own Scanner and a per-document time limit."""

    jobs: int
    settings: ScanSettings
    rules_dir: Optional[str] = None
    timeout: float = 300.0
    memory_mb: Optional[int] = None
    max_tasks_per_worker: Optional[int] = None
    start_method: str = "auto"  # auto | fork | forkserver | spawn
    version: str = ""
    workers: list[_Worker] = field(default_factory=list)

    def __post_init__(self) -> None:
        methods = mp.get_all_start_methods()
        method = self.start_method
        if method == "auto":
            # fork from this process once it holds a built Scanner: workers start at once and
            # share the loaded rules and model copy-on-write. Forking a process that runs other
            # threads can deadlock, so then a fork server does the same job more slowly.
            # (Linux only: macOS system libraries are not safe to use after fork.)
            if (sys.platform.startswith("linux") and "fork" in methods
                    and threading.active_count() == 1):
                method = "fork"
            else:
                method = "forkserver" if "forkserver" in methods else "spawn"
        self.start_method = method
        self._ctx = mp.get_context(method)
        if method == "forkserver":
            # imported once in the fork server, shared copy-on-write by every worker
            preload = ["barrier_scan.pipeline"]
            if self.settings.use_model:
                preload += ["barrier_scan.detect.classifier", "skops.io"]
            self._ctx.set_forkserver_preload(preload)

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        _PARENT_ENDS.append(parent)
        proc = self._ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main, name="barrier-scan-worker", daemon=True,
            args=(child, self.settings, self.rules_dir, self.timeout, self.memory_mb))
        proc.start()
        child.close()
        return _Worker(process=proc, conn=parent)

    @staticmethod
    def _forget(conn: Connection) -> None:
        if conn in _PARENT_ENDS:
            _PARENT_ENDS.remove(conn)
        conn.close()

    def start(self) -> str:
        global _FORKED_SCANNER
        if self.start_method == "fork":
            _FORKED_SCANNER = _parent_scanner(self.settings, self.rules_dir)
            self.version = _FORKED_SCANNER.version
            gc.freeze()  # keep the loaded objects out of the children's collections (less copying)
        self.workers = [self._spawn() for _ in range(max(1, self.jobs))]
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while not any(w.ready for w in self.workers):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AuditWorkerError("workers did not start within "
                                       f"{WORKER_START_TIMEOUT:g}s; check the model and rules")
            self._poll(left, [])
        return self.version

    def _poll(self, timeout: float, outcomes: list[Outcome]) -> None:
        """Wait up to `timeout` for worker messages or deaths; collect finished outcomes."""
        waitables: list[Any] = []
        for w in self.workers:
            waitables += [w.conn, w.process.sentinel]
        ready = set(wait(waitables, timeout=max(0.0, timeout)))
        for i, w in enumerate(list(self.workers)):
            if w.conn in ready:
                try:
                    msg = w.conn.recv()
                except (EOFError, OSError):
                    msg = None
                if msg is not None:
                    self._handle(w, msg, outcomes)
                    continue
            if w.process.sentinel in ready or (w.conn in ready):
                # died without a message: segfault, OOM kill, or a broken pipe
                w.process.join(1)
                if w.task is not None:
                    code = w.process.exitcode
                    outcomes.append(Outcome(
                        task=w.task, error_kind="worker-crashed",
                        error_message=f"the worker scanning it died (exit code {code}); the file "
                                      "may be pathological or need more memory",
                        seconds=None, version=self.version or None))
                elif not w.ready and not any(x.ready for x in self.workers if x is not w):
                    raise AuditWorkerError("a worker died while starting; run `barrier-scan "
                                           "scan` on one file to see the error")
                self._replace(i)

    def _handle(self, w: _Worker, msg: tuple[Any, ...], outcomes: list[Outcome]) -> None:
        kind = msg[0]
        if kind == "ready":
            w.ready, w.pid = True, int(msg[2])
            if not self.version:
                self.version = str(msg[1])
        elif kind == "init-error":
            raise AuditWorkerError(f"the scanner could not be built: {msg[1]}")
        elif kind == "done" and w.task is not None:
            outcomes.append(_outcome(w.task, msg[1]))
            w.task = None
            w.done += 1
            if self.max_tasks_per_worker and w.done >= self.max_tasks_per_worker:
                self._retire(w)

    def _retire(self, w: _Worker) -> None:
        i = self.workers.index(w)
        try:
            w.conn.send(None)
        except OSError:
            pass
        self._replace(i, kill=False)

    def _replace(self, i: int, kill: bool = True) -> None:
        old = self.workers[i]
        if kill and old.process.is_alive():
            old.process.kill()
        old.process.join(5 if not kill else 1)
        self._forget(old.conn)
        self.workers[i] = self._spawn()

    def run(self, tasks: Iterator[Task]) -> Iterator[Outcome]:
        pending = iter(tasks)
        exhausted = False
        while True:
            for w in self.workers:
                if exhausted:
                    break
                if w.ready and w.task is None:
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                        break
                    try:
                        w.conn.send(task.payload())
                    except OSError:
                        # the worker is gone; its sentinel fires on the next poll
                        w.task, w.deadline = task, time.monotonic()
                        continue
                    w.task = task
                    w.deadline = time.monotonic() + self.timeout + HARD_KILL_GRACE
            busy = [w for w in self.workers if w.task is not None]
            if exhausted and not busy:
                return
            wait_for = min((w.deadline for w in busy), default=time.monotonic() + 1.0)
            outcomes: list[Outcome] = []
            self._poll(min(wait_for - time.monotonic(), 1.0), outcomes)
            now = time.monotonic()
            for i, w in enumerate(list(self.workers)):
                if w.task is not None and now > w.deadline:
                    outcomes.append(Outcome(
                        task=w.task, error_kind="timeout",
                        error_message=f"took longer than {self.timeout:g}s and was stopped; raise "
                                      "--timeout or lower --max-pages",
                        seconds=now - (w.deadline - self.timeout - HARD_KILL_GRACE),
                        version=self.version or None))
                    w.task = None
                    self._replace(i)
            yield from outcomes

    def close(self) -> None:
        for w in self.workers:
            try:
                w.conn.send(None)
            except OSError:
                pass
        end = time.monotonic() + 2.0
        for w in self.workers:
            w.process.join(max(0.0, end - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(1)
            self._forget(w.conn)
        self.workers = []
        if self.start_method == "fork":
            global _FORKED_SCANNER
            _FORKED_SCANNER = None
            gc.unfreeze()


# -- Dask -------------------------------------------------------------------------------------------
_LOCAL = threading.local()


def _dask_scanner(base: ScanSettings, rules_dir: Optional[str]) -> Any:
    """This worker thread's Scanner, built on first use (not per document)."""
    key = (repr(base), rules_dir)
    cached = getattr(_LOCAL, "scanner", None)
    if cached is None or cached[0] != key:
        _LOCAL.scanner = (key, build_scanner(base, rules_dir))
    return _LOCAL.scanner[1]


def dask_version(base: ScanSettings, rules_dir: Optional[str]) -> str:
    return str(_dask_scanner(base, rules_dir).version)


def dask_scan(payload: dict[str, Any], data: bytes, base: ScanSettings,
              rules_dir: Optional[str]) -> dict[str, Any]:
    return scan_payload(_dask_scanner(base, rules_dir), base, payload, data)


@dataclass
class DaskExecutor:
    """Runs the scans on a Dask distributed cluster; results come back to this process."""

    settings: ScanSettings
    scheduler: Optional[str] = None  # tcp://host:port
    client: Any = None  # an existing distributed.Client (tests, notebooks)
    rules_dir: Optional[str] = None
    timeout: float = 300.0
    version: str = ""
    _own_client: bool = False

    def start(self) -> str:
        try:
            from distributed import Client
        except ImportError as exc:
            raise AuditWorkerError("the dask executor needs `pip install barrier-scan[cluster]`") from exc
        if self.client is None:
            if not self.scheduler:
                raise AuditWorkerError("--executor dask needs --scheduler tcp://HOST:PORT")
            try:
                self.client = Client(self.scheduler, timeout=30)  # type: ignore[no-untyped-call]
            except (OSError, TimeoutError) as exc:
                raise AuditWorkerError(f"cannot reach the Dask scheduler at {self.scheduler} "
                                       f"({exc}); is `dask scheduler` running?") from exc
            self._own_client = True
        self._run_id = uuid.uuid4().hex[:8]
        fut = self.client.submit(dask_version, self.settings, self.rules_dir, pure=False,
                                 key=f"barrier-scan-version-{self._run_id}")
        try:
            self.version = str(fut.result(timeout=WORKER_START_TIMEOUT))
        except Exception as exc:  # noqa: BLE001 - one line for the user
            raise AuditWorkerError(f"the Dask workers could not build a scanner: {exc}; "
                                   "install barrier-scan on every worker") from exc
        return self.version

    def _threads(self) -> int:
        try:
            return max(1, int(sum(self.client.nthreads().values())))
        except Exception:  # noqa: BLE001
            return 1

    def run(self, tasks: Iterator[Task]) -> Iterator[Outcome]:
        from distributed import wait as dask_wait
        window = 2 * self._threads()
        # with a window of 2 tasks per thread a task waits at most one other before starting
        limit = 2 * self.timeout + HARD_KILL_GRACE
        pending = iter(tasks)
        inflight: dict[Any, tuple[Task, float]] = {}
        exhausted = False
        while True:
            while not exhausted and len(inflight) < window:
                task = next(pending, None)
                if task is None:
                    exhausted = True
                    break
                try:
                    data: Any = Path(task.path).read_bytes()
                except OSError as exc:
                    yield Outcome(task=task, error_kind="unreadable",
                                  error_message=f"cannot be read ({exc.strerror or exc})")
                    continue
                if len(data) > DASK_SCATTER_BYTES:
                    data = self.client.scatter(data, direct=False)
                fut = self.client.submit(dask_scan, task.payload(), data, self.settings,
                                         self.rules_dir, pure=False,
                                         key=f"barrier-scan-{self._run_id}-{task.id}")
                inflight[fut] = (task, time.monotonic())
            if not inflight:
                if exhausted:
                    return
                continue
            try:
                done, _ = dask_wait(list(inflight), timeout=1.0,  # type: ignore[no-untyped-call]
                                    return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            for fut in done:
                task, _ = inflight.pop(fut)
                yield self._collect(fut, task)
            now = time.monotonic()
            for fut, (task, submitted) in list(inflight.items()):
                if now - submitted > limit:
                    inflight.pop(fut)
                    fut.cancel()
                    yield Outcome(task=task, error_kind="timeout",
                                  error_message=f"not finished after {limit:g}s on the cluster; "
                                                "raise --timeout or lower --max-pages",
                                  version=self.version or None)

    def _collect(self, fut: Any, task: Task) -> Outcome:
        if fut.status == "finished":
            return _outcome(task, fut.result())
        try:
            exc = fut.exception(timeout=5)
        except Exception as err:  # noqa: BLE001
            exc = err
        name = type(exc).__name__
        kind = "worker-crashed" if name == "KilledWorker" else "worker-error"
        return Outcome(task=task, error_kind=kind,
                       error_message=f"{name}: {exc}; the file may be pathological",
                       version=self.version or None)

    def close(self) -> None:
        if self._own_client and self.client is not None:
            self.client.close()
        self.client = None
