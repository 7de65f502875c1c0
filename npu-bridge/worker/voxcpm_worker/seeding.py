"""Seeds on voxcpm 2.0.3, and the process-wide random state they live in.

voxcpm 2.0.3 (the version on PyPI and in our images) has no ``seed`` argument; it was added upstream
after the tag, where it calls ``torch.manual_seed`` before generating. On 2.0.3 the worker does the same
itself: it seeds torch's generators on the instance's own thread right before it creates the generation,
so a seed given by a request (or a voice's defaults) reaches the model either way.

torch keeps one default generator per device type for the whole process, and the diffusion noise of
every generation step is drawn from it. Two model instances in one process therefore share one random
stream: an unseeded generation running beside a seeded one would draw from the stream the seed just
reset, and the seeded output would depend on timing. So a seeded generation runs alone in its process:
it holds the RNG gate exclusively, unseeded generations hold it shared (they may overlap each other).
With one instance per process (the usual layout: one worker per card) this costs nothing; with several
instances, seeded requests serialise. A designed voice does not depend on seeds to stay one speaker: it
is anchored to a reference clip (see the README), so seeds matter only for rendering anchor candidates
and for repeating an exact take.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Callable, Iterator

#: How the seed of a generation reached the model (SynthesisSummary.seeded_by).
BY_PARAMETER = "parameter"
BY_GENERATORS = "generators"


class RngGate:
    """A shared/exclusive gate; exclusive holders are preferred so seeded calls are not starved."""

    def __init__(self):
        self._cond = threading.Condition()
        self._shared = 0
        self._exclusive = False
        self._exclusive_waiting = 0

    @contextlib.contextmanager
    def hold(self, exclusive: bool) -> Iterator[None]:
        with self._cond:
            if exclusive:
                self._exclusive_waiting += 1
                try:
                    self._cond.wait_for(lambda: not self._exclusive and self._shared == 0)
                finally:
                    self._exclusive_waiting -= 1
                self._exclusive = True
            else:
                self._cond.wait_for(lambda: not self._exclusive and self._exclusive_waiting == 0)
                self._shared += 1
        try:
            yield
        finally:
            with self._cond:
                if exclusive:
                    self._exclusive = False
                else:
                    self._shared -= 1
                self._cond.notify_all()


#: One per process, like torch's default generators.
GATE = RngGate()


def torch_seeder(torch) -> Callable[[int], None]:
    """Seeds what ``torch.manual_seed`` seeds, plus every CUDA and NPU device explicitly (torch_npu
    registers as PrivateUse1; older torch versions do not forward manual_seed to it)."""

    def seed(value: int) -> None:
        torch.manual_seed(value)
        cuda = getattr(torch, "cuda", None)
        if cuda is not None and cuda.is_available():
            cuda.manual_seed_all(value)
        npu = getattr(torch, "npu", None)
        if npu is not None and hasattr(npu, "manual_seed_all") and npu.is_available():
            npu.manual_seed_all(value)

    return seed
