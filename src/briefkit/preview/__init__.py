"""`briefkit preview`: a plan -> a local web page that rebuilds and reloads while the plan is edited.

session.py keeps the state (HTML of every document, PDFs of what is shown),
watcher.py turns saves into rebuilds, server.py serves the page and streams
server-sent events; assets/ holds the page itself.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..project import Project
from .session import Session

__all__ = ["PreviewOptions", "open_socket", "serve"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class PreviewOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    document: str | None = None
    edition: str | None = None
    pdf: bool = True


def open_socket(host: str, port: int) -> socket.socket:
    """Bind before serving, so a port in use is a clear message and not a server log line."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use: choose another with --port "
                             "(--port 0 takes any free port)") from None
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def choose_plan(project: Project, reference: str | None) -> Path:
    plans = project.plan_files((reference,) if reference else ())
    return plans[0]


def serve(project: Project, plan: str | None, options: PreviewOptions, say: Callable[[str], None]) -> None:
    """Run the preview until Ctrl-C."""
    import uvicorn

    from .server import create_app
    from .watcher import watch

    plan_file = choose_plan(project, plan)
    session = Session(project, plan_file, pdf=options.pdf)
    session.reload_templates()
    if options.document and options.document not in session.documents:
        raise UsageError(f"unknown document {options.document!r}; known: {', '.join(session.documents)}")
    session.rebuild()
    sock = open_socket(options.host, options.port)
    session.start_worker()
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if ":" in host else host
    query = "&".join(f"{key}={value}" for key, value in (("doc", options.document), ("edition", options.edition))
                     if value)
    say(f"Previewing {session.plan_id} ({plan_file}) at http://{shown_host}:{port}/{'?' + query if query else ''}")
    say("Edit and save: the page follows. Ctrl-C stops.")
    if options.host in LOOPBACK:
        hosts: list[str] | None = ["127.0.0.1", "localhost", "[::1]", "::1"]
    else:
        hosts = None
        say(f"Listening on {options.host}: anyone who can reach this machine can read the plan.")
    config = uvicorn.Config(create_app(session, hosts), log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)

    async def run() -> None:
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(session, stop, say))
        try:
            await server.serve(sockets=[sock])
        finally:
            stop.set()
            watcher.cancel()

    try:
        asyncio.run(run())
    finally:
        session.close()
        sock.close()
