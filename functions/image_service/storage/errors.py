"""Translation of SDK failures into domain errors, in one place."""

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from image_service.errors import DependencyUnavailableError


def error_code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


@contextmanager
def dependency(name: str) -> Iterator[None]:
    """Any SDK failure not handled inside the block becomes a 503 naming only the dependency kind."""
    try:
        yield
    except ClientError as err:
        raise DependencyUnavailableError(f"The {name} is unavailable; retry later.") from err
    except BotoCoreError as err:
        raise DependencyUnavailableError(f"The {name} is unavailable; retry later.") from err
