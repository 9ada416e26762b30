"""Filling in what images stored before this version lack (service, run once by `nox -s backfill`):
each image's upright width and height and its placeholder, computed from its stored bytes as an
upload computes them (image_verification.inspect; appended data, which older uploads let through,
is allowed here). Idempotent: only records without a width are read, and each is written only if
it still has none, so a second run (or two at once) changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass, field

from image_service.errors import ImageServiceError
from image_service.image_verification import inspect
from image_service.serving import source_of
from image_service.storage.image_store import ImageStore, get_image_store

_MARKER = "width"  # set together with height and placeholder


@dataclass(slots=True)
class BackfillReport:
    filled: list[str] = field(default_factory=list)
    raced: list[str] = field(default_factory=list)  # filled by another run (or deleted) meanwhile
    unreadable: dict[str, str] = field(default_factory=dict)  # image id -> why (an error code)

    def summary(self) -> str:
        return (
            f"{len(self.filled)} filled, {len(self.raced)} filled or deleted meanwhile, "
            f"{len(self.unreadable)} unreadable"
        )


def backfill(
    store: ImageStore | None = None, *, page_size: int = 100, progress: Callable[[str], None] | None = None
) -> BackfillReport:
    """Give every record that lacks them its dimensions and placeholder (see the module docstring)."""
    store = store or get_image_store()
    report = BackfillReport()
    start = None
    while True:
        records, start = store.catalog.missing(_MARKER, start_key=start, limit=page_size)
        for record in records:
            try:
                with source_of(store, record) as data:
                    shown = inspect(data, allow_trailing=True)
            except ImageServiceError as err:  # a missing object, bytes no decoder takes
                report.unreadable[record.image_id] = err.code
                continue
            values = {"width": shown.width, "height": shown.height, "placeholder": shown.placeholder}
            filled = store.catalog.fill(record, values, unless=_MARKER)
            (report.filled if filled else report.raced).append(record.image_id)
            if progress is not None:
                progress(record.image_id)
        if start is None:
            return report
