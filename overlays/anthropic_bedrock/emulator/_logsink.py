"""Log output of the emulator's command line that can never stop the server.

A process whose stderr is a pipe nobody reads blocks in ``write`` once the pipe is full (64 KiB on
Linux); a log line written from the event loop then freezes every connection. Here records are
formatted where they happen and queued; a daemon thread writes them out, and when the queue is
full new lines are dropped and counted (the count is written with the next line that gets out).
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from typing import Final, TextIO

__all__ = ["StderrSink", "install"]

_CAPACITY: Final = 1000  # lines waiting to be written


class StderrSink(logging.Handler):
    """A logging handler whose ``emit`` never blocks on the stream."""

    def __init__(self, stream: TextIO, capacity: int = _CAPACITY) -> None:
        super().__init__()
        self._stream = stream
        self._lines: queue.Queue[str] = queue.Queue(capacity)
        self._dropped = 0
        self._count_lock = threading.Lock()
        self._thread = threading.Thread(target=self._write_out, name="bedrock-emulator-log", daemon=True)
        self._thread.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + "\n"
        except Exception:
            line = f"{record.levelname}: {record.msg!r} (could not be formatted)\n"
        try:
            self._lines.put_nowait(line)
        except queue.Full:
            with self._count_lock:
                self._dropped += 1

    def _write_out(self) -> None:
        while True:
            line = self._lines.get()
            with self._count_lock:
                dropped, self._dropped = self._dropped, 0
            try:
                if dropped:
                    self._stream.write(f"({dropped} log line(s) dropped: the output was not being read)\n")
                self._stream.write(line)
                self._stream.flush()
            except (OSError, ValueError):
                pass  # stderr closed: nothing left to tell
            finally:
                self._lines.task_done()

    def flush_within(self, seconds: float) -> None:
        """Wait (at most ``seconds``) for the queued lines to be written; for a clean exit."""
        done = threading.Event()

        def wait() -> None:
            self._lines.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        done.wait(seconds)


def install(level: int = logging.WARNING) -> StderrSink:
    """Send the process's log records (and warnings) through a :class:`StderrSink` on stderr."""
    sink = StderrSink(sys.stderr)
    sink.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(sink)
    root.setLevel(level)
    logging.captureWarnings(True)
    return sink
