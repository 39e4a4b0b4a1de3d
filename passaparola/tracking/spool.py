"""Where the redirect leaves each click before answering: a file or a Redis list.

The hot path makes no database write. Each web process appends one line per click to its own
spool file with a single os.write() on an O_APPEND descriptor: once write() returns, the line
is in the kernel's page cache and survives a SIGKILL of the process. With Redis, the line is
pushed onto a list instead, so web processes on many machines share one queue. A background
job (services.clicks_ingest) reads the lines into Click rows, idempotently by click id.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

REDIS_KEY = "passaparola:clicks"
SUFFIX = ".clicks"


@dataclass(frozen=True)
class SpoolName:
    """The parts of a spool file name: the minute it was opened for, host and process."""

    minute: str
    host: str
    pid: int

    @classmethod
    def parse(cls, name: str) -> "SpoolName | None":
        """Return the parts of a spool file name, or None for any other file."""
        if not name.endswith(SUFFIX):
            return None
        parts = name[: -len(SUFFIX)].split(".")
        if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
            return None
        return cls(minute=parts[0], host=parts[1], pid=int(parts[2]))


def _host() -> str:
    return "".join(ch for ch in socket.gethostname() if ch.isalnum() or ch == "-")[:40] or "host"


class FileSpool:
    """Append-only spool files in one folder, one file per process and minute."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock = threading.Lock()
        self.fd: int | None = None
        self.minute = -1
        self.pid = 0

    def _open(self, minute: int) -> int:
        if self.fd is not None and self.pid == os.getpid():
            os.close(self.fd)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.pid = os.getpid()
        token = os.urandom(4).hex()
        stamp = time.strftime("%Y%m%d%H%M", time.gmtime(minute * 60))
        path = self.folder / f"{stamp}.{_host()}.{self.pid}.{token}{SUFFIX}"
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.minute = minute
        return self.fd

    def append(self, line: bytes) -> None:
        """Write one click line; when this returns, the click survives the process."""
        minute = int(time.time() // 60)
        with self.lock:
            fd = self.fd
            # A new file every minute, and after a fork, so that ingestion can tell which
            # files nobody writes to any more.
            if fd is None or minute != self.minute or self.pid != os.getpid():
                fd = self._open(minute)
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(f"short write to the click spool ({written} of {len(line)} bytes)")


class RedisSpool:
    """One Redis list shared by every web process on every machine."""

    def __init__(self, url: str) -> None:
        import redis  # imported here: the embedded mode runs without Redis

        self.client: Any = redis.Redis.from_url(url)

    def append(self, line: bytes) -> None:
        """Push one click line; when this returns, Redis holds the click."""
        self.client.rpush(REDIS_KEY, line)


_spool: FileSpool | RedisSpool | None = None
_spool_lock = threading.Lock()


def spool_kind() -> str:
    """Return "redis" or "file": where clicks wait for ingestion."""
    return "redis" if settings.CLICK_SPOOL == "redis" else "file"


def spool_folder() -> Path:
    """Return the folder of the click spool files."""
    return Path(settings.CLICK_SPOOL_DIR)


def get_spool() -> FileSpool | RedisSpool:
    """Return this process's spool, made on first use."""
    global _spool
    if _spool is None:
        with _spool_lock:
            if _spool is None:
                if spool_kind() == "redis":
                    _spool = RedisSpool(settings.REDIS_URL)
                else:
                    _spool = FileSpool(spool_folder())
    return _spool


def spool_reset() -> None:
    """Forget this process's spool (after a settings change in tests)."""
    global _spool
    with _spool_lock:
        if isinstance(_spool, FileSpool) and _spool.fd is not None and _spool.pid == os.getpid():
            os.close(_spool.fd)
        _spool = None


def spool_files() -> Iterator[tuple[Path, SpoolName]]:
    """Yield the spool files waiting in the folder, oldest minute first."""
    folder = spool_folder()
    if not folder.is_dir():
        return
    named = [(path, SpoolName.parse(path.name)) for path in folder.iterdir()]
    yield from sorted(
        ((path, name) for path, name in named if name is not None), key=lambda pair: pair[0].name
    )


def writer_alive(name: SpoolName) -> bool:
    """Return False only when the file's writer is surely gone (same host, no such process)."""
    if name.host != _host():
        return True
    try:
        os.kill(name.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed process whose parent has not reaped it yet is a zombie: it writes no more.
    try:
        stat = Path(f"/proc/{name.pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]
