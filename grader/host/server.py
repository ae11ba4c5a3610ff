"""The host: the only process that imports the submission. It executes what the judge asks and answers in plain data.

Nothing it says is trusted (DESIGN section 5): a forged answer is only a value, which the judge checks against what
it computed and observed itself. So the host is kept small and plain: a reader thread takes requests off the
channel; synchronous calls run one after another in the main thread (where a learner's `asyncio.run()` or signal
handling expects to be); coroutines and async generators run on one event loop in a thread of their own, so a
generator stays suspended between the judge's requests exactly as it would in a real program.

Objects that are not plain data stay here, in a table, and travel as `{"$ref": n}`. The judge's callables arrive as
`{"$callback": n}` and become functions (or coroutine functions) whose every call is a round trip to the judge:
the judge counts them, times them, and can make them slow; no code in this process can skip that.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import faulthandler
import importlib
import inspect
import io
import itertools
import os
import queue
import signal
import socket
import sys
import threading
import traceback
from typing import Any

from grader.host.wire import Channel, NotPlain, WireError, decode, encode

SUBMISSION = "submission"
DRIVER = "_dojo_driver"  # a kata's optional host-side driver (starts the threads that race, etc.)


class Step:
    """One step of an iterator or async generator: an item, or the end (`done`)."""

    def __init__(self, item: Any = None, done: bool = False) -> None:
        self.item, self.done = item, done


class Host:
    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.refs: dict[int, Any] = {}
        self._ref_ids: dict[int, int] = {}  # id(obj) -> ref, so one object keeps one ref
        self._next_ref = itertools.count(1)
        self._next_cb = itertools.count(1)
        self.pending_cb: dict[int, concurrent.futures.Future] = {}
        self.tasks: dict[int, concurrent.futures.Future] = {}
        self.main_queue: queue.Queue[dict | None] = queue.Queue()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.module: Any = None
        self.driver: Any = None
        self._loop_lock = threading.Lock()

    # ------------------------------------------------------------ values

    def ref(self, obj: Any) -> dict:
        key = id(obj)
        n = self._ref_ids.get(key)
        if n is None or self.refs.get(n) is not obj:
            n = next(self._next_ref)
            self.refs[n] = obj
            self._ref_ids[key] = n
        return {"$ref": {"id": n, "type": type(obj).__name__}}

    def out(self, value: Any) -> Any:
        return encode(value, self.ref)

    def unref(self, tag: str, payload: Any) -> Any:
        if tag == "$ref":
            return self.refs[int(payload["id"])]
        if tag == "$callback":
            return self._callback(int(payload["id"]), bool(payload.get("async")), str(payload.get("name", "")))
        raise WireError(f"unexpected tag {tag}")

    def value(self, data: Any) -> Any:
        return decode(data, self.unref)

    def _callback(self, cb: int, is_async: bool, name: str) -> Any:
        host = self

        def call(*args: Any, **kwargs: Any) -> Any:
            return host._cb_wait(host._cb_send(cb, args, kwargs))

        async def acall(*args: Any, **kwargs: Any) -> Any:
            fut = host._cb_send(cb, args, kwargs)
            answer = asyncio.wrap_future(fut)
            try:
                return await asyncio.shield(answer)  # shielded: a cancel here must not drop the judge's answer
            except asyncio.CancelledError:
                host.channel.send({"op": "cb_cancel", "id": fut.cb_id})  # type: ignore[attr-defined]
                # As with a real `await coro()`: the cancelled callee (the judge's coroutine) runs its cleanup to
                # the end before the caller sees CancelledError. A further cancel is passed on to it as well.
                while not answer.done():
                    try:
                        await asyncio.wait({answer})
                    except asyncio.CancelledError:
                        host.channel.send({"op": "cb_cancel", "id": fut.cb_id})  # type: ignore[attr-defined]
                error = None if answer.cancelled() else answer.exception()
                if error is not None and not isinstance(error, asyncio.CancelledError):
                    raise error from None  # the callee failed before the cancel reached it: its error stands
                raise

        fn = acall if is_async else call
        fn.__name__ = fn.__qualname__ = name or "callback"
        return fn

    def _cb_send(self, cb: int, args: tuple, kwargs: dict) -> concurrent.futures.Future:
        fut: concurrent.futures.Future = concurrent.futures.Future()
        call_id = next(self._next_cb)
        fut.cb_id = call_id  # type: ignore[attr-defined]
        self.pending_cb[call_id] = fut
        try:
            msg = {"op": "callback", "id": call_id, "cb": cb, "args": self.out(list(args))}
            msg["kwargs"] = self.out(kwargs)
        except NotPlain as e:
            del self.pending_cb[call_id]
            raise TypeError(f"a judge callback takes plain data; got {type(e.obj).__name__}") from None
        msg["thread"] = threading.get_ident()
        self.channel.send(msg)
        return fut

    def _cb_wait(self, fut: concurrent.futures.Future) -> Any:
        return fut.result()

    # ------------------------------------------------------------ requests

    def reader(self) -> None:
        """Take requests off the channel until it closes; then the host has nothing left to do."""
        try:
            while True:
                msg = self.channel.recv()
                op = msg.get("op")
                if op == "cb_result":
                    fut = self.pending_cb.pop(int(msg["id"]), None)
                    if fut is not None and not fut.done():
                        if "error" in msg:
                            fut.set_exception(rebuild(msg["error"]))
                        else:
                            try:
                                fut.set_result(self.value(msg.get("ok")))
                            except Exception as e:  # a bad value from the judge: surface it where it is used
                                fut.set_exception(e)
                elif op == "cancel":
                    task = self.tasks.get(int(msg["id"]))
                    if task is not None and self.loop is not None:
                        self.loop.call_soon_threadsafe(task.cancel)
                elif op in ("call", "getattr", "anext", "aclose") and msg.get("async"):
                    self._start_async(msg)
                else:
                    self.main_queue.put(msg)
        except (WireError, OSError, ValueError):
            pass
        self.main_queue.put(None)

    def serve(self) -> None:
        threading.Thread(target=self.reader, name="dojo-host-reader", daemon=True).start()
        while True:
            msg = self.main_queue.get()
            if msg is None:
                return
            op = msg.get("op")
            if op == "shutdown":
                self.reply(msg, self.hygiene())
                return
            try:
                result = self.handle(msg)
                if inspect.isawaitable(result):
                    result = asyncio.run_coroutine_threadsafe(_await(result), self.event_loop()).result()
                self.reply(msg, result)
            except SystemExit as e:
                self.fail(msg, e, exited=True)
            except BaseException as e:
                self.fail(msg, e)

    def reply(self, msg: dict, result: Any) -> None:
        try:
            if isinstance(result, Step):
                data = {"$stop": True} if result.done else {"$item": self.out(result.item)}
            else:
                data = self.out(result)
        except NotPlain as e:
            self.fail(msg, TypeError(f"not plain data: {type(e.obj).__name__}"))
            return
        self.channel.send({"op": "result", "id": msg.get("id"), "ok": data})

    def fail(self, msg: dict, exc: BaseException, exited: bool = False) -> None:
        self.channel.send({"op": "result", "id": msg.get("id"), "error": describe(exc, exited)})

    def handle(self, msg: dict) -> Any:
        op = msg["op"]
        if op == "import":
            return self.do_import(msg.get("driver", False))
        if op == "release":
            for n in msg.get("refs", []):
                self.refs.pop(int(n), None)
            return None
        target = self.target(msg)
        if op == "getattr":
            return getattr(target, msg["attr"])
        if op == "call":
            args = self.value(msg.get("args", []))
            kwargs = self.value(msg.get("kwargs", {}))
            return target(*args, **dict(kwargs))
        if op == "next":
            try:
                return Step(next(target))
            except StopIteration:
                return Step(done=True)
        if op == "repr":
            return repr(target)[:2000]
        if op == "len":
            return len(target)
        if op == "iter":
            return iter(target)
        raise ValueError(f"unknown request {op!r}")

    def target(self, msg: dict) -> Any:
        where = msg.get("target")
        if isinstance(where, int):
            obj = self.refs[where]
        elif where == "driver":
            obj = self.driver
        else:
            obj = self.module
        for part in msg.get("path", []):
            obj = getattr(obj, part)
        return obj

    def do_import(self, with_driver: bool) -> dict:
        self.module = importlib.import_module(SUBMISSION)
        if with_driver:
            self.driver = importlib.import_module(DRIVER)
        names = {}
        for name, value in vars(self.module).items():
            if name.startswith("__"):
                continue
            names[name] = kind_of(value)
        return {"names": names, "file": getattr(self.module, "__file__", "")}

    # ------------------------------------------------------------ async

    def event_loop(self) -> asyncio.AbstractEventLoop:
        with self._loop_lock:
            if self.loop is None:
                self.loop = asyncio.new_event_loop()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(self.loop)
                    ready.set()
                    self.loop.run_forever()  # type: ignore[union-attr]

                threading.Thread(target=run, name="dojo-host-loop", daemon=True).start()
                ready.wait()
            return self.loop

    def _start_async(self, msg: dict) -> None:
        loop = self.event_loop()

        async def job() -> Any:
            try:
                return await step()
            except SystemExit as e:  # raised out of a task it would stop the loop itself: answer it as an exit
                return _Exited(e)

        async def step() -> Any:
            op = msg["op"]
            if op == "anext":
                agen = self.target(msg)
                try:
                    return Step(await agen.__anext__())
                except StopAsyncIteration:
                    return Step(done=True)
            if op == "aclose":
                await self.target(msg).aclose()
                return None
            result = self.handle(msg)
            if inspect.isawaitable(result):
                result = await result
            return result

        def done(fut: concurrent.futures.Future) -> None:
            self.tasks.pop(int(msg["id"]), None)
            try:
                result = fut.result()
                if isinstance(result, _Exited):
                    raise result.exc
                self.reply(msg, result)
            except concurrent.futures.CancelledError:
                self.fail(msg, asyncio.CancelledError())
            except SystemExit as e:
                self.fail(msg, e, exited=True)
            except BaseException as e:
                self.fail(msg, e)

        def start() -> None:
            task = loop.create_task(job())
            self.tasks[int(msg["id"])] = task  # type: ignore[assignment]
            task.add_done_callback(done)  # type: ignore[arg-type]

        loop.call_soon_threadsafe(start)

    # ------------------------------------------------------------ the end

    def hygiene(self) -> dict:
        """What the submission left behind (a host-side account: it may explain, never pass)."""
        threads = [
            t.name
            for t in threading.enumerate()
            if t is not threading.main_thread() and not t.daemon and t.is_alive()
        ]
        children = []
        if "multiprocessing" in sys.modules:
            import multiprocessing

            children = [p.pid for p in multiprocessing.active_children()]
        tasks = []
        if self.loop is not None:
            tasks = [t.get_name() for t in asyncio.all_tasks(self.loop) if not t.done()]
        return {"threads": threads, "children": children, "tasks": tasks}


class _Exited:
    """A SystemExit raised inside an async call, carried to the reply (as a task's exception it would stop the loop)."""

    def __init__(self, exc: SystemExit) -> None:
        self.exc = exc


async def _await(awaitable: Any) -> Any:
    return await awaitable


def kind_of(value: Any) -> str:
    if inspect.iscoroutinefunction(value):
        return "coroutinefunction"
    if inspect.isasyncgenfunction(value):
        return "asyncgenfunction"
    if inspect.isgeneratorfunction(value):
        return "generatorfunction"
    if inspect.isclass(value):
        return "class"
    if inspect.ismodule(value):
        return "module"
    if callable(value):
        return "function"
    return "value"


def describe(exc: BaseException, exited: bool = False, depth: int = 0) -> dict:
    """An exception as plain data: type, message, and the frames of the learner's file."""
    frames = [
        {"file": os.path.basename(f.filename), "line": f.lineno, "name": f.name, "code": f.line or ""}
        for f in traceback.extract_tb(exc.__traceback__)
        if os.path.basename(f.filename) == f"{SUBMISSION}.py"
    ]
    try:
        message = str(exc)
    except Exception:
        message = "<unprintable>"
    info = {
        "type": type(exc).__name__,
        "module": type(exc).__module__,
        "message": message[:4000],
        "frames": frames[-8:],
        "exited": exited,
        "code": exc.code if isinstance(exc, SystemExit) and isinstance(exc.code, int | None) else None,
    }
    if len(exc.args) == 1 and type(exc.args[0]) is str and not isinstance(exc, BaseExceptionGroup):
        info["arg"] = exc.args[0][:4000]  # KeyError("k"): str() quotes it, the argument does not
    if isinstance(exc, BaseExceptionGroup) and depth < 8:  # an ExceptionGroup travels with what it holds
        info["group"] = str(exc.message)[:4000]
        info["exceptions"] = [describe(e, depth=depth + 1) for e in exc.exceptions[:64]]
    return info


def rebuild(info: dict, depth: int = 0) -> BaseException:
    """An exception the judge sent back (from a callback): builtin types by name, else RuntimeError."""
    import builtins

    cls = getattr(builtins, str(info.get("type")), None)
    if str(info.get("module")) == "asyncio.exceptions":
        cls = getattr(asyncio, str(info.get("type")), None)
        if cls is asyncio.CancelledError:  # the judge's coroutine ended cancelled
            return cls()
    if not (isinstance(cls, type) and issubclass(cls, Exception)):
        return RuntimeError(f"{info.get('type')}: {info.get('message')}")
    inner = info.get("exceptions")
    try:
        if issubclass(cls, BaseExceptionGroup) and isinstance(inner, list) and inner and depth < 8:
            return cls(str(info.get("group", "")), [rebuild(e, depth + 1) for e in inner])
        return cls(info.get("arg", info.get("message", "")))
    except Exception:  # a type that wants other arguments: keep the message, never break the reader
        return RuntimeError(f"{info.get('type')}: {info.get('message')}")


def install_diagnostics(host: Host, fd: int) -> None:
    """SIGUSR1: every thread's stack (faulthandler, works while a thread spins holding the GIL).
    SIGUSR2: the stacks of the host loop's pending tasks. Both only explain a verdict; neither can pass one."""
    faulthandler.register(signal.SIGUSR1, file=fd, all_threads=True)

    def dump_tasks(signum: int, frame: Any) -> None:
        out = io.StringIO()
        loop = host.loop
        if loop is not None:
            try:
                for task in list(asyncio.all_tasks(loop)):
                    coro = task.get_coro()
                    out.write(f"Task {task.get_name()} ({getattr(coro, '__qualname__', '?')}):\n")
                    task.print_stack(limit=8, file=out)
            except RuntimeError:  # the set changed while we looked: a partial dump is still useful
                pass
        out.write("END TASKS\n")
        os.write(fd, ("\nASYNCIO TASKS\n" + out.getvalue()).encode())

    signal.signal(signal.SIGUSR2, dump_tasks)


def main() -> None:
    fd = int(os.environ.pop("DOJO_HOST_FD"))
    diag = int(os.environ.pop("DOJO_DIAG_FD", "-1"))
    sock = socket.socket(fileno=fd)
    sys.path.insert(0, os.getcwd())  # `import submission`, also in spawned workers (they inherit sys.path)
    host = Host(Channel(sock))
    if diag >= 0:
        install_diagnostics(host, diag)
    host.serve()
    sys.stdout.flush()
    sys.stderr.flush()
