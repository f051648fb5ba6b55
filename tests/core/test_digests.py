import hashlib

from app.core.digests import MultiHasher, _GmsslSm3, digest_bytes

SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm3_matches_the_standard_test_vector() -> None:
    assert digest_bytes(b"abc").sm3 == SM3_ABC


def test_pure_python_sm3_fallback_agrees_with_the_primary() -> None:
    data = bytes(range(256)) * 300
    fallback = _GmsslSm3()
    fallback.update(data[:1000])
    fallback.update(data[1000:])
    assert fallback.hexdigest() == digest_bytes(data).sm3


def test_chunked_hashing_equals_one_shot_hashing() -> None:
    data = b"\x00\xff" * 700_001
    hasher = MultiHasher()
    for i in range(0, len(data), 65_537):
        hasher.update(data[i : i + 65_537])
    result = hasher.result()
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.sha512 == hashlib.sha512(data).hexdigest()
    assert result.size == len(data)


def test_sha256_file_streams_through_a_small_fixed_buffer_and_counts_bytes(tmp_path) -> None:
    from app.core.digests import sha256_file, sha256_file_sized

    data = bytes(range(256)) * 4099  # not a multiple of the buffer
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    expected = hashlib.sha256(data).hexdigest()
    assert sha256_file(path) == expected
    assert sha256_file_sized(path, chunk_size=1000) == (expected, len(data))
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert sha256_file_sized(empty) == (hashlib.sha256(b"").hexdigest(), 0)


def test_no_follow_refuses_a_symlink_that_the_default_reads_through(tmp_path) -> None:
    import pytest

    from app.core.digests import sha256_file, sha256_file_sized

    target = tmp_path / "target"
    target.write_bytes(b"secret outside the bundle")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert sha256_file(link) == hashlib.sha256(b"secret outside the bundle").hexdigest()
    with pytest.raises(OSError):
        sha256_file_sized(link, follow_symlinks=False)


def test_no_follow_refuses_a_fifo_instead_of_hanging_on_it(tmp_path) -> None:
    import os

    import pytest

    from app.core.digests import sha256_file_sized

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        sha256_file_sized(fifo, follow_symlinks=False)


def test_sha256_copy_writes_exactly_the_bytes_it_hashes(tmp_path) -> None:
    from app.core.digests import sha256_copy

    data = b"\x89PNG" + bytes(range(256)) * 1000
    src = tmp_path / "src.png"
    src.write_bytes(data)
    dst = tmp_path / "dst.png"
    assert sha256_copy(src, dst, chunk_size=777) == (hashlib.sha256(data).hexdigest(), len(data))
    assert dst.read_bytes() == data


def test_sha256_stream_hands_each_chunk_to_its_sink_and_copy_refuses_a_symlink(tmp_path) -> None:
    import io

    import pytest

    from app.core.digests import sha256_copy, sha256_stream

    data = bytes(range(256)) * 13
    seen: list[bytes] = []
    digest = sha256_stream(io.BytesIO(data), 100, sink=lambda chunk: seen.append(bytes(chunk)))
    assert digest == (hashlib.sha256(data).hexdigest(), len(data))
    assert b"".join(seen) == data and max(map(len, seen)) == 100
    target = tmp_path / "target"
    target.write_bytes(b"outside")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(OSError):
        sha256_copy(link, tmp_path / "copy", follow_symlinks=False)
    assert not (tmp_path / "copy").exists()  # refused before anything is written


def test_read_capped_reads_a_small_file_whole(tmp_path) -> None:
    from app.core.digests import read_capped

    path = tmp_path / "small.toml"
    path.write_bytes(b"x" * 100)
    assert read_capped(path, 100) == b"x" * 100


def test_read_capped_refuses_a_file_over_its_limit_without_reading_it_all(tmp_path) -> None:
    import errno

    import pytest

    from app.core.digests import read_capped

    path = tmp_path / "big.json"
    with open(path, "wb") as f:  # sparse: 4 GiB on paper, read only to the limit
        f.truncate(4 << 30)
    with pytest.raises(OSError) as info:
        read_capped(path, 1024)
    assert info.value.errno == errno.EFBIG
    assert "1,024 bytes" in str(info.value.strerror)


def test_read_capped_refuses_a_fifo_and_a_device_without_hanging(tmp_path) -> None:
    import os

    import pytest

    from app.core.digests import read_capped

    fifo = tmp_path / "answers.json"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        read_capped(fifo, 1024)
    with pytest.raises(OSError, match="not a regular file"):
        read_capped("/dev/zero", 1024)


def test_read_capped_follows_a_symlink_only_when_asked(tmp_path) -> None:
    import pytest

    from app.core.digests import read_capped

    (tmp_path / "real.toml").write_bytes(b"a = 1\n")
    (tmp_path / "link.toml").symlink_to(tmp_path / "real.toml")
    assert read_capped(tmp_path / "link.toml", 64) == b"a = 1\n"
    with pytest.raises(OSError):
        read_capped(tmp_path / "link.toml", 64, follow_symlinks=False)
