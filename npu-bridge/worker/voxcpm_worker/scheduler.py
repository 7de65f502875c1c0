"""One request at a time per model instance, a bounded FIFO admission queue in front of them.

Each model holds a single batch-1 KV cache, so interleaving two generations on one instance would
corrupt both. Each instance also owns one thread that loads the model, warms it up and runs every
generation: CUDA graphs captured by torch.compile may only be replayed from the thread that captured
them. Instances load one after another (a shared lock): each load peaks at ~9 GB of host memory
before the weights move to the device, and several at once would add up.
"""
from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from typing import Callable, Optional, Tuple

log = logging.getLogger("voxcpm_worker.scheduler")


class QueueFull(Exception):
    pass


class DeadlineExpired(Exception):
    pass


class Cancelled(Exception):
    pass


class ModelInstance:
    """A model plus the single thread that touches it."""

    def __init__(self, index: int, loader: Callable[[], object], load_lock: Optional[threading.Lock] = None,
                 warm_up: Optional[Callable[[object], float]] = None):
        self.index = index
        self.model = None
        self.warm_up_seconds: Optional[float] = None
        self._jobs: "queue.Queue[Optional[Callable[[], None]]]" = queue.Queue()
        self._loaded = threading.Event()
        self._load_error: Optional[BaseException] = None
        self._load_lock = load_lock or threading.Lock()
        self._warm_up = warm_up
        self._thread = threading.Thread(target=self._run, args=(loader,), name=f"model-{index}", daemon=True)
        self._thread.start()

    def _run(self, loader) -> None:
        try:
            with self._load_lock:
                started = time.monotonic()
                self.model = loader()
                log.info("instance %d loaded in %.1fs", self.index, time.monotonic() - started)
                if self._warm_up is not None:
                    self.warm_up_seconds = self._warm_up(self.model)
                    log.info("instance %d warmed up in %.2fs (prompt cache + short generation)",
                             self.index, self.warm_up_seconds)
        except BaseException as exc:  # reported to the starter, which exits with the error's code
            self._load_error = exc
            return
        finally:
            self._loaded.set()
        while True:
            job = self._jobs.get()
            if job is None:
                return
            job()

    def wait_loaded(self) -> None:
        self._loaded.wait()
        if self._load_error is not None:
            raise self._load_error

    def submit(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)

    def stop(self) -> None:
        self._jobs.put(None)


class Scheduler:
    def __init__(self, instances, capacity: int):
        self.instances = list(instances)
        self.capacity = capacity
        self._free = collections.deque(self.instances)
        self._waiting = collections.deque()
        self._cond = threading.Condition()

    @property
    def queue_depth(self) -> int:
        with self._cond:
            return len(self._waiting)

    @property
    def busy(self) -> int:
        with self._cond:
            return len(self.instances) - len(self._free)

    def wake(self) -> None:
        """Lets waiters re-check their cancellation (called from gRPC's termination callbacks)."""
        with self._cond:
            self._cond.notify_all()

    def acquire(self, deadline: Optional[float], is_cancelled: Callable[[], bool]) -> Tuple[ModelInstance, float]:
        """Takes a free instance in arrival order; returns it with the seconds spent queued."""
        start = time.monotonic()
        ticket = object()
        with self._cond:
            if self._free and not self._waiting:
                return self._free.popleft(), 0.0
            if len(self._waiting) >= self.capacity:
                raise QueueFull(f"all {len(self.instances)} model instance(s) busy and the queue is full "
                                f"({len(self._waiting)}/{self.capacity} waiting)")
            self._waiting.append(ticket)
            try:
                while not (self._free and self._waiting[0] is ticket):
                    if is_cancelled():
                        raise Cancelled()
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        raise DeadlineExpired(f"deadline passed after {time.monotonic() - start:.3f}s in the queue")
                    self._cond.wait(0.5 if remaining is None else min(remaining, 0.5))
                self._waiting.popleft()
                return self._free.popleft(), time.monotonic() - start
            except BaseException:
                if ticket in self._waiting:
                    self._waiting.remove(ticket)
                raise
            finally:
                self._cond.notify_all()  # the next in line may now be at the head

    def release(self, instance: ModelInstance) -> None:
        with self._cond:
            self._free.append(instance)
            self._cond.notify_all()
