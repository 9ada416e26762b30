"""Telling a create call whose answer was lost from any other failed apply.

The AWS provider's SDK (aws-sdk-go-v2 on Go's net/http) sometimes loses the answer to a call the
server did answer: Go's HTTP/1 transport closes the connection while the response is being read
("use of closed network connection", aws/aws-sdk-go-v2#1825 and #2737), and the SDK sends the call
again. Against the embedded emulator, which answers in about a millisecond, that happened to 7 of
the SDK's roughly 7,800 calls in 18 cold deploys here (2026-12-02, the emulator keeping idle
connections open: emulator/__main__.py). A read survives it. A create does not: the retry meets
what the first try made, the provider reports "already exists" (a CreateLogGroup and an
AddPermission in those 18 deploys; an AddPermission in the CI run that failed), and the stack is
half made, with the thing in the emulator but not in the Terraform state.

When every error of an apply is such a conflict, and the apply started from nothing (an empty
emulator and an empty Terraform state), the conflict can only be with the apply's own lost call, so
`nox -s deploy` starts over from an empty stack, once (noxfile.apply_stack)."""

import re
from collections.abc import Iterable

from devtools.terraform import uncoloured

# Terraform's diagnostics box: "│ Error: ..." then, a few lines down, "│   with ADDRESS,".
_ERROR = re.compile(r"^[│|]?\s*Error: (?P<message>.*)$")
_WITH = re.compile(r"^[│|]?\s*with (?P<address>\S+),$")
# A 4xx conflict from the service, saying the thing already exists: what a create that already
# succeeded answers when it is sent again.
_CONFLICT = re.compile(
    r"https response error StatusCode: 4\d\d\b.*\b("
    r"ResourceConflictException|EntityAlreadyExists|ResourceInUseException|ResourceExistsException|"
    r"ConflictException|BucketAlreadyOwnedByYou|ResourceAlreadyExistsException"
    r")\b.*already exist",
    re.IGNORECASE,
)


def conflicting_creates(output: Iterable[str]) -> list[str]:
    """The addresses of the resources whose create met "already exists", when those are all the
    errors in this Terraform output; [] when there is no error or any other kind of error."""
    addresses: list[str] = []
    pending: str | None = None  # the message of an error whose "with" line is still to come
    for raw in output:
        line = uncoloured(raw).rstrip()
        error = _ERROR.match(line)
        if error:
            if pending is not None:
                return []  # an error with no resource: not a lost answer
            pending = error["message"]
            if not _CONFLICT.search(pending):
                return []
            continue
        with_line = _WITH.match(line)
        if with_line and pending is not None:
            addresses.append(with_line["address"])
            pending = None
    if pending is not None:
        return []
    return addresses
