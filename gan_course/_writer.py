"""One live writer per checkpoint folder: an operating-system lock (``flock``) on ``directory/.writer``.

Internal (no lesson imports it): ``callbacks.Checkpoint`` claims its folder before the first step and
releases it at the end; a second live run is refused, a dead run's claim is taken over.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


try:
    import fcntl
except ImportError:  # Windows has no flock: there a folder is not claimed
    fcntl = None

_HELD: dict[str, tuple[int, Path]] = {}  # folders this process claims -> (open lock file, its path)


def claim(directory: Path, signature: list[str]) -> None:
    """Claim ``directory`` for this process, or raise a ValueError naming the live run that holds it.

    The claim is a ``flock`` on ``directory/.writer`` (which says who holds it): the kernel drops it when its
    process dies, even by SIGKILL, so only a dead run's claim is taken over. The same process may claim again
    (a second ``fit``, a new Checkpoint on its folder, a ``fit`` that raised: Keras then skips on_train_end).
    """
    key, lock = str(directory.resolve()), directory / ".writer"

    def same_file(fd):  # False once the holder released it (removing the file) or the folder was deleted
        try:
            return os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            return False

    def holder(fd):  # who holds it, as the file says ({} while its holder is still writing it)
        try:
            return json.loads(os.pread(fd, os.fstat(fd).st_size, 0) or b"{}")
        except ValueError:
            return {}

    if key in _HELD and same_file(_HELD[key][0]):
        return
    if key in _HELD:  # the folder was deleted (and made again) under our claim: claim the new one
        os.close(_HELD.pop(key)[0])
    if fcntl is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                other = holder(fd)
                os.close(fd)
                same = "the same" if other.get("signature") == signature else "another"
                raise ValueError(
                    f"{directory} is in use by another run (process {other.get('pid', '?')} on {other.get('host')}, "
                    f"started {other.get('started')}, {same} architecture): two runs in one folder overwrite each "
                    "other's checkpoints. Wait for that run to finish (a notebook whose fit was interrupted keeps it "
                    "until its kernel restarts), or give this one another folder"
                ) from None
            if same_file(fd):
                break
            os.close(fd)
    except OSError as err:
        raise OSError(
            err.errno, f"cannot write into {directory} ({err.strerror}): give Checkpoint a folder you can write to"
        ) from err
    old = holder(fd)
    if old.get("pid") not in (None, os.getpid()):
        print(f"{directory}: taking over from process {old['pid']} on {old.get('host')}, which has stopped")
    mine = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps({**mine, "signature": signature}).encode(), 0)
    _HELD[key] = (fd, lock)


def release(directory: Path) -> None:
    fd, lock = _HELD.pop(str(directory.resolve()), (None, None))
    if fd is not None:
        lock.unlink(missing_ok=True)  # before unlocking: a waiting claimant then finds the file gone and reopens
        os.close(fd)
