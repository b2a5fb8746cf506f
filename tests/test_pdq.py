"""PDQ signal type: reference vectors, edited copies of generated photos, index, HMA export."""

from __future__ import annotations

import io
import json
import pickle
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFilter

from redflags.link import pdq
from redflags.link.pdq import (
    DIHEDRAL_NAMES,
    MATCH_THRESHOLD,
    MIN_QUALITY,
    PdqHash,
    PdqIndex,
    band_keys,
    canonicalize,
    distance,
    export_hma,
    hash_bytes,
    hash_image,
    is_match,
    read_hma,
)

VECTORS = Path(__file__).resolve().parents[2] / "shared" / "eval-vectors"
IMAGES = VECTORS / "pdq-images"
UPSTREAM_PREFIX = "pdq/data/"


def _cases(task: str) -> list[Any]:
    path = VECTORS / "pdq.jsonl"
    if not path.is_file() or not IMAGES.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no PDQ vectors at {VECTORS}"))]
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [pytest.param(c, id=c["id"]) for c in cases if c["meta"]["task"] == task]


def _image(upstream: str) -> Path:
    assert upstream.startswith(UPSTREAM_PREFIX), upstream
    path = IMAGES / upstream[len(UPSTREAM_PREFIX) :]
    if not path.is_file():
        pytest.skip(f"{upstream} is not in the eval-vector snapshot")
    return path


def _hash(path: Path) -> PdqHash:
    result = hash_image(path)
    assert result is not None, path
    return result


# ------------------------------------------------------------------ (a) reference vectors


@pytest.mark.parametrize("case", _cases("hash"))
def test_reference_hash_within_tolerance(case: dict[str, Any]) -> None:
    got = _hash(_image(case["input"]["image"]))
    expected = case["expected"]
    assert distance(got.hex, expected["pdq_hex"]) <= expected["max_hamming_distance"]
    assert got.dihedral[0] == got.hex and len(got.dihedral) == len(DIHEDRAL_NAMES)


@pytest.mark.parametrize("case", _cases("pair"))
def test_reference_pair(case: dict[str, Any]) -> None:
    a = _hash(_image(case["input"]["image_a"]))
    b = _hash(_image(case["input"]["image_b"]))
    expected = case["expected"]
    assert expected["threshold"] == MATCH_THRESHOLD
    assert is_match(a.hex, b.hex) is expected["match"]
    if expected.get("match_with_dihedral_search"):
        assert min(distance(d, b.hex) for d in a.dihedral) <= MATCH_THRESHOLD
        index: PdqIndex[str] = PdqIndex([(b, "b")])
        assert [item for item, _ in index.query_dihedral(a)] == ["b"]
        assert index.query(a) == []


def test_dihedral_order_matches_reference_files() -> None:
    """``dihedral[k]`` is the hash of the k-th reference transform (bridge-<k+1>-*.jpg)."""
    folder = IMAGES / "reg-test-input" / "dih"
    if not folder.is_dir():
        pytest.skip(f"no dihedral reference images at {folder}")
    files = sorted(folder.glob("bridge-*.jpg"))
    assert len(files) == len(DIHEDRAL_NAMES)
    original = _hash(files[0])
    for k, (name, path) in enumerate(zip(DIHEDRAL_NAMES, files, strict=True)):
        dists = [distance(d, _hash(path).hex) for d in original.dihedral]
        assert dists[k] == min(dists) and dists[k] <= MATCH_THRESHOLD, (name, path.name, dists)


# ------------------------------------------------------------- (b) generated photographs


