"""Object tags that survive a restart, as every other part of a bucket does.

MiniStack's persistence saves each bucket's settings (its tags, policy, versioning, lifecycle...)
at a graceful stop and writes object bytes as they arrive, but keeps object tags in memory only:
after `down` + `up` every object had lost its tags. On AWS an object's tags last as long as the
object version. The code bucket's zip (terraform/modules/code_bucket) carries the provider's
default tags, so after every restart the deploy planned to tag it again instead of finding
nothing to do. Registered with the bucket dictionaries MiniStack saves and restores, the tags are
saved at the same graceful stop and come back at start (a crash loses them with everything else
saved there)."""

from __future__ import annotations

from typing import Any

from emulator.ministack_internals import Patch

_STATE_KEY = "object_tags"  # the entry in s3.json


def _install(s3: Any) -> None:
    s3._PERSISTED_BUCKET_DICTS[_STATE_KEY] = s3._object_tags


PATCH = Patch(internals=("_PERSISTED_BUCKET_DICTS", "_object_tags"), install=_install, service="s3")
