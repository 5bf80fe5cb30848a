"""`auditor mcp`: the project's architecture and its pre-merge check as MCP tools over stdio.

Built on the official `mcp` SDK's low-level server: each tool declares its input and output
JSON schema, answers with structured content (and the same JSON as text), and a mistake comes
back as a tool error (`isError`) whose text is the command line's one-line message. Requests are
answered one at a time in a worker thread, so the event loop keeps reading.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from auditor import __version__
from auditor.domain.errors import AuditorError
from auditor.mcp.schemas import TOOLS
from auditor.mcp.session import ProjectSession, jsonable

CONFIG_URI = "auditor://config"
PACK_URI = "auditor://packs/"


def one_line(text: str, limit: int = 500) -> str:
    """Messages may quote hostile input: one line, bounded."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def build_server(session: ProjectSession) -> Any:
    """The MCP server (tools and resources) answering for `session`'s project."""
    import anyio
    import mcp.types as types
    from mcp.server.lowlevel import Server
    from mcp.server.lowlevel.helper_types import ReadResourceContents

    server: Any = Server("auditor", version=__version__, instructions=INSTRUCTIONS)
    handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "check": lambda a: session.check(a.get("base"), a.get("paths")),
        "module_rules": lambda a: session.module_rules(a["module"]),
        "explain": lambda a: session.explain(a.get("rule"), a.get("fingerprint")),
        "import_path": lambda a: session.import_path(a["importer"], a["imported"]),
    }

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        return [
            types.Tool(name=name, description=spec["description"], inputSchema=spec["input"], outputSchema=spec["output"])
            for name, spec in TOOLS.items()
        ]

    def answer(name: str, arguments: dict[str, Any]) -> dict[str, Any] | types.CallToolResult:
        with session.lock:
            try:
                return jsonable(handlers[name](arguments))
            except AuditorError as exc:
                return _error(types, one_line(str(exc)))
            except Exception as exc:  # a bug of ours: one line, like the command line's
                return _error(types, f"internal error: {type(exc).__name__}: {one_line(str(exc))} (please report it)")

    @server.call_tool()
    async def call_tool(name: str, arguments: dict[str, Any]) -> Any:
        if name not in handlers:
            return _error(types, f"unknown tool {name!r} (expected one of: {', '.join(handlers)})")
        return await anyio.to_thread.run_sync(answer, name, arguments)

    @server.list_resources()
    async def list_resources() -> list[types.Resource]:
        def listing() -> list[types.Resource]:
            with session.lock:
                packs = session.packs()
            found = [
                types.Resource(
                    uri=CONFIG_URI,  # type: ignore[arg-type]
                    name="config",
                    description="the configuration as read: layers, surfaces, contracts, exceptions, packs",
                    mimeType="application/json",
                )
            ]
            found += [
                types.Resource(
                    uri=f"{PACK_URI}{name}",  # type: ignore[arg-type]
                    name=f"pack {name}",
                    description=f"rule pack {name} as read from {path.name}",
                    mimeType="application/toml",
                )
                for name, path in packs
            ]
            return found

        return await anyio.to_thread.run_sync(listing)

    @server.read_resource()
    async def read_resource(uri: Any) -> list[ReadResourceContents]:
        def read() -> list[ReadResourceContents]:
            text = str(uri)
            with session.lock:
                if text == CONFIG_URI:
                    doc = json.dumps(session.config_document(), indent=2, sort_keys=True)
                    return [ReadResourceContents(doc, "application/json")]
                for name, path in session.packs():
                    if text == f"{PACK_URI}{name}":
                        return [ReadResourceContents(path.read_text(encoding="utf-8"), "application/toml")]
            raise ValueError(f"unknown resource {text!r}")

        return await anyio.to_thread.run_sync(read)

    return server


def _error(types: Any, message: str) -> Any:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], isError=True)


def serve(session: ProjectSession) -> None:
    """Answer MCP requests on stdin/stdout until the client closes stdin or the process that
    started the server is gone.

    The protocol owns stdout: while serving, anything else that prints goes to stderr.
    """
    import io

    import anyio
    from mcp.server.stdio import stdio_server

    protocol_out = anyio.wrap_file(io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8"))
    protocol_in: Any = UntilClosed(anyio.wrap_file(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")), session)
    server = build_server(session)
    watch_parent()

    async def run() -> None:
        streams = stdio_server(stdin=protocol_in, stdout=protocol_out)
        async with streams as (read, write), anyio.create_task_group() as tasks:
            # read the configuration and build the graph while the client initialises
            tasks.start_soon(partial(anyio.to_thread.run_sync, session.warm, abandon_on_cancel=True))
            await server.run(read, write, server.create_initialization_options())
            tasks.cancel_scope.cancel()

    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        anyio.run(run)
    finally:
        sys.stdout = saved


class UntilClosed:
    """The protocol's input lines. When they end (the client closed stdin, or died), work still
    running is for nobody: the parse pool's workers are ended and the process exits at once,
    instead of finishing a cold parse or a check first."""

    def __init__(self, lines: Any, session: ProjectSession) -> None:
        self.lines, self.session = lines, session

    async def __aiter__(self) -> AsyncIterator[str]:
        async for line in self.lines:
            yield line
        if self.session.lock.locked():  # an analysis is running (the warm-up or a tool call)
            leave_now()


def watch_parent(every_s: float = 1.0) -> None:
    """Leave (`leave_now`) when the process that started the server is gone (this process is
    handed to another parent), even if something else still holds stdin open."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        leave_now()

    threading.Thread(target=watch, name="auditor-parent-watch", daemon=True).start()


def leave_now() -> None:
    """End this process's pool workers, then the process, without waiting for its threads."""
    import multiprocessing

    for child in multiprocessing.active_children():
        child.kill()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


INSTRUCTIONS = (
    "auditor checks this Python project's architecture: import contracts between layers, "
    "layer-scoped security rules, review surfaces. Before adding an import, call module_rules "
    "for the importing module; after an edit, call check (base: the branch you started from, "
    "paths: the files you edited) and fix every new finding; explain tells why a rule exists "
    "and what to do instead; import_path shows how one module reaches another."
)