def synthetic_photo(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A photo-like picture: colour waves, overlapping shapes, sensor noise, slight blur."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    pixels = np.empty((height, width, 3))
    for channel in range(3):
        fx, fy, phase = rng.uniform(-1.0, 1.0, 3)
        pixels[..., channel] = 128 + 70 * np.sin(fx * x / 45 + fy * y / 55 + 3 * phase)
    image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        x1, y1 = x0 + int(rng.integers(20, width // 2)), y0 + int(rng.integers(20, height // 2))
        box = [x0, y0, x1, y1]
        color = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=color)
        else:
            draw.rectangle(box, fill=color)
    noisy = np.asarray(image, dtype=np.float64) + rng.normal(0.0, 8.0, (height, width, 3))
    return Image.fromarray(noisy.clip(0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(1))


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer)


def _scale(factor: float) -> Callable[[Image.Image], Image.Image]:
    def scale(image: Image.Image) -> Image.Image:
        size = (round(image.width * factor), round(image.height * factor))
        return image.resize(size, Image.Resampling.LANCZOS)

    return scale


EDITS: dict[str, tuple[Callable[[Image.Image], Image.Image], bool]] = {
    # name: (edit, needs the dihedral hashes)
    "jpeg-q30": (lambda im: _jpeg(im, 30), False),
    "half-size": (_scale(0.5), False),
    "1.7x-size": (_scale(1.7), False),
    "small-jpeg": (lambda im: _jpeg(_scale(0.5)(im), 30), False),
    "rotate-90": (lambda im: im.transpose(Image.Transpose.ROTATE_90), True),
    "rotate-180": (lambda im: im.transpose(Image.Transpose.ROTATE_180), True),
    "rotate-270": (lambda im: im.transpose(Image.Transpose.ROTATE_270), True),
    "mirror": (lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), True),
    "flip": (lambda im: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM), True),
    "mirror-jpeg": (lambda im: _jpeg(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 30), True),
}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Image.Image, PdqHash]]:
    folder = tmp_path_factory.mktemp("photos")
    out: dict[int, tuple[Image.Image, PdqHash]] = {}
    for seed in (1, 2, 3):
        image = synthetic_photo(seed)
        path = folder / f"photo-{seed}.png"
        image.save(path)
        out[seed] = (image, _hash(path))
    return out


