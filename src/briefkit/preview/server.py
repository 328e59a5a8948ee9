"""A Session -> a Starlette app: the preview page, each document's HTML, its PDF and page images, and live events.

Routes: / (the page), /assets/* (its script and style), /state (documents and
editions), /events?doc=&edition= (server-sent events: one JSON state per
rebuild), /view/DOC.EDITION.html (the HTML edition; the plan's images resolve
beside it under /view/), /pdf/DOC.EDITION.pdf and /pages/DOC.EDITION/N.jpg.
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import media
from .session import Session

ASSETS = Path(__file__).resolve().parent / "assets"
_ASSET_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}
KEEPALIVE_SECONDS = 15.0
# What /view/ serves from the plan folder: the images the document shows, and the plan's own sources
# (plan.yaml, glossary.yaml, a table's CSV) to look at beside it. Nothing else, and nothing outside it.
PLAN_FILE_SUFFIXES = (*media.IMAGE_SUFFIXES, ".yaml", ".yml", ".csv")


def create_app(session: Session, hosts: list[str] | None = None) -> Starlette:
    """`hosts`: the Host headers answered (a page elsewhere cannot reach the plan through DNS rebinding)."""
    async def page(request: Request) -> Response:
        return FileResponse(ASSETS / "page.html", media_type="text/html")

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        path = ASSETS / name
        if "/" in name or not path.is_file():
            return Response("not found", status_code=404)
        return FileResponse(path, media_type=_ASSET_TYPES.get(path.suffix, "application/octet-stream"))

    async def state(request: Request) -> Response:
        return JSONResponse({"plan": session.plan_id, "documents": session.documents, "editions": session.editions,
                             "pdf": session.pdf_enabled})

    async def events(request: Request) -> Response:
        document = request.query_params.get("doc", "")
        edition = request.query_params.get("edition", "")
        queue: asyncio.Queue[str] = asyncio.Queue()
        session.listeners.add(queue)
        queue.put_nowait(session.message())
        if document in session.documents and edition in session.editions:
            session.watching[request] = (document, edition)
            asyncio.create_task(session.ensure_pdf(document, edition))

        async def stream() -> AsyncIterator[str]:
            try:
                while True:
                    try:
                        text = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                    except TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    yield f"data: {text}\n\n"
            finally:
                session.listeners.discard(queue)
                session.watching.pop(request, None)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def view(request: Request) -> Response:
        path = request.path_params["path"]
        parts = path.rsplit(".", 2)
        if len(parts) == 3 and parts[2] == "html" and parts[0] in session.documents:
            rendered = session.rendered(parts[0], parts[1])
            if isinstance(rendered, str):
                return HTMLResponse(error_page(rendered), headers={"Cache-Control": "no-store"})
            return HTMLResponse(rendered.html, headers={"Cache-Control": "no-store"})
        return _plan_file(session, path)

    async def pdf(request: Request) -> Response:
        name = request.path_params["name"]
        written = session.pdfs.get(name)
        if written is None or not written.path.is_file():
            return Response("no PDF written yet", status_code=404)
        return FileResponse(written.path, media_type="application/pdf", headers={"Cache-Control": "no-store"})

    async def page_image(request: Request) -> Response:
        written = session.pdfs.get(request.path_params["name"])
        number = int(request.path_params["number"])
        if written is None or not 1 <= number <= len(written.pages) or not written.pages[number - 1].is_file():
            return Response("no such page", status_code=404)
        return FileResponse(written.pages[number - 1], media_type="image/jpeg")

    routes = [
        Route("/", page),
        Route("/assets/{name}", asset),
        Route("/state", state),
        Route("/events", events),
        Route("/view/{path:path}", view),
        Route("/pdf/{name}.pdf", pdf),
        Route("/pages/{name}/{number:int}.jpg", page_image),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)] if hosts else []
    return Starlette(routes=routes, middleware=middleware)


def error_page(message: str) -> str:
    """What the document frame shows instead of a stale document: the located problem."""
    return ("<!doctype html><meta charset=utf-8><title>briefkit: problem</title>"
            "<body style='font: 15px/1.5 sans-serif; color: #8a1010; padding: 1em'>"
            f"<pre class='briefkit-error' style='white-space: pre-wrap'>{html.escape(message)}</pre>")


def _plan_file(session: Session, reference: str) -> Response:
    """An image the document names, or a source of the plan, served only from inside the plan folder.

    The same checks as the writers' (no `..`, no symlink out, no URL marks); only the endings differ.
    """
    try:
        path = media.resolve_inside(session.plan_file.parent, reference, PLAN_FILE_SUFFIXES)
    except ValueError as error:
        return Response(json.dumps(str(error)), status_code=404)
    if not path.is_file():
        return Response("not found", status_code=404)
    return FileResponse(path)
