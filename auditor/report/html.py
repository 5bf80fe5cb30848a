"""The HTML drift report: one self-contained, offline `index.html` rendered from a RunResult.

The view model (html_view.py) is built first; the Jinja2 templates in reports/templates/ draw
it with autoescaping on. CSS and JS are template files inlined at render time; the
Content-Security-Policy allows exactly those two blocks by their sha256 hashes, and nothing
is loaded from anywhere else.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from auditor.domain.run import RunResult
from auditor.report.html_view import build_view
from auditor.support.resources import templates_dir
from auditor.support.safe_files import write_file

PAGE_TEMPLATE = "index.html.j2"
STYLE_FILE = "report.css"
SCRIPT_FILE = "report.js"

_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def environment(folder: Path | None = None) -> Environment:
    """The report's Jinja2 environment: autoescaping everywhere, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(str(folder or templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["sha"] = lambda value: (value or "")[:10]
    return env


def render_html(result: RunResult, *, server_rows: int = 500, page_size: int = 100) -> str:
    """The whole report as one HTML document (CSS, JS and data inline)."""
    env = environment()
    style = static_text(env, STYLE_FILE)
    script = static_text(env, SCRIPT_FILE)
    view = build_view(result, server_rows=server_rows, page_size=page_size)
    return env.get_template(PAGE_TEMPLATE).render(
        view=view,
        style=Markup(style),
        script=Markup(script),
        data_json=Markup(json_for_script(view.data)),
        csp=content_security_policy(style, script),
    )


def write_html(result: RunResult, path: Path) -> None:
    """Render and write atomically (a reader never sees half a report), never through a symlink."""
    write_file(path, render_html(result).encode("utf-8", errors="replace"))


def content_security_policy(style: str, script: str) -> str:
    """Nothing but the inline style and script blocks (by hash) and data: images."""
    return (
        "default-src 'none'; "
        f"style-src '{sha256_source(style)}'; "
        f"script-src '{sha256_source(script)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def sha256_source(text: str) -> str:
    """A CSP hash source for an inline block: sha256-<base64 of the UTF-8 bytes' digest>."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def json_for_script(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no `<`, `>`, `&`, U+2028/2029."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for raw, escaped in _JSON_ESCAPES.items():
        text = text.replace(raw, escaped)
    return text


def static_text(env: Environment, name: str) -> str:
    """A CSS/JS file from the templates folder, verbatim (its hash must match what is inlined)."""
    assert env.loader is not None
    text, _, _ = env.loader.get_source(env, name)
    if "</" in text:
        raise ValueError(f"{name}: an inline block must not contain '</'")
    return text.strip() + "\n"
