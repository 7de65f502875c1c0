"""Start-up failures and their process exit codes (documented in ``--help``)."""

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NO_WEIGHTS = 3
EXIT_DEVICE_UNAVAILABLE = 4
EXIT_OUT_OF_MEMORY = 5
EXIT_RESIDENCY = 6
EXIT_NO_VOXCPM = 7

EXIT_CODES_HELP = """exit codes:
  0  stopped cleanly (SIGTERM/SIGINT)
  1  unexpected failure
  2  bad command line
  3  model directory missing or without VoxCPM2 weights (config.json)
  4  device unavailable (no torch, no torch_npu for npu, driver not visible, bad index)
  5  out of device memory while loading
  6  residency check failed (parameters off the device or with an unexpected dtype)
  7  the voxcpm package is not installed"""


class StartupError(Exception):
    """A condition that stops the worker before it serves; carries its exit code."""

    def __init__(self, exit_code: int, message: str):
        super().__init__(message)
        self.exit_code = exit_code


def is_out_of_memory(exc: BaseException) -> bool:
    """torch.cuda.OutOfMemoryError, torch_npu's 'NPU out of memory' RuntimeError and plain MemoryError."""
    if isinstance(exc, MemoryError):
        return True
    return "OutOfMemory" in type(exc).__name__ or "out of memory" in str(exc).lower()
