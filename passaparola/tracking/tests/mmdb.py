"""Write a tiny MaxMind DB (MMDB v2) country database, for GeoIP tests.

The maxminddb package only reads; this follows the published format specification
(https://maxmind.github.io/MaxMind-DB/): a binary search tree of 24-bit records over IPv4
addresses, a data section, and a metadata map after the "\\xab\\xcd\\xefMaxMind.com" marker.
"""

import ipaddress
import struct
import time
from pathlib import Path
from typing import Any

MARKER = b"\xab\xcd\xefMaxMind.com"


class UInt:
    """An unsigned integer of an explicit MMDB type: 5 (uint16), 6 (uint32) or 9 (uint64)."""

    def __init__(self, value: int, kind: int) -> None:
        self.value = value
        self.kind = kind


def _control(kind: int, size: int) -> bytes:
    first = (kind << 5) if kind <= 7 else 0
    extended = b"" if kind <= 7 else bytes([kind - 7])
    if size < 29:
        return bytes([first | size]) + extended
    assert size < 29 + 256
    return bytes([first | 29]) + extended + bytes([size - 29])


def _encode(value: Any) -> bytes:
    if isinstance(value, dict):
        body = b"".join(_encode(str(key)) + _encode(item) for key, item in value.items())
        return _control(7, len(value)) + body
    if isinstance(value, list):
        return _control(11, len(value)) + b"".join(_encode(item) for item in value)
    if isinstance(value, str):
        data = value.encode()
        return _control(2, len(data)) + data
    if isinstance(value, UInt):
        data = value.value.to_bytes((value.value.bit_length() + 7) // 8, "big")
        return _control(value.kind, len(data)) + data
    if isinstance(value, int):
        return _encode(UInt(value, 6))
    raise TypeError(f"cannot encode {value!r}")


def write_country_db(path: Path, countries: dict[str, str]) -> Path:
    """Write an IPv4 country database mapping networks (CIDR) to ISO country codes."""
    data = b""
    offsets: dict[str, int] = {}
    for code in sorted(set(countries.values())):
        offsets[code] = len(data)
        data += _encode({"country": {"iso_code": code, "names": {"en": code}}})

    # The trie: each node is [left, right]; a child is a node, a ("data", code) leaf or None.
    root: list[Any] = [None, None]
    for network, code in countries.items():
        net = ipaddress.IPv4Network(network)
        bits = int(net.network_address)
        node = root
        for depth in range(net.prefixlen):
            bit = (bits >> (31 - depth)) & 1
            if depth == net.prefixlen - 1:
                node[bit] = ("data", code)
            else:
                if not isinstance(node[bit], list):
                    node[bit] = [None, None]
                node = node[bit]

    nodes: list[list[Any]] = []
    numbers: dict[int, int] = {}
    queue = [root]
    while queue:
        node = queue.pop(0)
        numbers[id(node)] = len(nodes)
        nodes.append(node)
        queue.extend(child for child in node if isinstance(child, list))
    node_count = len(nodes)

    def record(child: Any) -> int:
        if isinstance(child, list):
            return numbers[id(child)]
        if child is None:
            return node_count
        return node_count + 16 + offsets[child[1]]

    tree = b"".join(
        struct.pack(">I", record(left))[1:] + struct.pack(">I", record(right))[1:]
        for left, right in nodes
    )
    metadata = {
        "node_count": UInt(node_count, 6),
        "record_size": UInt(24, 5),
        "ip_version": UInt(4, 5),
        "database_type": "Passaparola-Test-Country",
        "languages": ["en"],
        "binary_format_major_version": UInt(2, 5),
        "binary_format_minor_version": UInt(0, 5),
        "build_epoch": UInt(int(time.time()), 9),
        "description": {"en": "Countries for the tracking tests"},
    }
    path.write_bytes(tree + b"\x00" * 16 + data + MARKER + _encode(metadata))
    return path
