"""Image storage service: the code behind every Lambda of the API (one package, one zip)."""

import gc

# A function's start-up (this package, then Powertools, pydantic, botocore) creates objects that
# live as long as the process; the cyclic GC would walk them again and again during the imports
# and free nothing (~25 ms of a ~200 ms cold start). It is off until create_app(), the last step
# of every function's start-up, freezes them out of its reach and turns it back on.
gc.disable()
