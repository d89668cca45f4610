"""Read a GGUF file's header — metadata and tensor table — without its tensor data.

gguf-py's ``GGUFReader`` builds a numpy view of every metadata item, which for Gemma's
262,144-entry vocabulary took about 10 s per file; the retrain read the model three times
(quantize: check and report, verify: check).  This reader walks the same header with
``struct`` over an mmap, skipping arrays it is not asked for, in a fraction of a second.
The format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["GGUFInfo", "TensorInfo", "read_gguf_info", "GGUFFormatError"]

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
ARRAY_KEEP = 64  # arrays up to this length are returned; longer ones are skipped (count kept)


class GGUFFormatError(ValueError):
    """The bytes are not a well-formed GGUF header."""


@dataclass
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    type_id: int
    type_name: str
    data_offset: int  # absolute, in the file
    n_bytes: int


@dataclass
class GGUFInfo:
    version: int
    metadata: dict = field(default_factory=dict)   # long arrays appear as ("array", item_type, count)
    tensors: list[TensorInfo] = field(default_factory=list)
    data_start: int = 0


class _Cursor:
    def __init__(self, buf, size: int):
        self.buf, self.size, self.pos = buf, size, 0

    def take(self, fmt: str):
        n = struct.calcsize(fmt)
        if self.pos + n > self.size:
            raise GGUFFormatError(f"header ends early at byte {self.pos}")
        value = struct.unpack_from(fmt, self.buf, self.pos)[0]
        self.pos += n
        return value

    def string(self) -> str:
        n = self.take("<Q")
        if self.pos + n > self.size:
            raise GGUFFormatError(f"a string at byte {self.pos} runs past the end of the file")
        raw = self.buf[self.pos:self.pos + n]
        self.pos += n
        return bytes(raw).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        unpack, buf, pos, size = struct.unpack_from, self.buf, self.pos, self.size
        for _ in range(count):
            if pos + 8 > size:
                raise GGUFFormatError(f"a string array runs past the end of the file at byte {pos}")
            pos += 8 + unpack("<Q", buf, pos)[0]
        if pos > size:
            raise GGUFFormatError("a string array runs past the end of the file")
        self.pos = pos

    def value(self, vtype: int):
        if vtype in _SCALARS:
            return self.take(_SCALARS[vtype])
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            item, count = self.take("<I"), self.take("<Q")
            if count <= ARRAY_KEEP:
                return [self.value(item) for _ in range(count)]
            if item == _STRING:
                self.skip_strings(count)
            elif item in _SCALARS:
                self.pos += count * struct.calcsize(_SCALARS[item])
                if self.pos > self.size:
                    raise GGUFFormatError("an array runs past the end of the file")
            else:  # arrays of arrays: walk them
                for _ in range(count):
                    self.value(item)
            return ("array", item, count)
        raise GGUFFormatError(f"unknown metadata value type {vtype} at byte {self.pos}")


def read_gguf_info(path: Path) -> GGUFInfo:
    """The header of the GGUF at ``path``; raises GGUFFormatError (or OSError) if unreadable."""
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    path = Path(path)
    with path.open("rb") as fh:
        size = path.stat().st_size
        if size < 24:
            raise GGUFFormatError("file too short for a GGUF header")
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
            if buf[:4] != b"GGUF":
                raise GGUFFormatError("bad magic (not a GGUF file)")
            cur = _Cursor(buf, size)
            cur.pos = 4
            version = cur.take("<I")
            if version not in (2, 3):
                raise GGUFFormatError(f"unsupported GGUF version {version}")
            n_tensors, n_kv = cur.take("<Q"), cur.take("<Q")
            info = GGUFInfo(version=version)
            for _ in range(n_kv):
                key = cur.string()
                info.metadata[key] = cur.value(cur.take("<I"))
            raw = []
            for _ in range(n_tensors):
                name = cur.string()
                dims = tuple(cur.take("<Q") for _ in range(cur.take("<I")))
                raw.append((name, dims, cur.take("<I"), cur.take("<Q")))
            align = int(info.metadata.get("general.alignment", 32))
            info.data_start = (cur.pos + align - 1) // align * align
    for name, dims, type_id, offset in raw:
        try:
            qtype = GGMLQuantizationType(type_id)
            block, type_size = GGML_QUANT_SIZES[qtype]
        except (ValueError, KeyError):
            raise GGUFFormatError(f"tensor {name} has unknown type {type_id}") from None
        count = 1
        for d in dims:
            count *= d
        info.tensors.append(TensorInfo(name, dims, type_id, qtype.name, info.data_start + offset,
                                       count // block * type_size))
    return info
