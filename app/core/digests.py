"""SHA-256, SHA-512 and SM3 computed in one pass over the bytes.

SHA-256 names objects; SHA-512 and SM3 (China's national standard hash, GB/T 32905-2016) are
kept beside it because courts and notaries in different jurisdictions ask for them. SM3 comes
from OpenSSL through hashlib where the build has it, else from the pure-Python ``gmssl``.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, Protocol

ALGORITHMS = ("sha256", "sha512", "sm3")


class _Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


class _GmsslSm3:
    """Fallback SM3 for OpenSSL builds without it. gmssl hashes whole messages, so buffer."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def update(self, data: bytes, /) -> None:
        self._parts.append(bytes(data))

    def hexdigest(self) -> str:
        from gmssl import func, sm3  # optional dependency path, only without OpenSSL SM3

        return str(sm3.sm3_hash(func.bytes_to_list(b"".join(self._parts))))


def _openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


_HAS_SM3 = _openssl_has_sm3()


def new_sm3() -> _Hasher:
    return hashlib.new("sm3") if _HAS_SM3 else _GmsslSm3()


@dataclass(frozen=True)
class Digests:
    sha256: str
    sha512: str
    sm3: str
    size: int

    def as_dict(self) -> dict[str, str | int]:
        return {"sha256": self.sha256, "sha512": self.sha512, "sm3": self.sm3, "size": self.size}


class MultiHasher:
    """Feeds every chunk to all three hashes, counting bytes."""

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._sha512 = hashlib.sha512()
        self._sm3 = new_sm3()
        self._size = 0

    def update(self, chunk: bytes) -> None:
        self._sha256.update(chunk)
        self._sha512.update(chunk)
        self._sm3.update(chunk)
        self._size += len(chunk)

    def result(self) -> Digests:
        return Digests(
            self._sha256.hexdigest(), self._sha512.hexdigest(), self._sm3.hexdigest(), self._size
        )


def digest_bytes(data: bytes) -> Digests:
    hasher = MultiHasher()
    hasher.update(data)
    return hasher.result()


CHUNK = 1 << 20
"""Bytes read at a time when hashing a file: one fixed buffer, reused, whatever the file's size."""


class _Readable(Protocol):
    def readinto(self, buffer: bytearray | memoryview, /) -> int | None: ...


def sha256_stream(
    handle: _Readable,
    chunk_size: int = CHUNK,
    *,
    sink: Callable[[memoryview], object] | None = None,
) -> tuple[str, int]:
    """SHA-256 and size of everything left in an open binary file, through one fixed buffer.

    With ``sink`` each chunk is also handed on (a copy writes exactly the bytes it hashes).
    """
    h = hashlib.sha256()
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    size = 0
    while n := handle.readinto(buffer):
        h.update(view[:n])
        if sink is not None:
            sink(view[:n])
        size += n
    return h.hexdigest(), size


def open_regular(path: str | os.PathLike[str], *, follow_symlinks: bool = False) -> BinaryIO:
    """Open a file that may be hostile: a symlink (ELOOP), FIFO or device raises OSError.

    ``O_NOFOLLOW`` refuses a symlink planted at ``path`` (``follow_symlinks=True`` drops it, for
    a path a person chose); ``O_NONBLOCK`` keeps a FIFO from hanging the open, and the
    ``fstat`` then refuses anything but a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    handle = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise OSError(errno.EINVAL, "not a regular file", os.fsdecode(path))
    return handle


def read_capped(path: str | os.PathLike[str], limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The whole of a small file, refused (``OSError`` EFBIG) once it holds over ``limit`` bytes.

    For files a person hands the app (a protocol, a prompt list, an answers file): a file that
    claims to be one but is a multi-gigabyte blob or ``/dev/zero`` costs ``limit`` bytes of
    memory, never the whole of it. Only regular files are read (a FIFO or device is refused).
    """
    with open_regular(path, follow_symlinks=follow_symlinks) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit:,} bytes", os.fsdecode(path))
    return data


def _open_binary(path: str | os.PathLike[str], *, follow_symlinks: bool) -> BinaryIO:
    return open(path, "rb") if follow_symlinks else open_regular(path)


def sha256_file_sized(
    path: str | os.PathLike[str], *, follow_symlinks: bool = True, chunk_size: int = CHUNK
) -> tuple[str, int]:
    """SHA-256 and size of a file, streamed; ``follow_symlinks=False`` refuses a symlink."""
    with _open_binary(path, follow_symlinks=follow_symlinks) as f:
        return sha256_stream(f, chunk_size)


def sha256_file(
    path: str | os.PathLike[str], chunk_size: int = CHUNK, *, follow_symlinks: bool = True
) -> str:
    """SHA-256 of a file, streamed through a fixed buffer."""
    return sha256_file_sized(path, follow_symlinks=follow_symlinks, chunk_size=chunk_size)[0]


def sha256_copy(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    *,
    follow_symlinks: bool = True,
    chunk_size: int = CHUNK,
) -> tuple[str, int]:
    """Copy ``src`` to ``dst`` and return the SHA-256 and size of exactly the bytes written."""
    with _open_binary(src, follow_symlinks=follow_symlinks) as fin, open(dst, "wb") as fout:
        return sha256_stream(fin, chunk_size, sink=fout.write)
