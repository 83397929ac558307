"""Questions a lower package asks and a higher one answers (DESIGN §7).

Imports run one way: the catalogue may not import the orders, yet its lot pages show how much
of each ceiling the orders have used. The lower package declares a :class:`Hook` with the
answer it gets while nobody has answered (an empty one), the higher package answers it once at
start-up (``hook.answer(function)`` in its ``register(app)``). Events go the same way through
blinker signals (``app/<package>/signals.py``); a hook is for a question that needs an
answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    def __init__(self, name: str, default: Callable[P, R]) -> None:
        self.name = name
        self._default = default
        self._answer: Callable[P, R] | None = None

    def answer(self, function: Callable[P, R]) -> Callable[P, R]:
        """Provide the answer (idempotent: create_app may run many times in one process)."""
        if self._answer is not None and self._answer is not function:
            raise RuntimeError(f"hook {self.name!r} is answered twice")
        self._answer = function
        return function

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return (self._answer or self._default)(*args, **kwargs)
