"""Writing a file the user asked for (``-o``) without damaging anything else on the machine.

* A regular file (or a new name) is written through a temporary file in the same folder and renamed over
  the target, so a failed run never leaves half a report. A symbolic link keeps pointing where it did: the
  file it names is the one replaced.
* Anything else that exists under the name (a character or block device such as ``/dev/null``, a FIFO,
  ``/dev/stdout``, a socket), and every name under ``/dev`` or ``/proc``, is written to directly: renaming
  over it would replace the device node (as root) or cut the link between the name and the stream.
* A folder is an error, and so is a target that is the same file (by device and inode, after symbolic
  links and ``..``) as any file the run reads.
* Temporary files are named ``.<name>.<random>.<host>-<pid>.exposure-tmp<suffix>``: a later write to the
  same name removes those left by a process of this host that no longer runs (killed with SIGKILL, or the
  machine stopped), and ``remove_partial_files`` removes this process's own (the CLI calls it on SIGTERM).

Every failure is an ``OutputError`` naming the path and the reason.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ownership.errors import ExposureError, Location

#: Marks the temporary files this module makes (see the module docstring).
TEMP_MARK: Final = ".exposure-tmp"

#: Folders whose entries are written in place, never replaced: devices and the process's own streams.
_IN_PLACE_ROOTS: Final = ("/dev/", "/proc/")

Content = str | bytes | Callable[[Path], None]

_live: set[str] = set()


class OutputError(ExposureError):
    """The output could not be written where the user asked (the message names the path and why)."""


@dataclass(frozen=True)
class ReadFile:
    """A file the run reads, so that no output replaces it.

    Attributes:
        role: what the file is to the run, in words ("the input", "the watch list", "the policy file").
        path: the file as the user named it (or as found, for a folder's members).
    """

    role: str
    path: Path


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"


def _stale_pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"^\.{re.escape(name)}\.[A-Za-z0-9_]+\.(?P<host>[A-Za-z0-9-]+)-(?P<pid>[0-9]+){re.escape(TEMP_MARK)}"
    )


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def remove_stale(folder: Path, name: str) -> list[Path]:
    """Remove the temporary files of earlier writes to ``folder/name`` whose process (on this host) has
    ended; returns what was removed. Files of running processes and of other hosts are left alone."""
    pattern = _stale_pattern(name)
    host = _host()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None or match.group("host") != host or _running(int(match.group("pid"))):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def remove_partial_files() -> None:
    """Delete the temporary files this process is writing (for a termination signal: nothing half-written
    stays behind)."""
    for temp in list(_live):
        with contextlib.suppress(OSError):
            os.unlink(temp)
        _live.discard(temp)


def _error(shown: str, reason: str) -> OutputError:
    return OutputError(reason, Location(file=f"-o {shown}"))


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def _existing(path: Path, shown: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise _error(shown, "cannot write it: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise _error(shown, f"cannot write it ({_reason(exc)})") from None


def refuse_reads(path: Path, reads: Iterable[ReadFile], shown: str | None = None) -> None:
    """Raise ``OutputError`` when ``path`` is the same file as one of ``reads`` (after symbolic links, ``..``
    and hard links: the same device and inode)."""
    shown = shown or str(path)
    target = _existing(path, shown)
    if target is None:
        return
    for read in reads:
        try:
            found = os.stat(read.path)
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (target.st_dev, target.st_ino):
            same = "" if str(read.path) == shown else f" {read.path}"
            if read.role == "the input":
                raise _error(shown, f"that is the input file{same}; choose another name")
            raise _error(shown, f"is {read.role}{same}, which this run reads; choose another name for the output")


def _in_place(path: Path, found: os.stat_result | None) -> bool:
    if found is not None and not stat.S_ISREG(found.st_mode):
        return True
    absolute = os.path.abspath(path)
    return any(absolute.startswith(root) for root in _IN_PLACE_ROOTS)


def write_output(path: Path, content: Content, *, reads: Iterable[ReadFile] = (), shown: str | None = None) -> None:
    """Write ``content`` to ``path`` without damaging anything else (see the module docstring).

    Args:
        path: where to write.
        content: text (written as UTF-8), bytes, or a function that writes the file at the path it is given.
        reads: the files the run reads; writing over any of them is refused.
        shown: how messages name the output (default: the path as given).

    Raises:
        OutputError: the path is a folder or an input, its folder is missing or read-only, the disk is
            full, or any other failure to write (the message names the path and the reason).
    """
    shown = shown or str(path)
    found = _existing(path, shown)
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise _error(shown, "is a folder; give a file name for the output")
    refuse_reads(path, reads, shown)
    try:
        if _in_place(path, found):
            _write_in_place(path, content, found)
        else:
            _write_replacing(Path(os.path.realpath(path)), content, shown)
    except OSError as exc:
        raise _error(shown, f"cannot write it ({_reason(exc)})") from None


def _write_in_place(path: Path, content: Content, found: os.stat_result | None) -> None:
    """Write into an existing device, FIFO or stream: opened as it is, never truncated, created or renamed."""
    flags = os.O_WRONLY
    if found is None:
        # Under /dev or /proc but absent: creating a file there is never what the user meant.
        raise FileNotFoundError(2, "No such file or device")
    if stat.S_ISREG(found.st_mode):
        # /dev/stdout of a shell redirection to a file: append, as the shell's own writes do not rewind.
        flags |= os.O_APPEND
    if callable(content):
        staging = tempfile.mkdtemp(prefix="exposure-")
        _live.add(staging)
        try:
            staged = Path(staging) / (path.name or "output")
            content(staged)
            with staged.open("rb") as source, open(os.open(path, flags), "wb", closefd=True) as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            _live.discard(staging)
        return
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(os.open(path, flags), "wb", closefd=True) as sink:
        sink.write(data)


def _write_replacing(target: Path, content: Content, shown: str) -> None:
    folder = target.parent
    if not folder.is_dir():
        raise _error(shown, f"cannot write it: the folder {folder} does not exist")
    remove_stale(folder, target.name)
    fd, temp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=f".{_host()}-{os.getpid()}{TEMP_MARK}{target.suffix}", dir=folder
    )
    _live.add(temp)
    try:
        if callable(content):
            os.close(fd)
            content(Path(temp))
        elif isinstance(content, bytes):
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(content)
        # mkstemp makes the file private (0600); a report is for sharing, so give it the usual umask mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    finally:
        _live.discard(temp)
