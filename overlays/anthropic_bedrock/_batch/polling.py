"""How often to ask Bedrock how a batch is doing: a pure policy, so sync and async waiting share it.

A batch job takes minutes to hours (up to its timeout, 24 to 168 hours), and each
GetModelInvocationJob call counts against a request-rate quota, so polling starts brisk and backs off
exponentially to a cap. Jitter spreads the calls of many waiters over time. Whenever the job's
status or counts change the backoff starts over, so progress is reported promptly while a job moves
and rarely while it sits in a queue.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PollPolicy"]


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """`initial` seconds after a change, times `multiplier` after each unchanged poll, at most
    `maximum`; each delay is moved by up to `jitter` of itself either way (still capped)."""

    initial: float = 5.0
    maximum: float = 120.0
    multiplier: float = 1.5
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if not 0 < self.initial <= self.maximum:
            raise ValueError(f"poll_interval must be positive and at most {self.maximum} seconds, got {self.initial}")
        if self.multiplier < 1:
            raise ValueError(f"the poll multiplier must be at least 1, got {self.multiplier}")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"the poll jitter must be in [0, 1), got {self.jitter}")

    def delay(self, unchanged: int, random: float, remaining: float | None = None) -> float:
        """Seconds to wait before the next poll, after `unchanged` polls that saw no change;
        `random` is uniform in [0, 1); `remaining` (seconds left before the caller's deadline) caps it."""
        if unchanged < 0:
            raise ValueError("unchanged must not be negative")
        # Cap the exponent before raising to it: a long wait must not overflow a float.
        base = self.maximum if unchanged > 200 else min(self.maximum, self.initial * self.multiplier**unchanged)
        wait = min(self.maximum, base * (1 - self.jitter + 2 * self.jitter * random))
        if remaining is not None:
            wait = min(wait, max(remaining, 0.0))
        return wait
