"""Serving a local page until told to stop: the docs and gallery servers share this.

Standard library only, so a session that serves a page needs no package for it."""

import os
import signal
import threading
from http.server import ThreadingHTTPServer

PARENT_POLL_SECONDS = 0.5  # how often the server checks that the process that started it is alive


def _watch_parent(parent: int, httpd: ThreadingHTTPServer, done: threading.Event) -> None:
    """Shuts the server down once its parent is gone (the process is then re-parented)."""
    while os.getppid() == parent:
        if done.wait(PARENT_POLL_SECONDS):
            return
    httpd.shutdown()


def serve_until_stopped(httpd: ThreadingHTTPServer) -> None:
    """Serves on the main thread until SIGINT, SIGTERM or the parent's exit; then closes the port."""
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM as Ctrl-C
    done = threading.Event()
    parent = os.getppid()
    if parent != 1:  # started by init (detached), there is no parent to outlive
        threading.Thread(target=_watch_parent, args=(parent, httpd, done), daemon=True).start()
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        done.set()
        signal.signal(signal.SIGTERM, previous)
        httpd.server_close()
