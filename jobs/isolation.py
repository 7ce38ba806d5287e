"""Running one piece of work in a child process that a deadline or a cancel event can kill.

DuckDB and Polars compute in native threads that ignore Python exceptions, so killing a process
is the one way to stop either engine for sure and to get all of its memory back. While it works,
the child may `tell_parent` small messages (progress), which the parent hands to `on_message`.
"""

import contextlib
import multiprocessing
import os
import pickle
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, Final, TypeVar

from jobs.errors import InternalError, RunTimedOut, WorkCancelled

A = TypeVar("A")
R = TypeVar("R")

POLL_SECONDS: Final = 0.05
ORPHAN_EXIT_CODE: Final = 70
_ENVIRONMENT_LOCK: Final = threading.Lock()
_MESSAGE: Final = "message"  # an outcome kind that is not the end of the work
_to_parent: Connection | None = None  # in a child process: where `tell_parent` writes
_to_parent_lock: Final = threading.Lock()


def child_context(preload: Sequence[str]) -> BaseContext:
    """Forkserver where available: children fork from a clean, single-threaded server that has
    already imported `preload`, so a run starts in ~0.1 s instead of ~1 s for spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Only takes effect before the server starts.
    context.set_forkserver_preload([*preload, *main_script_modules()])
    return context


def main_script_modules() -> list[str]:
    """The modules the main script or module took its names from.

    Every child runs the main script again (CPython 3.11's forkserver drops the path it would
    need to preload the script itself), and a main module run with `-m package.module` again by
    name (only a package's `__main__` is skipped); with these already imported by the server,
    that costs nothing instead of importing the whole application again for each run.
    """
    main = sys.modules.get("__main__")
    if main is None:
        return []
    found = vars(main).values()
    names = {getattr(value, "__module__", None) for value in found if callable(value)}
    names |= {value.__name__ for value in found if isinstance(value, types.ModuleType)}
    return sorted(name for name in names if name and name not in ("__main__", "builtins"))


def warm_up(
    preload: Sequence[str], env: Mapping[str, str] | None = None, time_limit: float = 300
) -> None:
    """Start the child process server and wait until it has imported `preload`, so that the
    first run does not pay for it."""
    context = child_context(preload)
    cancel = threading.Event()
    run_in_child(context, _nothing, None, time_limit=time_limit, cancel=cancel, env=env)


def _nothing(arg: None) -> None:
    return arg


def run_in_child(
    context: BaseContext,
    target: Callable[[A], R],
    arg: A,
    *,
    time_limit: float,
    cancel: threading.Event,
    env: Mapping[str, str] | None = None,
    on_message: Callable[[Any], None] | None = None,
) -> R:
    """`target(arg)` in a child process; its result, or its exception re-raised here.

    `on_message` hears, in this thread, what the child says with `tell_parent` before it ends.
    `env` is added to the child's environment (with forkserver, to the server's: it applies from
    whichever call starts the server). Raises RunTimedOut after `time_limit` seconds,
    WorkCancelled once `cancel` is set, and InternalError when the child dies without an answer;
    in all three the child is killed.
    """
    results_in, results_out = context.Pipe(duplex=False)
    lifeline_in, lifeline_out = context.Pipe(duplex=False)
    child = context.Process(  # type: ignore[attr-defined]
        target=_child_main, args=(target, arg, results_out, lifeline_in), daemon=True
    )
    with _environment(env or {}):
        child.start()
    results_out.close()
    lifeline_in.close()
    try:
        deadline = time.monotonic() + time_limit
        outcome = _await(child, results_in, deadline, time_limit, cancel, on_message)
    finally:
        lifeline_out.close()  # the child's watchdog sees EOF and exits
        results_in.close()
        _reap(child)
    return _unwrap(outcome)  # type: ignore[no-any-return]


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """`env` in this process's environment while a child (or the child server) starts: settings
    a library reads once at import, like POLARS_MAX_THREADS, must be there before the server
    preloads it. The lock keeps concurrent starts from restoring each other's values."""
    with _ENVIRONMENT_LOCK:
        saved = {name: os.environ.get(name) for name in env}
        os.environ.update(env)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    del os.environ[name]
                else:
                    os.environ[name] = value


def _await(
    child: BaseProcess,
    results: Connection,
    deadline: float,
    time_limit: float,
    cancel: threading.Event,
    on_message: Callable[[Any], None] | None,
) -> tuple[str, Any]:
    while True:
        if results.poll(POLL_SECONDS):
            outcome = _receive(results, child)
            if outcome[0] != _MESSAGE:
                return outcome
            if on_message is not None:
                on_message(outcome[1])
            continue
        if cancel.is_set():
            raise WorkCancelled("the work was cancelled: its lease was lost")
        if time.monotonic() >= deadline:
            raise RunTimedOut(f"the run passed its time limit of {time_limit:g} s and was stopped")
        if not child.is_alive() and not results.poll():
            raise InternalError(f"the work process exited with code {child.exitcode}")


def _receive(results: Connection, child: BaseProcess) -> tuple[str, Any]:
    try:
        outcome: tuple[str, Any] = pickle.loads(results.recv_bytes())
    except (EOFError, OSError):
        child.join(1)
        raise InternalError(f"the work process exited with code {child.exitcode}") from None
    return outcome


def _unwrap(outcome: tuple[str, Any]) -> Any:
    kind, value = outcome
    if kind == "error":
        raise value
    return value


def _reap(child: BaseProcess) -> None:
    if child.is_alive():
        child.kill()
    child.join()
    child.close()


def _child_main(
    target: Callable[[Any], Any], arg: Any, results: Connection, lifeline: Connection
) -> None:
    global _to_parent
    threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True).start()
    _to_parent = results
    try:
        outcome: tuple[str, Any] = ("ok", target(arg))
    except BaseException as exc:  # the parent decides what every failure means
        outcome = ("error", exc)
    _send(results, outcome)


def tell_parent(message: Any) -> None:
    """In a child of `run_in_child`: hand `message` (picklable) to the parent's `on_message`;
    anywhere else, nothing."""
    if _to_parent is not None:
        _send(_to_parent, (_MESSAGE, message))


def _send(results: Connection, outcome: tuple[str, Any]) -> None:
    try:
        payload = pickle.dumps(outcome)
        pickle.loads(payload)  # some exceptions pickle but cannot be rebuilt on the other side
    except Exception as exc:
        described = f"{type(outcome[1]).__name__}: {outcome[1]}"
        payload = pickle.dumps(("error", InternalError(f"{described} (not portable: {exc!r})")))
    with _to_parent_lock:  # one message at a time on the pipe, whichever thread sends
        results.send_bytes(payload)


def _exit_with_parent(lifeline: Connection) -> None:
    """A SIGKILLed parent cannot kill its children; they notice the pipe closing instead."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    os._exit(ORPHAN_EXIT_CODE)
