"""Crypto wallet addresses: Bitcoin, Litecoin, Ethereum and Monero, checksum verified.

A string is reported only when its checksum verifies; a wallet whose checksum fails is never
reported.  Everything is implemented here (no ``bech32``/``base58`` packages): the reference
``bech32`` package rejects taproot, and ``hashlib.sha3_256`` is *not* the Keccak-256 used by
Ethereum and Monero, so Keccak comes from :mod:`Crypto.Hash.keccak` (pycryptodome).

Formats
-------
Bitcoin
    base58check P2PKH (version ``0x00``, ``1...``) and P2SH (``0x05``, ``3...``); BIP-173 bech32
    (witness v0, 20- or 32-byte program) and BIP-350 bech32m (witness v1-16, 2-40 bytes, e.g.
    taproot ``bc1p...``), no mixed case, at most 90 characters.  A taproot (v1, 32-byte) program
    must also be a valid x-only secp256k1 key, as bitcoinjs-lib requires.  Canonical bech32 is
    lower case.
Litecoin
    base58check ``0x30`` (``L...``) and ``0x32`` (``M...``), bech32 hrp ``ltc``.  Version
    ``0x05`` (``3...``) is shared with Bitcoin P2SH and is reported as Bitcoin (and ``0x6f``
    testnet as Bitcoin testnet).
Ethereum
    ``0x`` + 40 hex digits.  Mixed case must pass EIP-55; all-lower and all-upper carry no
    checksum and are accepted.  Canonical form is the EIP-55 checksummed address.
Monero
    standard (prefix 18, ``4...``), subaddress (42, ``8...``), 95 characters, and integrated
    (19, 106 characters); Monero block base58 + 4-byte Keccak-256 checksum.  Testnet and
    stagenet prefixes are recognised too and labelled as such.

Networks
--------
Mainnet addresses are the point, but test networks are **not** dropped: the conformance
vectors (bitcoinjs-lib and Bitcoin Core fixtures) expect ``tb1...``, ``bcrt1...``, ``m/n...``
and ``2...`` addresses to be extracted (hrps ``tb``/``bcrt``/``tltc``/``rltc``).  They are
never passed off as mainnet wallets: their :class:`Wallet` ``network`` is ``"testnet"``,
``"regtest"`` or ``"stagenet"`` and the entity's ``data`` then carries a ``"network"`` key;
mainnet entities have ``data`` exactly ``{"chain": ..., "address": ...}``.

WIF private keys (base58check version ``0x80``, ``0xef``, ``0xb0`` ...) never match an address
version/length and are never reported.

>>> validate("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH")
'bitcoin'
>>> validate("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMh") is None
True
>>> eip55("5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
'0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
>>> from redflags.normalize import Views
>>> from redflags.extract import Context
>>> [e.value for e in extract(Views("send btc to BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4 thx"),
...                          "body", Context())]
['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4']
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

from Crypto.Hash import keccak

from redflags.extract import Context, span_of
from redflags.model import Entity
from redflags.normalize import Views

__all__ = [
    "Wallet",
    "base58_decode",
    "base58_encode",
    "base58check_decode",
    "base58check_encode",
    "bech32_decode",
    "bech32_encode",
    "eip55",
    "extract",
    "keccak256",
    "monero_decode",
    "monero_encode",
    "parse",
    "segwit_decode",
    "segwit_encode",
    "valid_xonly_key",
    "validate",
]

Encoding = Literal["bech32", "bech32m"]


@dataclass(frozen=True, slots=True)
class Wallet:
    """A verified address: ``chain``, ``network``, canonical ``address`` and address ``kind``."""

    chain: str
    network: str
    address: str
    kind: str


def keccak256(data: bytes) -> bytes:
    """Original Keccak-256 (Ethereum/Monero), not NIST SHA3-256.

    >>> keccak256(b"").hex()[:16]
    'c5d2460186f7233c'
    """
    digest: bytes = keccak.new(digest_bits=256, data=data).digest()
    return digest


# --------------------------------------------------------------------------- base58

_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX: Final = {c: i for i, c in enumerate(_B58)}


def base58_encode(data: bytes) -> str:
    """Bitcoin base58 (leading zero bytes become ``1``).

    >>> base58_encode(b"\\x00\\x00hello")
    '11Cn8eVZg'
    """
    n = int.from_bytes(data, "big")
    out: list[str] = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def base58_decode(s: str) -> bytes | None:
    """Inverse of :func:`base58_encode`; ``None`` on a character outside the alphabet.

    >>> base58_decode("11Cn8eVZg")
    b'\\x00\\x00hello'
    >>> base58_decode("0OIl") is None
    True
    """
    n = 0
    for c in s:
        d = _B58_INDEX.get(c)
        if d is None:
            return None
        n = n * 58 + d
    pad = len(s) - len(s.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * pad + body


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def base58check_encode(version: int, payload: bytes) -> str:
    """Base58check of a one-byte ``version`` and ``payload``.

    >>> base58check_encode(0, bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
    '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH'
    """
    if not 0 <= version <= 255:
        raise ValueError(f"version must be one byte, got {version}")
    raw = bytes([version]) + payload
    return base58_encode(raw + _sha256d(raw)[:4])


def base58check_decode(s: str) -> tuple[int, bytes] | None:
    """``(version, payload)`` of a base58check string, or ``None`` if the checksum fails.

    >>> v, p = base58check_decode("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH") or (None, b"")
    >>> v, p.hex()
    (0, '751e76e8199196d454941c45d1b3a323f1433bd6')
    """
    raw = base58_decode(s)
    if raw is None or len(raw) < 5:
        return None
    body, check = raw[:-4], raw[-4:]
    if _sha256d(body)[:4] != check:
        return None
    return body[0], body[1:]


#: base58check address versions (20-byte hash payload) -> (chain, network, kind).
#: WIF private keys (0x80, 0xef, 0xb0 ...) and extended keys are deliberately absent.
_B58_VERSIONS: Final[dict[int, tuple[str, str, str]]] = {
    0x00: ("bitcoin", "mainnet", "p2pkh"),
    0x05: ("bitcoin", "mainnet", "p2sh"),  # also Litecoin's legacy P2SH: reported as bitcoin
    0x6F: ("bitcoin", "testnet", "p2pkh"),
    0xC4: ("bitcoin", "testnet", "p2sh"),
    0x30: ("litecoin", "mainnet", "p2pkh"),
    0x32: ("litecoin", "mainnet", "p2sh"),
    0x3A: ("litecoin", "testnet", "p2sh"),
}


def _parse_base58check(s: str) -> Wallet | None:
    if not 25 <= len(s) <= 35:
        return None
    decoded = base58check_decode(s)
    if decoded is None:
        return None
    version, payload = decoded
    info = _B58_VERSIONS.get(version)
    if info is None or len(payload) != 20:
        return None
    chain, network, kind = info
    return Wallet(chain, network, s, kind)


# --------------------------------------------------------------------------- bech32 / bech32m

_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHARSET_INDEX: Final = {c: i for i, c in enumerate(_CHARSET)}
_GEN: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
_CONST: Final[dict[Encoding, int]] = {"bech32": 1, "bech32m": 0x2BC830A3}


def _xor_all(values: Iterable[int]) -> int:
    out = 0
    for v in values:
        out ^= v
    return out



#: XOR of the generator terms selected by each 5-bit value of the checksum's top bits
_GEN_TABLE: Final = tuple(
    _xor_all(g for i, g in enumerate(_GEN) if (top >> i) & 1) for top in range(32)
)


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        chk = ((chk & 0x1FFFFFF) << 5 ^ v) ^ _GEN_TABLE[chk >> 25]
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_encode(hrp: str, data: list[int], encoding: Encoding) -> str:
    """Bech32/bech32m string of ``hrp`` and 5-bit ``data`` (checksum appended).

    >>> bech32_encode("a", [], "bech32")
    'a12uel5l'
    """
    values = _hrp_expand(hrp) + data
    polymod = _polymod(values + [0] * 6) ^ _CONST[encoding]
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[d] for d in data + checksum)


def bech32_decode(s: str) -> tuple[str, list[int], Encoding] | None:
    """``(hrp, data, encoding)`` of a BIP-173/BIP-350 string (checksum level), else ``None``.

    The hrp is returned lower-case and ``data`` excludes the 6 checksum characters.

    >>> bech32_decode("A12UEL5L")
    ('a', [], 'bech32')
    >>> bech32_decode("a1lqfn3a")
    ('a', [], 'bech32m')
    >>> bech32_decode("A12uEL5L") is None  # mixed case
    True
    """
    if len(s) > 90 or any(not 33 <= ord(c) <= 126 for c in s):
        return None
    lower = s.lower()
    if lower != s and s.upper() != s:
        return None
    pos = lower.rfind("1")
    if pos < 1 or pos + 7 > len(lower):
        return None
    hrp = lower[:pos]
    data: list[int] = []
    for c in lower[pos + 1 :]:
        d = _CHARSET_INDEX.get(c)
        if d is None:
            return None
        data.append(d)
    const = _polymod(_hrp_expand(hrp) + data)
    encoding: Encoding
    if const == _CONST["bech32"]:
        encoding = "bech32"
    elif const == _CONST["bech32m"]:
        encoding = "bech32m"
    else:
        return None
    return hrp, data[:-6], encoding


def _convertbits(
    data: list[int] | bytes, frombits: int, tobits: int, pad: bool
) -> list[int] | None:
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        if value < 0 or value >> frombits:
            return None
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes] | None:
    """``(witness version, program)`` of a segwit address for ``hrp``, else ``None``.

    Applies BIP-173/BIP-350: bech32 for v0 and bech32m for v1+, program 2-40 bytes (v0: 20 or
    32), version at most 16, no excess or non-zero padding.

    >>> segwit_decode("bc", "BC1SW50QGDZ25J")
    (16, b'u\\x1e')
    >>> segwit_decode("tb", "BC1SW50QGDZ25J") is None
    True
    """
    decoded = bech32_decode(address)
    if decoded is None:
        return None
    got_hrp, data, encoding = decoded
    if got_hrp != hrp or not data:
        return None
    witver = data[0]
    if witver > 16:
        return None
    program = _convertbits(data[1:], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        return None
    if witver == 0 and len(program) not in (20, 32):
        return None
    if (witver == 0) != (encoding == "bech32"):
        return None
    return witver, bytes(program)


def segwit_encode(hrp: str, witver: int, program: bytes) -> str:
    """Segwit address (lower case): bech32 for ``witver`` 0, bech32m for 1-16.

    Raises :class:`ValueError` for a version/program the decoder would refuse.

    >>> segwit_encode("bc", 0, bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
    'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
    """
    encoding: Encoding = "bech32" if witver == 0 else "bech32m"
    five = _convertbits(program, 8, 5, True)
    if five is None or not 0 <= witver <= 16:
        raise ValueError("invalid witness version or program")
    address = bech32_encode(hrp.lower(), [witver] + five, encoding)
    if segwit_decode(hrp.lower(), address) is None:
        raise ValueError(f"invalid segwit program: v{witver}, {len(program)} bytes, hrp {hrp!r}")
    return address


_SECP256K1_P: Final = 2**256 - 2**32 - 977


def valid_xonly_key(key: bytes) -> bool:
    """True if ``key`` (32 bytes) is the x coordinate of a secp256k1 point (BIP-340 lift_x).

    >>> valid_xonly_key(bytes.fromhex(
    ...     "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"))
    True
    >>> valid_xonly_key(b"\\xff" * 32)
    False
    """
    if len(key) != 32:
        return False
    x = int.from_bytes(key, "big")
    if x >= _SECP256K1_P:
        return False
    y2 = (pow(x, 3, _SECP256K1_P) + 7) % _SECP256K1_P
    return y2 == 0 or pow(y2, (_SECP256K1_P - 1) // 2, _SECP256K1_P) == 1


#: bech32 human-readable parts -> (chain, network)
_HRPS: Final[dict[str, tuple[str, str]]] = {
    "bc": ("bitcoin", "mainnet"),
    "tb": ("bitcoin", "testnet"),
    "bcrt": ("bitcoin", "regtest"),
    "ltc": ("litecoin", "mainnet"),
    "tltc": ("litecoin", "testnet"),
    "rltc": ("litecoin", "regtest"),
}


def _parse_segwit(s: str) -> Wallet | None:
    pos = s.rfind("1")
    info = _HRPS.get(s[:pos].lower()) if pos > 0 else None
    if info is None:
        return None
    hrp = s[:pos].lower()
    decoded = segwit_decode(hrp, s)
    if decoded is None:
        return None
    witver, program = decoded
    if witver == 0:
        kind = "p2wpkh" if len(program) == 20 else "p2wsh"
    elif witver == 1 and len(program) == 32:
        if not valid_xonly_key(program):
            return None
        kind = "p2tr"
    else:
        kind = f"segwit-v{witver}"
    chain, network = info
    return Wallet(chain, network, s.lower(), kind)


# --------------------------------------------------------------------------- ethereum

_HEX40: Final = re.compile(r"[0-9a-fA-F]{40}")


def eip55(address_hex40: str) -> str:
    """EIP-55 checksummed ``0x`` address of 40 hex digits (with or without ``0x``, any case).

    >>> eip55("0XFB6916095CA1DF60BB79CE92CE3EA74C37C5D359")
    '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'
    """
    hex40 = address_hex40[2:] if address_hex40[:2] in ("0x", "0X") else address_hex40
    if not _HEX40.fullmatch(hex40):
        raise ValueError(f"not 40 hex digits: {address_hex40!r}")
    lower = hex40.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(lower)
    )


def _parse_eth(s: str) -> Wallet | None:
    if len(s) != 42 or s[:2] not in ("0x", "0X") or not _HEX40.fullmatch(s[2:]):
        return None
    hex40 = s[2:]
    canonical = eip55(hex40)
    if hex40 != hex40.lower() and hex40 != hex40.upper() and hex40 != canonical[2:]:
        return None  # mixed case that fails the EIP-55 checksum
    return Wallet("ethereum", "mainnet", canonical, "account")


# --------------------------------------------------------------------------- monero

#: encoded length of a block of 0..8 bytes in Monero's block base58
_XMR_ENC_SIZES: Final = (0, 2, 3, 5, 6, 7, 9, 10, 11)
_XMR_DEC_SIZES: Final = {size: n for n, size in enumerate(_XMR_ENC_SIZES)}

#: Monero network prefixes -> (network, kind, body length without prefix and checksum)
_XMR_PREFIXES: Final[dict[int, tuple[str, str, int]]] = {
    18: ("mainnet", "standard", 64),
    19: ("mainnet", "integrated", 72),
    42: ("mainnet", "subaddress", 64),
    53: ("testnet", "standard", 64),
    54: ("testnet", "integrated", 72),
    63: ("testnet", "subaddress", 64),
    24: ("stagenet", "standard", 64),
    25: ("stagenet", "integrated", 72),
    36: ("stagenet", "subaddress", 64),
}


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes) -> tuple[int, int] | None:
    value = 0
    for i, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return value, i + 1
    return None


def _xmr_b58_encode(data: bytes) -> str:
    out: list[str] = []
    for i in range(0, len(data), 8):
        block = data[i : i + 8]
        n = int.from_bytes(block, "big")
        chars: list[str] = []
        for _ in range(_XMR_ENC_SIZES[len(block)]):
            n, r = divmod(n, 58)
            chars.append(_B58[r])
        out.append("".join(reversed(chars)))
    return "".join(out)


def _xmr_b58_decode(s: str) -> bytes | None:
    out = bytearray()
    for i in range(0, len(s), 11):
        block = s[i : i + 11]
        size = _XMR_DEC_SIZES.get(len(block))
        if size is None:
            return None
        n = 0
        for c in block:
            d = _B58_INDEX.get(c)
            if d is None:
                return None
            n = n * 58 + d
        if n >> (8 * size):
            return None  # block overflow: not a canonical encoding
        out += n.to_bytes(size, "big")
    return bytes(out)


def monero_encode(prefix: int, spend: bytes, view: bytes, payment_id: bytes = b"") -> str:
    """Monero address: varint ``prefix`` + spend key + view key [+ 8-byte payment id] + check.

    >>> addr = monero_encode(18, bytes(32), bytes(32))
    >>> len(addr), addr[0]
    (95, '4')
    >>> len(monero_encode(19, bytes(32), bytes(32), payment_id=bytes(8)))
    106
    """
    if len(spend) != 32 or len(view) != 32 or len(payment_id) not in (0, 8):
        raise ValueError("spend and view keys are 32 bytes, a payment id 8 bytes")
    body = _varint(prefix) + spend + view + payment_id
    return _xmr_b58_encode(body + keccak256(body)[:4])


def monero_decode(address: str) -> tuple[int, bytes] | None:
    """``(prefix, keys [+ payment id])`` of a Monero address whose checksum verifies.

    >>> prefix, body = monero_decode(monero_encode(42, bytes(32), b"\\x01" * 32)) or (0, b"")
    >>> prefix, len(body)
    (42, 64)
    """
    raw = _xmr_b58_decode(address)
    if raw is None or len(raw) < 6:
        return None
    body, check = raw[:-4], raw[-4:]
    if keccak256(body)[:4] != check:
        return None
    prefix = _read_varint(body)
    if prefix is None:
        return None
    value, used = prefix
    return value, body[used:]


def _parse_monero(s: str) -> Wallet | None:
    if len(s) not in (95, 106):
        return None
    decoded = monero_decode(s)
    if decoded is None:
        return None
    prefix, body = decoded
    info = _XMR_PREFIXES.get(prefix)
    if info is None or len(body) != info[2]:
        return None
    network, kind, _ = info
    return Wallet("monero", network, s, kind)


# --------------------------------------------------------------------------- public validation


def parse(address: str) -> Wallet | None:
    """The :class:`Wallet` of a bare address string whose checksum verifies, else ``None``.

    >>> parse("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0").kind
    'p2tr'
    >>> parse("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7").network
    'testnet'
    >>> parse("5Kd3NBUAdUnhyzenEwVLy9pBKxSwXvE9FMPyR4UKZvpe6E3AgLr") is None  # WIF key
    True
    """
    try:
        if address[:2] in ("0x", "0X"):
            return _parse_eth(address)
        wallet = _parse_segwit(address) if "1" in address else None
        if wallet is None:
            wallet = _parse_base58check(address)
        if wallet is None:
            wallet = _parse_monero(address)
        return wallet
    except (ValueError, TypeError, OverflowError):  # pragma: no cover - defensive
        return None


def validate(address: str) -> str | None:
    """The chain (``bitcoin``, ``ethereum``, ``litecoin``, ``monero``) of a valid address.

    Test-network addresses return their chain too; use :func:`parse` for the network.

    >>> validate("LUxXFcwXFPpRZdMv4aYu6bDwPdC2skQ5YW")
    'litecoin'
    >>> validate("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed") is None  # EIP-55 fails
    True
    """
    wallet = parse(address)
    return None if wallet is None else wallet.chain


# --------------------------------------------------------------------------- extractor

#: Cyrillic and Greek letters that look like Latin ones.  ``fold`` maps them only inside words
#: with Latin letters; addresses mix digits in, so the extractor maps them everywhere (1:1, so
#: offsets are unchanged) -- a checksum still has to verify before anything is reported.
_LOOKALIKES: Final = str.maketrans(
    {
        # Cyrillic
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
        "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ӏ": "l", "в": "b", "к": "k", "м": "m",
        "н": "h", "т": "t", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
        "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J",
        "Ѕ": "S",
        # Greek
        "α": "a", "β": "B", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H",
        "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y",
        "Χ": "X",
    }
)

#: Every address is a whole alphanumeric run of at least 14 characters ("bc1sw50qgdz25j"),
#: bounded by non-alphanumerics (space, punctuation, a ``bitcoin:`` URI scheme, ``?amount=``).
#: One scan for such runs is the only cost on clean text; each run is then checked by shape.
_RUN_RE: Final = re.compile("[0-9A-Za-z" + "".join(map(chr, _LOOKALIKES)) + "]{14,}")


def _parse_run(run: str) -> Wallet | None:
    n = len(run)
    if n == 42 and run[1] in "xX" and run[0] == "0":
        return _parse_eth(run)
    if n <= 90 and "1" in run:
        wallet = _parse_segwit(run)
        if wallet is not None:
            return wallet
    if 25 <= n <= 35:
        return _parse_base58check(run)
    if n in (95, 106):
        return _parse_monero(run)
    return None


def _may_have_run(text: str) -> bool:
    """Whether :data:`_RUN_RE` matches in ``text``, asked of its whitespace-free stretches of
    14 or more characters only (a run never holds whitespace): one C-speed ``split`` spares
    most fields the regex, which tries to match at every letter of the text.
    """
    for token in text.split():
        if len(token) >= 14 and _RUN_RE.search(token) is not None:
            return True
    return False


def _candidates(text: str) -> list[tuple[int, int, str, Wallet]]:
    """``(start, end, text read, wallet)`` of each run of ``text`` that is an address."""
    found: list[tuple[int, int, str, Wallet]] = []
    if not _may_have_run(text):
        return found
    for m in _RUN_RE.finditer(text):
        run = m.group()
        if not run.isascii():
            run = run.translate(_LOOKALIKES)
        try:
            wallet = _parse_run(run)
        except (ValueError, OverflowError):  # pragma: no cover - decoders do not raise
            continue  # an extractor reports what it could confirm and never raises
        if wallet is not None:
            found.append((m.start(), m.end(), run, wallet))
    return found


def _data(wallet: Wallet) -> dict[str, Any]:
    data: dict[str, Any] = {"chain": wallet.chain, "address": wallet.address}
    if wallet.network != "mainnet":
        data["network"] = wallet.network
    return data


def extract(v: Views, field: str, ctx: Context) -> list[Entity]:
    """Checksum-verified wallet addresses in ``v.folded``, one entity per occurrence.

    Addresses may sit in a BIP-21/EIP-681 URI (``bitcoin:...?amount=``) or between
    punctuation, but not inside a longer alphanumeric run.  ``disguised`` is true when the
    posted text differs from the address read (fullwidth or look-alike characters, zero-width
    characters inside); upper-case bech32 or lower-case Ethereum are ordinary, not disguised.

    >>> v = Views("pay ｂｃ１ｑｗ５０８ｄ６ｑｅｊｘｔｄｇ４ｙ５ｒ３ｚａｒ"
    ...           "ｖａｒｙ０ｃ５ｘｗ７ｋｖ８ｆ３ｔ４ now")
    >>> [(e.value, e.span.start, e.span.end, e.disguised) for e in extract(v, "body", Context())]
    [('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 4, 46, True)]
    """
    folded = v.folded
    entities: list[Entity] = []
    for start, end, read, wallet in _candidates(folded.text):
        span = span_of(v, folded, start, end, field)
        entities.append(
            Entity(
                kind="crypto",
                value=wallet.address,
                data=_data(wallet),
                span=span,
                disguised=span.text != read,
            )
        )
    return entities
