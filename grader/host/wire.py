"""The judge <-> host wire: length-prefixed JSON messages, and the codec for the values they carry.

Only plain data crosses: None, bool, int, float, str, and lists, tuples, dicts, sets, frozensets and bytes of them,
plus NumPy arrays of numeric dtypes. The encoder accepts exact types only (`type(x) is int`, not a subclass), so an
object with a lying `__eq__` can never arrive in the judge as a value: it arrives as an opaque reference
(`{"$ref": n}`), which compares equal to nothing but itself. Decoding builds fresh builtin objects from JSON, so
nothing of the sender's survives the trip.

This module is imported by the host (inside the graded process) and by the judge; it imports only the stdlib.
"""

from __future__ import annotations

import base64
import contextlib
import json
import math
import socket
import struct
import threading
from collections.abc import Callable
from typing import Any

MAX_MESSAGE = 64 << 20  # a frame larger than this is refused: the reader never allocates what a liar asks for
_HEADER = struct.Struct("!I")
_PLAIN = (type(None), bool, int, str)
_NUMPY_KINDS = "biuf"  # bool, signed, unsigned, float: never object arrays


class WireError(Exception):
    """A malformed or oversized frame, or a closed channel."""


class FrameTooLarge(WireError):
    """A frame over the size the reader accepts right now (refused from its header, before it is read)."""

    def __init__(self, size: int, cap: int) -> None:
        super().__init__(f"frame of {size} bytes refused (at most {cap} now)")
        self.size, self.cap = size, cap


class NotPlain(Exception):
    """The value holds an object that is not plain data (carries the offending object)."""

    def __init__(self, obj: object) -> None:
        super().__init__(type(obj).__name__)
        self.obj = obj


def encode(value: Any, ref: Any = None, depth: int = 0) -> Any:
    """Turn a value into JSON-able data. `ref(obj) -> dict` handles what is not plain (None: raise NotPlain)."""
    if depth > 200:
        raise NotPlain(value)
    t = type(value)
    if t in _PLAIN:
        return value
    if t is float:
        return value if math.isfinite(value) else {"$float": repr(value)}
    if t is list:
        return [encode(v, ref, depth + 1) for v in value]
    if t is tuple:
        return {"$tuple": [encode(v, ref, depth + 1) for v in value]}
    if t is dict:
        return {"$dict": [[encode(k, ref, depth + 1), encode(v, ref, depth + 1)] for k, v in value.items()]}
    if t is set or t is frozenset:
        return {"$set" if t is set else "$frozenset": [encode(v, ref, depth + 1) for v in value]}
    if t is bytes:
        return {"$bytes": base64.b64encode(value).decode()}
    if t is complex:
        return {"$complex": [value.real, value.imag]}
    module = getattr(t, "__module__", "")
    if module == "numpy" and t.__name__ == "ndarray" and value.dtype.kind in _NUMPY_KINDS:
        import numpy as np

        arr = np.ascontiguousarray(value)
        return {
            "$ndarray": {
                "dtype": arr.dtype.str,
                "shape": list(arr.shape),
                "data": base64.b64encode(arr.tobytes()).decode(),
            }
        }
    if (
        module == "numpy"
        and getattr(value, "ndim", None) == 0
        and getattr(getattr(value, "dtype", None), "kind", "") in _NUMPY_KINDS
    ):
        return encode(value.item(), ref, depth)
    if ref is None:
        raise NotPlain(value)
    return ref(value)


def decode(data: Any, unref: Any = None) -> Any:
    """The inverse of `encode`: builtin objects only. `unref(tag, payload)` resolves `$ref`/`$callback` tags."""
    t = type(data)
    if t in _PLAIN or t is float:
        return data
    if t is list:
        return [decode(v, unref) for v in data]
    if t is not dict or len(data) != 1:
        raise WireError(f"unexpected value on the wire: {type(data).__name__}")
    ((tag, payload),) = data.items()
    if tag == "$tuple":
        return tuple(decode(v, unref) for v in payload)
    if tag == "$dict":
        return {decode(k, unref): decode(v, unref) for k, v in payload}
    if tag == "$set":
        return {decode(v, unref) for v in payload}
    if tag == "$frozenset":
        return frozenset(decode(v, unref) for v in payload)
    if tag == "$bytes":
        return base64.b64decode(payload)
    if tag == "$float":
        return float(payload)
    if tag == "$complex":
        return complex(float(payload[0]), float(payload[1]))
    if tag == "$ndarray":
        import numpy as np

        dtype = np.dtype(payload["dtype"])
        if dtype.kind not in _NUMPY_KINDS:
            raise WireError(f"refused array dtype {dtype}")
        raw = base64.b64decode(payload["data"])
        return np.frombuffer(raw, dtype=dtype).reshape(payload["shape"]).copy()
    if unref is not None:
        return unref(tag, payload)
    raise WireError(f"unexpected tag {tag!r} on the wire")


class Channel:
    """One end of a socket carrying frames: 4-byte big-endian length, then UTF-8 JSON. Sends are serialised."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self._send_lock = threading.Lock()
        self.last_size = 0  # bytes of the last frame received (the judge budgets what the host may send)

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message, separators=(",", ":")).encode()
        with self._send_lock:
            self.sock.sendall(_HEADER.pack(len(data)) + data)

    def _read(self, n: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < n:
            chunk = self.sock.recv(min(n - len(chunks), 1 << 20))
            if not chunk:
                raise WireError("channel closed")
            chunks += chunk
        return bytes(chunks)

    def recv(self, cap: Callable[[], int] | None = None) -> dict[str, Any]:
        """The next message. `cap()`, asked once the header is in, may lower the size accepted for this frame."""
        (size,) = _HEADER.unpack(self._read(_HEADER.size))
        limit = min(MAX_MESSAGE, cap()) if cap is not None else MAX_MESSAGE
        if size > limit:
            raise FrameTooLarge(size, limit)
        self.last_size = size
        message = json.loads(self._read(size))
        if not isinstance(message, dict):
            raise WireError("frame is not an object")
        return message

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
