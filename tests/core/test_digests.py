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
