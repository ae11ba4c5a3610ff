"""The judge's handle on the host: `submission` in a kata's tests is a `HostModule`.

`submission.find_primes(numbers)` sends the call to the host and returns the decoded plain result; a coroutine
function returns a coroutine of the judge's (so `await submission.fetch_all(urls)` lets the judge's own servers run
while the host works); an async generator is iterated at the judge's pace, one request per `__anext__`. What is not
plain data stays in the host and arrives as a `RemoteObject`, equal only to itself. An exception raised in the host
is raised again here with its type (builtins, asyncio, concurrent.futures, queue) and message; an early exit of the
host raises `HostExited`, which the judge's plugin turns into the verdict `error`.

The judge's own callables passed as arguments become callbacks: the host gets a stand-in that calls back here, where
each call is counted, timed and answered by the judge (`calls` records them, with the host thread that made them).
"""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures
import contextlib
import inspect
import itertools
import threading
import time
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from grader.host.server import describe
from grader.host.wire import Channel, FrameTooLarge, NotPlain, WireError, decode, encode

_perf_counter = time.perf_counter
_thread_time = time.thread_time
# While the judge has no request out, the host has nothing to answer: what it sends then is a callback's few
# arguments. Parsing JSON holds the judge's GIL for the whole frame, so a big unsolicited frame would stall the
# judge's own timing of its baseline (a reference that looks slow lets a slow solution pass): refused.
IDLE_FRAME_MAX = 64 << 10
# The judge keeps every callback call (with its arguments) for the kata's tests, and has no memory limit of its own:
# a host calling back without end, or with huge arguments, would grow it until the machine runs out of memory.
CALLBACK_BYTES = 256 << 20
CALLBACK_CALLS = 1_000_000


class HostExited(Exception):
    """The host process ended (sys.exit, os._exit, a crash, a kill) while the judge still needed it."""


class RemoteError(Exception):
    """An exception of a type the judge does not rebuild (defined by the submission, say)."""

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}" if message else type_name)
        self.type_name = type_name


class HostImportError(ImportError):
    """The submission could not be imported in the host."""


@dataclass
class CallbackCall:
    """One call the host made into a judge callable: seen and timed by the judge."""

    name: str
    args: tuple
    kwargs: dict
    thread: int  # the host thread's ident, as the host says (informative only)
    start: float
    end: float | None = None
    cancelled: bool = False


_REBUILD_MODULES = {
    "builtins": builtins,
    "asyncio.exceptions": asyncio,
    "concurrent.futures._base": concurrent.futures,
    "queue": __import__("queue"),
}


def rebuild(info: dict, depth: int = 0) -> BaseException:
    name, module = str(info.get("type", "Exception")), str(info.get("module", ""))
    message = str(info.get("message", ""))
    if info.get("exited"):
        code = info.get("code")
        return HostExited(
            f"your code called sys.exit({'' if code is None else code}), which ended the program there"
        )
    source = _REBUILD_MODULES.get(module)
    cls = getattr(source, name, None) if source is not None else None
    inner = info.get("exceptions")
    # Exceptions only (and CancelledError, BaseExceptionGroup: cancellation must cross): a KeyboardInterrupt or
    # GeneratorExit raised again in the judge would stop pytest itself rather than fail a test.
    if isinstance(cls, type) and (
        issubclass(cls, Exception) or cls in (asyncio.CancelledError, BaseExceptionGroup)
    ):
        try:
            if issubclass(cls, BaseExceptionGroup) and isinstance(inner, list) and inner and depth < 8:
                # An ExceptionGroup arrives with what it holds, so a test can look at its leaves.
                exc = cls(
                    str(info.get("group", "")), [rebuild(e, depth + 1) for e in inner if isinstance(e, dict)]
                )
            else:
                arg = info.get("arg")
                exc = cls(str(arg)) if isinstance(arg, str) else cls(message) if message else cls()
        except Exception:
            exc = RemoteError(name, message)
    else:
        exc = RemoteError(name, message)
    frames = info.get("frames") or []
    exc.host_frames = frames  # type: ignore[attr-defined]
    if frames:
        last = frames[-1]
        exc.add_note(f"(raised at submission.py:{last.get('line')} in {last.get('name')})")
    return exc