@pytest.mark.parametrize("edit", sorted(EDITS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_edited_copy_matches(
    originals: dict[int, tuple[Image.Image, PdqHash]], tmp_path: Path, seed: int, edit: str
) -> None:
    image, original = originals[seed]
    transform, rotated = EDITS[edit]
    path = tmp_path / "copy.png"
    transform(image).convert("RGB").save(path)
    copy = _hash(path)
    assert original.usable and copy.usable
    index: PdqIndex[str] = PdqIndex([(original, "original")])
    if rotated:  # a different hash altogether: only the dihedral hashes find it
        assert distance(original.hex, copy.hex) > MATCH_THRESHOLD
        assert index.query(copy) == []
    else:
        assert distance(original.hex, copy.hex) <= MATCH_THRESHOLD
        assert [item for item, _ in index.query(copy)] == ["original"]
    matches = index.query_dihedral(copy)
    assert [item for item, _ in matches] == ["original"]
    assert matches[0][1] <= MATCH_THRESHOLD


def test_different_photos_do_not_match(originals: dict[int, tuple[Image.Image, PdqHash]]) -> None:
    hashes = [h for _, h in originals.values()]
    for a, b in combinations(hashes, 2):
        assert min(distance(d, b.hex) for d in a.dihedral) > MATCH_THRESHOLD
    index: PdqIndex[int] = PdqIndex((h, i) for i, h in enumerate(hashes))
    assert list(index.pairs()) == []
    for i, h in enumerate(hashes):
        assert [item for item, _ in index.query_dihedral(h)] == [i]


@pytest.mark.parametrize(
    "make",
    [
        lambda: Image.new("RGB", (300, 200), (128, 128, 128)),
        lambda: Image.new("L", (64, 64), 255),
        lambda: Image.fromarray(
            (
                np.full((120, 160, 3), 90) + np.random.default_rng(0).integers(0, 2, (120, 160, 3))
            ).astype(np.uint8)
        ),
    ],
    ids=["flat-grey", "white", "faint-noise"],
)
def test_near_uniform_images_are_ignored(make: Callable[[], Image.Image]) -> None:
    buffer = io.BytesIO()
    make().save(buffer, format="PNG")
    flat = hash_bytes(buffer.getvalue())
    assert flat is not None and flat.quality < MIN_QUALITY and not flat.usable
    index: PdqIndex[str] = PdqIndex()
    assert index.add(flat, "blank") is False
    assert len(index) == 0 and index.ignored == 1
    assert index.add(flat.hex, "blank-as-hex") is True  # a bare hex carries no quality
    assert index.query(flat) == [] and index.query_dihedral(flat) == []
    assert band_keys(flat) == []
    assert index.query(flat.hex) == [("blank-as-hex", 0)]


@pytest.mark.parametrize("mode", ["P", "RGBA", "LA", "L", "CMYK", "1"])
def test_image_modes_are_hashed(tmp_path: Path, mode: str) -> None:
    image = synthetic_photo(7)
    base = _hash(_save(image, tmp_path / "base.png"))
    converted = image.convert(mode)
    suffix = ".jpg" if mode == "CMYK" else ".png"
    got = _hash(_save(converted, tmp_path / f"copy{suffix}"))
    # Even the 1-bit (dithered) and 256-colour copies stay a match.
    assert distance(base.hex, got.hex) <= MATCH_THRESHOLD


def _save(image: Image.Image, path: Path) -> Path:
    image.save(path)
    return path


def test_unreadable_files_give_none(tmp_path: Path) -> None:
    assert hash_image(tmp_path / "missing.jpg") is None
    garbage = tmp_path / "garbage.jpg"
    garbage.write_bytes(b"<html>404 not found</html>")
    assert hash_image(garbage) is None
    truncated = tmp_path / "truncated.jpg"
    buffer = io.BytesIO()
    synthetic_photo(4).save(buffer, format="JPEG")
    truncated.write_bytes(buffer.getvalue()[:500])
    assert hash_image(truncated) is None
    assert hash_bytes(b"") is None


def test_animated_gif_uses_first_frame(tmp_path: Path) -> None:
    frames = [synthetic_photo(5).convert("P"), synthetic_photo(6).convert("P")]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    first = _hash(_save(frames[0], tmp_path / "first.gif"))
    assert distance(_hash(path).hex, first.hex) == 0


# -------------------------------------------------------------- canonicalise and compare


def test_canonicalize_and_distance() -> None:
    assert canonicalize("  " + "AB" * 32 + "\n") == "ab" * 32
    for bad in ["", "ab" * 31, "ab" * 33, "zz" * 32, "0x" + "ab" * 31]:
        with pytest.raises(ValueError, match="64 hex digits"):
            canonicalize(bad)
    assert distance("0" * 64, "f" * 64) == 256
    assert distance("8" + "0" * 63, "0" * 64) == 1
    assert is_match("0" * 64, "f" * 7 + "7" + "0" * 56)  # 31 bits
    assert not is_match("0" * 64, "f" * 8 + "0" * 56)  # 32 bits


# ------------------------------------------------------------------------- (c) the index


def _random_hashes(rng: np.random.Generator, n: int) -> list[str]:
    raw = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    return [row.tobytes().hex() for row in raw]


def _flip(rng: np.random.Generator, hex_: str, bits: int) -> str:
    value = int(hex_, 16)
    for bit in rng.choice(256, size=bits, replace=False).tolist():
        value ^= 1 << bit
    return f"{value:064x}"


@pytest.fixture(scope="module")
def planted() -> list[str]:
    """Random hashes, near-duplicates at 0..47 bits, exact repeats and a structured cluster."""
    rng = np.random.default_rng(20260501)
    hashes = _random_hashes(rng, 1500)
    for i in range(400):
        hashes.append(_flip(rng, hashes[i], i % 48))
    hashes.extend(hashes[1000:1010])  # the same photo in several ads
    hashes.extend("0" * 60 + f"{i:04x}" for i in range(40))  # many close hashes
    return hashes


@pytest.fixture(scope="module")
def planted_distances(planted: list[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return _distances(planted)


def _distances(hashes: list[str]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """All pairwise Hamming distances, by brute force."""
    raw = np.frombuffer(bytes.fromhex("".join(hashes)), dtype=np.uint64).reshape(-1, 4)
    out = np.zeros((len(hashes), len(hashes)), dtype=np.int64)
    for k in range(4):
        out += np.bitwise_count(raw[:, None, k] ^ raw[None, :, k])
    return out


def _brute_pairs(
    distances: np.ndarray[Any, np.dtype[np.int64]], threshold: int
) -> list[tuple[int, int, int]]:
    i, j = np.nonzero(np.triu(distances <= threshold, k=1))
    return sorted(zip(i.tolist(), j.tolist(), distances[i, j].tolist(), strict=True))


@pytest.mark.parametrize("join", ["segments", "linear"])
@pytest.mark.parametrize("threshold", [0, 8, 15, 16, 20, 31, 32, 47, 60])
def test_index_agrees_with_brute_force(
    planted: list[str],
    planted_distances: np.ndarray[Any, np.dtype[np.int64]],
    threshold: int,
    join: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Small sets are joined by brute force; force the segment joins used at scale.
    monkeypatch.setattr(pdq, "_LINEAR_PAIRS_BELOW", 0 if join == "segments" else 10**9)
    index: PdqIndex[int] = PdqIndex()
    assert index.add_many((h, i) for i, h in enumerate(planted)) == len(planted)
    expected = _brute_pairs(planted_distances, threshold)
    threads = 1 + threshold % 2
    assert sorted(index.pairs(threshold, threads=threads)) == expected  # once, earlier id first
    neighbours: dict[int, list[tuple[int, int]]] = {i: [(i, 0)] for i in range(len(planted))}
    for i, j, d in expected:
        neighbours[i].append((j, d))
        neighbours[j].append((i, d))
    queries = list(range(0, len(planted), 7))
    results = index.query_many([planted[q] for q in queries], threshold)
    for q, got in zip(queries, results, strict=True):
        assert got == sorted(neighbours[q], key=lambda kv: (kv[1], kv[0]))


def test_index_pending_and_built_parts_agree(
    planted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Adds after a build are scanned linearly until the next build; answers are the same."""
    monkeypatch.setattr(pdq, "_LINEAR_PAIRS_BELOW", 0)
    half = len(planted) // 2
    mixed: PdqIndex[int] = PdqIndex((h, i) for i, h in enumerate(planted[:half]))
    mixed.build()
    for i, h in enumerate(planted[half:], start=half):
        mixed.add(h, i)
    built: PdqIndex[int] = PdqIndex((h, i) for i, h in enumerate(planted))
    built.build()
    sample = planted[::11]
    assert mixed.query_many(sample) == built.query_many(sample)
    assert sorted(mixed.pairs()) == sorted(built.pairs())
    assert len(mixed) == len(built) == len(planted)


def test_index_pickles_for_workers(planted: list[str]) -> None:
    """A built index can be broadcast to Dask workers (pickle) and answers the same."""
    index: PdqIndex[int] = PdqIndex((h, i) for i, h in enumerate(planted))
    index.build()
    index.add(planted[0], -1)  # one pending add travels too
    copy = pickle.loads(pickle.dumps(index))
    assert copy.query_many(planted[:50]) == index.query_many(planted[:50])


def test_identical_hashes_are_stored_once() -> None:
    index: PdqIndex[str] = PdqIndex([("ab" * 32, f"ad-{i}") for i in range(5)])
    index.add("ab" * 31 + "aa", "ad-near")
    index.build()
    assert index.nbytes < 16 * (1 << 16) * 8 + 1000  # two distinct hashes, fixed tables
    assert sorted(index.pairs()) == sorted(
        [(f"ad-{i}", f"ad-{j}", 0) for i, j in combinations(range(5), 2)]
        + [(f"ad-{i}", "ad-near", 1) for i in range(5)]
    )


def test_empty_index_and_bad_threshold() -> None:
    index: PdqIndex[str] = PdqIndex()
    assert index.query("0" * 64) == [] and list(index.pairs()) == []
    assert index.query_many([]) == []
    with pytest.raises(ValueError, match="threshold"):
        index.query("0" * 64, threshold=-1)
    with pytest.raises(ValueError, match="64 hex digits"):
        index.add("not a hash", "x")


@pytest.mark.parametrize("bits", range(MATCH_THRESHOLD + 1))
def test_band_keys_guarantee_at_every_distance(bits: int) -> None:
    rng = np.random.default_rng(bits)
    for a in _random_hashes(rng, 25):
        b = _flip(rng, a, bits)
        assert distance(a, b) == bits
        assert set(band_keys(a)) & set(band_keys(b))
        # The same holds for any smaller threshold the pair is within.
        assert set(band_keys(a, bits)) & set(band_keys(b, bits))
    # Worst case for the pigeonhole: the bits spread evenly over the 16 segments.
    value = int(a, 16)
    for i in range(bits):
        value ^= 1 << (16 * (i % 16) + i // 16)
    spread = f"{value:064x}"
    assert distance(a, spread) == bits
    assert set(band_keys(a)) & set(band_keys(spread))


def test_band_keys_shape() -> None:
    h = "0123456789abcdef" * 4
    exact = band_keys(h, threshold=15)
    assert len(exact) == 16 and exact[:2] == ["pdq:0:0123", "pdq:1:4567"]
    keys = band_keys(h)
    assert len(keys) == len(set(keys)) == 256 and keys[0] == "pdq:0~0:0122"
    assert len(band_keys(h, threshold=47)) == 16 * 120
    assert len(band_keys(h, threshold=20)) == 5 * 16 + 11  # radius 1 on 5 segments only
    with pytest.raises(ValueError, match="pairs"):
        band_keys(h, threshold=48)
    # Exact keys only promise 15 bits: a 16-bit change can touch every segment once.
    spread = "".join(f"{int(h[4 * s : 4 * s + 4], 16) ^ 1:04x}" for s in range(16))
    assert distance(h, spread) == 16 and not set(band_keys(h, 15)) & set(band_keys(spread, 15))
    assert set(band_keys(h)) & set(band_keys(spread))


@settings(max_examples=60, deadline=None)
@given(
    st.binary(min_size=32, max_size=32),
    st.sets(st.integers(0, 255), max_size=MATCH_THRESHOLD),
)
def test_any_change_within_threshold_is_found(raw: bytes, flipped: set[int]) -> None:
    a = raw.hex()
    value = int(a, 16)
    for bit in flipped:
        value ^= 1 << bit
    b = f"{value:064x}"
    assert set(band_keys(a)) & set(band_keys(b))
    index: PdqIndex[str] = PdqIndex([(a, "a")])
    index.build()
    assert index.query(b) == [("a", len(flipped))]


# --------------------------------------------------------------------- (d) HMA export


def test_hma_export_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    hashes = _random_hashes(rng, 20)
    items = [(f"ad-{i}", PdqHash(h, 100)) for i, h in enumerate(hashes)]
    items.append(("ad-repeat", PdqHash(hashes[3].upper(), 90)))
    items.append(("ad-blank", PdqHash("0" * 64, 0)))
    path = export_hma(items, tmp_path / "bank.txt")
    lines = path.read_text(encoding="ascii").splitlines()
    assert lines == [f"pdq {h}" for h in hashes]
    assert read_hma(path) == hashes


def test_read_hma_accepts_upstream_variants(tmp_path: Path) -> None:
    path = tmp_path / "signals.txt"
    path.write_text(
        "pdq " + "ab" * 32 + "\n\n" + "CD" * 32 + "\nvideo_md5 " + "0" * 32 + "\n", "utf-8"
    )
    assert read_hma(path) == ["ab" * 32, "cd" * 32]
    path.write_text("pdq 1234\n", "utf-8")
    with pytest.raises(ValueError, match=":1:"):
        read_hma(path)


def test_hma_export_of_real_hashes(tmp_path: Path) -> None:
    photos = [synthetic_photo(seed) for seed in (11, 12)]
    hashes = [hash_bytes(_png(p)) for p in photos]
    assert all(h is not None for h in hashes)
    items = [(f"ad-{i}", h) for i, h in enumerate(hashes) if h is not None]
    path = export_hma(items, tmp_path / "out.txt")
    assert read_hma(path) == [h.hex for _, h in items]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
