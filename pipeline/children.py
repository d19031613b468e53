"""Child processes that never outlive their document or their parent.

An OCR engine run as a program (Tesseract) starts in its own process group
and is killed, group and all, whenever its call ends early: the document's
time limit, Ctrl-C, SIGTERM, any exception. Every child also asks the kernel
for SIGKILL when its parent dies (Linux `PR_SET_PDEATHSIG`), so a worker
killed by its watchdog, the OOM killer or `kill -9` takes its engine with it,
and a pool worker dies with the `ocrclean` process that started it instead of
waiting forever for work that will never come. Where that call does not exist,
a thread polls the parent's pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

PR_SET_PDEATHSIG = 1


def _load_prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_prctl = _load_prctl()  # resolved once, before any fork: the child only calls it


def die_with_parent(parent: int | None = None, sig: int = signal.SIGKILL) -> None:
    """Make this process receive `sig` when its parent dies. `parent`: the pid it must
    have; when the parent is already gone (it died before this ran), exit now."""
    if _prctl is None or _prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        _watch_parent(os.getppid() if parent is None else parent, sig)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def _watch_parent(parent: int, sig: int) -> None:
    """The portable fallback: a daemon thread that checks the parent once a second."""

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(1.0)
        os.kill(os.getpid(), sig)

    threading.Thread(target=watch, name="ocrclean-parent-watch", daemon=True).start()


def _child_setup(parent: int):
    def setup() -> None:  # runs in the child between fork and exec: no Python threads there
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return setup


def run_child(cmd: list[str], env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """Run `cmd` to the end: (exit status, stdout, stderr). It runs in a new process group
    that is killed if this call is left early (an exception, the time limit's alarm)."""
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        start_new_session=True, preexec_fn=_child_setup(os.getpid()),  # noqa: PLW1509
    )
    try:
        out, err = proc.communicate()
        return proc.returncode, out, err
    finally:
        if proc.returncode is None:
            kill_group(proc)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL `proc`'s process group (it leads one: `start_new_session`) and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for fh in (proc.stdout, proc.stderr):
        if fh is not None:
            fh.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
