"""Report safety end to end: a repository whose file names, code, commit message, author, trailers,
git-ai note and CODEOWNERS carry markup and workflow-command injections, and which holds secrets.
Every output of `auditor audit` and `auditor check --format ...` must escape or neutralise them,
and no secret may appear in any of them."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hostile.cli import CliRun, run_cli
from hostile.report_repo import HOSTILE_NAMES, SECRETS, write_report_repo

FORMATS = ("json", "sarif", "gitlab", "junit", "github", "markdown", "text")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)
        else:
            self.text.append(data)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], dict[str, CliRun]]:
    base = tmp_path_factory.mktemp("reports")
    root = base / "repo"
    write_report_repo(root)
    runs = {"audit": run_cli(["audit", "--out", str(base / "report")], cwd=root, timeout=300)}
    texts = {
        name: (base / "report" / name).read_text(encoding="utf-8")
        for name in ("index.html", "report.json", "report.sarif")
    }
    for fmt in FORMATS:
        out = base / f"out.{fmt}"
        runs[fmt] = run_cli(["check", "--format", fmt, "-o", str(out)], cwd=root, timeout=300)
        texts[fmt] = out.read_text(encoding="utf-8")
    runs["history"] = run_cli(["history"], cwd=root, timeout=60)
    texts["history"] = runs["history"].stdout
    runs["stdout-text"] = run_cli(["check"], cwd=root, timeout=300)  # what a CI log shows
    texts["stdout-text"] = runs["stdout-text"].stdout
    return texts, runs


def test_runs_are_clean_and_find_the_planted_problems(
    outputs: tuple[dict[str, str], dict[str, CliRun]],
) -> None:
    texts, runs = outputs
    for name, run in runs.items():
        run.assert_clean(codes=(0,) if name == "history" else (1,))  # upward imports, secrets
    doc = json.loads(texts["json"])
    rules = {f["rule"] for f in doc["findings"]}
    assert {"layered", "hardcoded-secret-assignment", "hardcoded-cloud-key"} <= rules, rules
    paths = {f["path"] for f in doc["findings"]}
    assert {f"app/domain/{name}.py" for name in HOSTILE_NAMES} <= paths
    assert any(f["origin"] == "ai" and "alert" in (f["agent"] or "") for f in doc["findings"]), (
        "note not read"
    )


@pytest.mark.parametrize("name", ["index.html", "report.json", "report.sarif", *FORMATS])
def test_no_secret_in_any_output(outputs: tuple[dict[str, str], dict[str, CliRun]], name: str) -> None:
    text = outputs[0][name]
    for secret in SECRETS:
        assert secret not in text, f"{secret} leaked into {name}"


def test_html_has_only_our_scripts_and_no_event_handlers(
    outputs: tuple[dict[str, str], dict[str, CliRun]],
) -> None:
    html = outputs[0]["index.html"]
    parser = _Collector()
    parser.feed(html)
    parser.close()
    assert "<script>alert" not in html and "<svg onload" not in html and "<img src=x" not in html
    for tag, tag_attrs in parser.tags:
        for key, value in tag_attrs:
            assert not key.startswith("on"), f"<{tag} {key}=...> from the repository"
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, key, value)
    for attrs, body in parser.scripts:
        assert "src" not in attrs, attrs
        assert "alert(" not in body or attrs.get("type") == "application/json", body[:200]
        if attrs.get("type") == "application/json":
            assert "<" not in body, "data island must escape '<' so it cannot close its script tag"
            data = json.dumps(json.loads(body))
            assert "alert(1)" in data and "javascript:alert(7)" in data, "hostile strings missing: vacuous"
    visible = "".join(parser.text)
    assert "x<script>alert(1)<" in visible, "the hostile file name should be shown, as text"


def test_markdown_neutralises_markup_and_links(outputs: tuple[dict[str, str], dict[str, CliRun]]) -> None:
    md = outputs[0]["markdown"]
    assert "<script" not in md and "<img" not in md and "<svg" not in md
    assert "](javascript:" not in md.replace("\\](", "").replace("](javascript:alert(7))'", "")
    width = None  # every row of a table has as many cells as its header
    for line in md.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = len(re.split(r"(?<!\\)\|", line.strip().strip("|")))
        width = width or cells
        assert cells == width, f"a '|' from the repo split a row: {line}"


def test_github_commands_cannot_be_injected(outputs: tuple[dict[str, str], dict[str, CliRun]]) -> None:
    gh = outputs[0]["github"]
    commands = [line for line in gh.splitlines() if line.startswith("::")]
    assert commands, "no annotations at all"
    for line in commands:
        assert re.match(r"::(error|warning|notice)( [^:]*)?::", line) or line.startswith(
            ("::group::", "::endgroup::")
        ), line
        assert not line.startswith(("::error::injected", "::warning::pwned", "::error::owned")), line
        assert "%0A::error::owned" not in line.split("::", 2)[1], "the '%0A' in a path was not re-encoded"
    assert "m%250A" in gh, "a literal '%0A' in a file name must be encoded as '%250A'"


def test_machine_formats_parse(outputs: tuple[dict[str, str], dict[str, CliRun]]) -> None:
    texts = outputs[0]
    for name in ("json", "sarif", "gitlab", "report.json", "report.sarif"):
        json.loads(texts[name])
    ET.fromstring(texts["junit"])


def test_text_has_no_terminal_controls(outputs: tuple[dict[str, str], dict[str, CliRun]]) -> None:
    text = outputs[0]["text"]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


# ---- escaping for each medium: CI logs, fences, bidi, autolinks --------------------------------

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# GitHub Actions runs `::cmd` at the start of a line (after whitespace) and `##[cmd]` anywhere
WORKFLOW_COMMAND = re.compile(r"^\s*::|##\[", re.MULTILINE)
FENCE_CLOSER = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*$", re.MULTILINE)


@pytest.mark.parametrize("name", ["text", "stdout-text", "history"])
def test_text_outputs_cannot_start_workflow_commands(
    outputs: tuple[dict[str, str], dict[str, CliRun]], name: str
) -> None:
    text = outputs[0][name]
    assert not WORKFLOW_COMMAND.search(text), WORKFLOW_COMMAND.search(text)
    assert not BIDI.search(text) and not CONTROLS.search(text)
    assert not FENCE_CLOSER.search(text)
    if name != "history":
        assert "::error::guidance\\n::add-mask::guidance-nl \\u202e" in text  # shown, escaped
        assert "x\\n::add-mask::trace-path \\u202e" in text  # the Agent Trace path, escaped


def test_stderr_of_every_run_is_safe_for_a_ci_log(outputs: tuple[dict[str, str], dict[str, CliRun]]) -> None:
    for name, run in outputs[1].items():
        assert not WORKFLOW_COMMAND.search(run.stderr), (name, run.stderr)
        assert not BIDI.search(run.stderr) and not CONTROLS.search(run.stderr), (name, run.stderr)


def test_github_and_markdown_carry_no_bidi_or_controls(
    outputs: tuple[dict[str, str], dict[str, CliRun]],
) -> None:
    for name in ("github", "markdown"):
        text = outputs[0][name]
        assert not BIDI.search(text) and not CONTROLS.search(text), name
    assert "rlo\\u202eexe\\u2066" in outputs[0]["github"]


def test_markdown_has_no_live_links_or_mentions(outputs: tuple[dict[str, str], dict[str, CliRun]]) -> None:
    prose = re.sub(r"(?<!\\)`[^`]+`", "", outputs[0]["markdown"])  # code spans link nothing
    assert "evil.test" in prose, "the guidance is not in the summary: vacuous"
    assert not re.search(r"(?i)https?://|www\.|\w@\w|(?<![\w`])@\w|(?<![\w&])#\d", prose)
