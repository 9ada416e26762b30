"""A function's start-up, explicit: each handler module makes its imports and its app inside
`imports()`.

That start-up (this package, then Powertools, pydantic, botocore) creates objects that live as
long as the process; the cyclic GC would walk them again and again during the imports and free
nothing (~25 ms of a ~200 ms cold start). So it is paused for the block only, and at its end what
the block made (modules, classes and the state of Powertools, botocore and pydantic, some 50,000
tracked objects) is moved out of its reach (gc.freeze): otherwise the first full collection, in
the first request, walks them all (~12 ms) and frees nothing. Nothing else in the package
touches the collector, and importing any other module leaves it as it was."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def imports() -> Iterator[None]:
    """The collector paused for the block (unless it was off already), then the block's objects
    frozen out of its reach."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