class HostClient:
    """The judge's end of the channel: requests out, results and callbacks in (one reader thread)."""

    def __init__(self, channel: Channel, exited: Callable[[], str]) -> None:
        self.channel = channel
        self._exited = exited  # why the host is gone, in words (asked when the channel closes)
        self._ids = itertools.count(1)
        self._pending: dict[int, concurrent.futures.Future] = {}
        self._callbacks: dict[int, Callable[..., Any]] = {}
        self._callback_ids: dict[int, int] = {}
        self._cb_ids = itertools.count(1)
        self._cb_running: dict[int, concurrent.futures.Future] = {}
        self._cb_tasks: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Task | None]] = {}
        self._lock = threading.Lock()
        self.closed: str | None = None
        self.calls: list[CallbackCall] = []  # every callback call, in the order the judge saw them
        # CPU seconds the judge spent for the host: reading its frames, running the callbacks it called. The judge
        # cannot tell this from its own work by the OS's counters (same process), so it keeps count here.
        self.cpu_for_host = 0.0
        self._callback_bytes = 0
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=64, thread_name_prefix="judge-cb")
        self.loop: asyncio.AbstractEventLoop | None = None  # where async callbacks run (the test's loop)
        threading.Thread(target=self._reader, name="judge-host-reader", daemon=True).start()

    # ------------------------------------------------------------ values

    def _ref_out(self, obj: Any) -> dict:
        if isinstance(obj, RemoteObject):
            return {"$ref": {"id": obj._ref}}
        if callable(obj):
            with self._lock:
                n = self._callback_ids.get(id(obj))
                if n is None:
                    n = next(self._cb_ids)
                    self._callbacks[n] = obj
                    self._callback_ids[id(obj)] = n
            is_async = inspect.iscoroutinefunction(obj) or inspect.iscoroutinefunction(
                getattr(obj, "__call__", None)  # noqa: B004
            )
            name = getattr(obj, "__name__", "callback")
            return {"$callback": {"id": n, "async": is_async, "name": name}}
        raise NotPlain(obj)

    def encode(self, value: Any) -> Any:
        try:
            return encode(value, self._ref_out)
        except NotPlain as e:
            raise TypeError(f"cannot send a {type(e.obj).__name__} to the host: plain data only") from None

    def _unref(self, tag: str, payload: Any) -> Any:
        if tag == "$ref":
            return RemoteObject(self, int(payload["id"]), str(payload.get("type", "object")))
        if tag in ("$item", "$stop"):
            return {tag: payload}
        raise WireError(f"unexpected tag {tag}")

    def decode(self, data: Any) -> Any:
        if isinstance(data, dict) and len(data) == 1:
            ((tag, payload),) = data.items()
            if tag == "$item":
                return ("item", decode(payload, self._unref))
            if tag == "$stop":
                return ("stop", None)
        return decode(data, self._unref)

    # ------------------------------------------------------------ requests

    def _send(self, message: dict) -> concurrent.futures.Future:
        fut: concurrent.futures.Future = concurrent.futures.Future()
        if self.closed:
            fut.set_exception(HostExited(self.closed))
            return fut
        n = next(self._ids)
        message["id"] = n
        with self._lock:
            self._pending[n] = fut
        try:
            self.channel.send(message)
        except OSError:
            with self._lock:
                self._pending.pop(n, None)
            fut.set_exception(HostExited(self._gone()))
        fut.request_id = n  # type: ignore[attr-defined]
        return fut

    def request(self, message: dict) -> Any:
        """Send a request and wait for its result (the judge's watchdog ends a wait that never returns)."""
        return self._send(message).result()

    async def arequest(self, message: dict) -> Any:
        """The same, awaited: the judge's event loop keeps running (its servers answer) while the host works."""
        self.loop = asyncio.get_running_loop()
        message["async"] = True
        fut = self._send(message)
        answer = asyncio.wrap_future(fut)
        try:
            # Shielded: cancelling this coroutine must not cancel `fut` before the host is told (below).
            return await asyncio.shield(answer)
        except asyncio.CancelledError:
            if not fut.done():
                with contextlib.suppress(OSError):
                    self.channel.send({"op": "cancel", "id": fut.request_id})  # type: ignore[attr-defined]
                # Give the host a moment to unwind its task, so what it does on cancel is part of the run.
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(asyncio.shield(answer), 2.0)
                if fut.done() and not fut.cancelled():
                    error = fut.exception()
                    if error is None:  # the host swallowed the cancel and returned: awaiting its task would say so
                        return fut.result()
                    if not isinstance(error, asyncio.CancelledError):
                        raise error from None
            raise

    def _gone(self) -> str:
        if self.closed is None:
            self.closed = self._exited()
        return self.closed

    def _frame_cap(self) -> int:
        return 1 << 62 if self._pending else IDLE_FRAME_MAX

    def _reader(self) -> None:
        try:
            while True:
                began = _thread_time()
                try:
                    msg = self.channel.recv(self._frame_cap)
                except FrameTooLarge as e:
                    self.closed = (
                        f"your code sent the test {e.size} bytes it had not asked for (at most {e.cap} are "
                        "accepted while no call is waiting for an answer); the connection to it was closed"
                    )
                    break
                if msg.get("op") == "callback":
                    self._callback_bytes += self.channel.last_size
                    if self._callback_bytes > CALLBACK_BYTES or len(self.calls) >= CALLBACK_CALLS:
                        self.closed = (
                            f"your code called the test's functions {len(self.calls)} times with "
                            f"{self._callback_bytes >> 20} MiB of arguments, more than the test can keep "
                            f"({CALLBACK_CALLS} calls, {CALLBACK_BYTES >> 20} MiB); the connection to it was closed"
                        )
                        break
                try:
                    self._dispatch(msg)
                finally:
                    with self._lock:
                        self.cpu_for_host += _thread_time() - began
        except Exception:  # a closed channel, or junk (even JSON nested too deep to parse): the host is gone
            pass
        why = self._gone()  # asked first: the host is still running if it only sent junk
        self.channel.close()  # so a host still running sees the end too, and leaves rather than waits for requests
        with self._lock:
            pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(HostExited(why))
        for running in list(self._cb_running.values()):
            running.cancel()

    def _dispatch(self, msg: dict) -> None:
        op = msg.get("op")
        if op == "result":
            with self._lock:
                fut = self._pending.pop(int(msg.get("id") or 0), None)
            if fut is None or fut.done():
                return
            if "error" in msg:
                fut.set_exception(rebuild(msg["error"]))
            else:
                try:
                    fut.set_result(self.decode(msg.get("ok")))
                except Exception as e:
                    fut.set_exception(e)
        elif op == "callback":
            self._run_callback(msg)
        elif op == "cb_cancel":
            self._cancel_callback(int(msg.get("id") or 0))

    def _run_callback(self, msg: dict) -> None:
        cb_id = int(msg.get("id") or 0)
        fn = self._callbacks.get(int(msg.get("cb") or 0))
        try:
            args = tuple(self.decode(msg.get("args", [])))
            kwargs = dict(self.decode(msg.get("kwargs", {})))
        except Exception as e:  # the host sent junk: answer with an error, never crash the judge
            self._cb_reply(cb_id, error=e)
            return
        if fn is None:
            self._cb_reply(cb_id, error=LookupError("unknown callback"))
            return
        record = CallbackCall(getattr(fn, "__name__", "callback"), args, kwargs, int(msg.get("thread") or 0), 0.0)
        record.start = _perf_counter()
        with self._lock:
            self.calls.append(record)
        if inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None)):  # noqa: B004
            loop = self.loop
            if loop is not None and loop.is_running():
                self._cb_tasks[cb_id] = (loop, None)
                fut = asyncio.run_coroutine_threadsafe(self._own_task(cb_id, fn, args, kwargs), loop)
            else:
                fut = self.pool.submit(asyncio.run, fn(*args, **kwargs))
        else:
            fut = self.pool.submit(self._counted, fn, args, kwargs)
        self._cb_running[cb_id] = fut

        def done(f: concurrent.futures.Future) -> None:
            self._cb_running.pop(cb_id, None)
            self._cb_tasks.pop(cb_id, None)
            record.end = _perf_counter()
            if f.cancelled():
                record.cancelled = True
                self._cb_reply(cb_id, error=asyncio.CancelledError())  # the host's stand-in waits for this
                return
            exc = f.exception()
            if exc is not None:
                record.cancelled = isinstance(exc, asyncio.CancelledError)
                self._cb_reply(cb_id, error=exc)
            else:
                self._cb_reply(cb_id, ok=f.result())

        fut.add_done_callback(done)

    def _counted(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        began = _thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            with self._lock:
                self.cpu_for_host += _thread_time() - began

    async def _own_task(self, cb_id: int, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        """Run an async callback in a task whose handle we keep, so a cancel from the host reaches it for real."""
        self._cb_tasks[cb_id] = (asyncio.get_running_loop(), asyncio.current_task())
        return await fn(*args, **kwargs)

    def _cancel_callback(self, cb_id: int) -> None:
        """The host cancelled its await of a callback: cancel the judge's coroutine (which really gets
        CancelledError, runs its cleanup, and only then is answered) or, for a thread, the call if not begun."""
        entry = self._cb_tasks.get(cb_id)
        if entry is None:
            running = self._cb_running.get(cb_id)
            if running is not None:
                running.cancel()
            return
        loop = entry[0]

        def cancel() -> None:
            current = self._cb_tasks.get(cb_id)
            if current is None:
                return  # already finished
            if current[1] is None:  # not begun yet: cancel it after its first step, as the host did call it
                loop.call_soon(cancel)
                return
            current[1].cancel()

        with contextlib.suppress(RuntimeError):  # the loop has closed: nothing is left to cancel
            loop.call_soon_threadsafe(cancel)

    def _cb_reply(self, cb_id: int, ok: Any = None, error: BaseException | None = None) -> None:
        if error is not None:
            msg = {"op": "cb_result", "id": cb_id, "error": describe(error)}
        else:
            try:
                msg = {"op": "cb_result", "id": cb_id, "ok": self.encode(ok)}
            except TypeError as e:
                msg = {"op": "cb_result", "id": cb_id, "error": {"type": "TypeError", "message": str(e)}}
        with contextlib.suppress(OSError):
            self.channel.send(msg)

    # ------------------------------------------------------------ calls

    def call(self, target: Any, path: list[str], args: tuple, kwargs: dict) -> Any:
        msg = {"op": "call", "target": target, "path": path, "args": self.encode(list(args))}
        msg["kwargs"] = self.encode(kwargs)
        return self.request(msg)

    async def acall(self, target: Any, path: list[str], args: tuple, kwargs: dict) -> Any:
        msg = {"op": "call", "target": target, "path": path, "args": self.encode(list(args))}
        msg["kwargs"] = self.encode(kwargs)
        return await self.arequest(msg)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        with contextlib.suppress(OSError):
            self.channel.close()


class RemoteObject:
    """An object that lives in the host. Equal only to itself: a lying `__eq__` never reaches a comparison."""

    def __init__(self, client: HostClient, ref: int, type_name: str) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_ref", ref)
        object.__setattr__(self, "_type", type_name)

    def __repr__(self) -> str:
        return f"<{self._type} object in your code's process>"

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return hash(("remote", self._ref))

    def __bool__(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._client.request({"op": "getattr", "target": self._ref, "path": [], "attr": name})
        if isinstance(value, RemoteObject):
            return value
        return value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.call(self._ref, [], args, kwargs)

    def __iter__(self) -> Any:
        it = self._client.request({"op": "iter", "target": self._ref, "path": []})
        while True:
            kind, item = self._client.request({"op": "next", "target": it._ref, "path": []})
            if kind == "stop":
                return
            yield item

    def __len__(self) -> int:
        return int(self._client.request({"op": "len", "target": self._ref, "path": []}))

    def __aiter__(self) -> RemoteObject:
        return self

    async def __anext__(self) -> Any:
        kind, item = await self._client.arequest({"op": "anext", "target": self._ref, "path": []})
        if kind == "stop":
            raise StopAsyncIteration
        return item

    async def aclose(self) -> None:
        await self._client.arequest({"op": "aclose", "target": self._ref, "path": []})


class RemoteFunction:
    """A function of the submission (or of the kata's host driver); calling it runs it in the host."""

    def __init__(self, client: HostClient, name: str, kind: str, target: str | None = None) -> None:
        self._client, self.__name__, self._kind, self._target = client, name, kind, target

    def __repr__(self) -> str:
        return f"<function {self.__name__} in your code's process>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._kind == "coroutinefunction":
            return self._client.acall(self._target, [self.__name__], args, kwargs)
        return self._client.call(self._target, [self.__name__], args, kwargs)


class DriverHandle:
    """The kata's host driver (`host_driver.py`): code of ours that must share the submission's process, such as
    starting the threads that race or running its event loop. What it returns is host-side data: it may explain or
    fail a submission, never pass it alone. `driver.name(...)` is a sync call; `driver.aio.name(...)` awaits."""

    def __init__(self, client: HostClient, is_async: bool = False) -> None:
        self._client, self._async = client, is_async

    @property
    def aio(self) -> DriverHandle:
        return DriverHandle(self._client, True)

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("_"):
            raise AttributeError(name)
        return RemoteFunction(self._client, name, "coroutinefunction" if self._async else "function", "driver")


class HostModule(types.ModuleType):
    """`sys.modules["submission"]` in the judge. Importing the learner's code happens in the host, on first use."""

    def __init__(self, connect: Callable[[], tuple[HostClient, concurrent.futures.Future]]) -> None:
        super().__init__("submission", "the learner's code, running in the host process")
        self.__dict__["_connect"] = connect
        self.__dict__["_names"] = None
        self.__dict__["_client"] = None

    def _load(self) -> dict[str, str]:
        names = self.__dict__["_names"]
        if names is None:
            client, pending = self.__dict__["_connect"]()
            self.__dict__["_client"] = client
            try:
                info = pending.result()
            except HostExited as e:
                raise HostImportError(
                    f"while your code was being imported, {e}. Code that runs the program belongs under "
                    '`if __name__ == "__main__":`, which the grader does not run'
                ) from None
            except Exception as e:
                said = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
                frames = getattr(e, "host_frames", None) or []
                where = f" (submission.py:{frames[-1].get('line')})" if frames else ""
                raise HostImportError(f"importing your code raised {said}{where}") from None
            names = dict(info["names"])
            self.__dict__["_names"] = names
        return names

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        names = self._load()
        if name not in names:
            raise AttributeError(f"your code defines no '{name}'")
        client: HostClient = self.__dict__["_client"]
        kind = names[name]
        if kind in ("function", "coroutinefunction", "asyncgenfunction", "generatorfunction", "class"):
            return RemoteFunction(client, name, kind)
        return client.request({"op": "getattr", "target": None, "path": [], "attr": name})

    def __dir__(self) -> list[str]:
        return sorted(self._load())
