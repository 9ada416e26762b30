"""One progress bar for the whole run, one line per step."""

from collections.abc import Callable
from types import TracebackType

from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress


class Progress:
    def __init__(self, *, enabled: bool = True) -> None:
        self._bar = RichProgress(
            TextColumn("{task.description:<34}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not enabled,
        )

    def __enter__(self) -> "Progress":
        self._bar.start()
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._bar.stop()

    def step(self, description: str, total: int) -> Callable[[], None]:
        """A new line on the bar; the returned callable advances it by one (thread-safe)."""
        task = self._bar.add_task(description, total=total)
        return lambda: self._bar.advance(task)

    def log(self, message: str) -> None:
        self._bar.console.log(message)
