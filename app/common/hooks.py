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


class Contributions(Generic[P, R]):
    """A question several higher packages answer (the order page's sections: the assignment's,
    the execution's…): each contributes once at start-up, and the call returns every answer,
    in the order they were contributed. Nobody contributing answers an empty list."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._answers: list[Callable[P, R]] = []

    def contribute(self, function: Callable[P, R]) -> Callable[P, R]:
        """Add an answer (idempotent: create_app may run many times in one process)."""
        if function not in self._answers:
            self._answers.append(function)
        return function

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        return [answer(*args, **kwargs) for answer in self._answers]
