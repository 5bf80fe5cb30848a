"""Repository strings cannot inject workflow commands, markdown/HTML or terminal escapes."""

from __future__ import annotations

import re
from dataclasses import replace

from drift_samples import HOSTILE, sample_result
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.cli.output import exit_status
from auditor.domain import AnalysisError, Severity, Status
from auditor.domain.run import RunResult
from auditor.domain.run_views import HistoryPoint
from auditor.drift.history import FindingRow
from auditor.report.writers import github, history, markdown, text
from auditor.report.writers.github import escape_data, escape_property
from auditor.report.writers.markdown import md_code, md_text
from auditor.support.textsafe import visible


def test_github_escaping_rules():
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("%0A") == "%250A"  # an encoded newline stays literal text


def test_github_annotations_cannot_inject_commands():
    out = github.write(sample_result())
    lines = out.splitlines()
    # every output line is exactly one workflow command, none of them forged by the message
    assert all(re.match(r"^::(error|warning|notice)( [^:]*)?::", line) for line in lines)
    assert not any("::error::pwned" in line.split("::", 2)[1] for line in lines)
    hostile = next(line for line in lines if "evil" in line)
    props, message = hostile[len("::error ") :].split("::", 1)
    assert "file=shop/api/evil%2Cname%3A1.py" in props
    assert "line=7" in props and "title=auditor security%3A raw-sql-in-view" in props
    assert "\n" not in message and "%0A::error::pwned %250A" in message


def test_github_annotates_only_new_findings_and_summarises():
    out = github.write(sample_result())
    lines = out.splitlines()
    annotated = [line for line in lines if "title=auditor " in line and "title=auditor verdict" not in line]
    assert len(annotated) == 3  # c1, s1, h1 are new; c2 baselined, s2 unchanged since the base
    assert any("endLine=11" in line for line in annotated)  # s1 spans 10-11
    assert lines[-1].startswith(
        "::error title=auditor verdict::auditor: failed: 3 open findings at or above error "
        "(3 new, 1 fixed, 1 unchanged since base, 1 baselined)"
    )
    assert any(line.startswith("::warning file=shop/broken.py") for line in lines)


def test_markdown_neutralises_repo_strings():
    out = markdown.write(sample_result())
    assert "<script>" not in out and "&lt;script&gt;" in out and "\x1b" not in out
    row = next(line for line in out.splitlines() if "pwned" in line)
    # the row keeps its 6 cells: no unescaped pipe from the message
    assert len(re.findall(r"(?<!\\)\|", row)) == 7
    assert "\\[l\\]\\(http:\u200b//e\\)" in row and "\\*b\\*" in row and "\\_i\\_" in row
    assert "\\`x\\`" in row
    assert "\n" not in row.replace("\n", "")
    assert "`@arch-team`" in out  # owners as code: no @-mention


def test_markdown_summary_counts_and_split():
    out = markdown.write(sample_result())
    assert out.startswith("❌ **auditor: failed** — 3 open findings at or above error")
    assert "| new | fixed | unchanged since base | baselined |" in out
    assert "| 3 | 1 | 1 | 1 |" in out
    assert "New findings by origin — ai: 1, mixed: 1, unknown: 1" in out
    assert "1 finding(s) fixed" in out
    ok = replace(sample_result(), findings=())
    assert markdown.write(ok).startswith("✅ **auditor: passed**")


def test_markdown_lists_the_files_not_analysed():
    out = markdown.write(sample_result())
    assert "⚠️ 1 file(s) could not be analysed:" in out
    assert "- `shop/broken.py`: syntax error at line 3" in out


def test_markdown_truncates_with_and_n_more():
    result = sample_result()
    out = markdown.write(result, max_rows=1)
    assert "and 2 more" in out
    assert sum(1 for line in out.splitlines() if line.startswith("| error |")) == 1


def test_markdown_fail_on_threshold():
    result = sample_result()
    only_warning = replace(
        result, findings=tuple(f for f in result.findings if f.severity is Severity.WARNING)
    )
    # the warning is unchanged since the base: it fails no pre-merge check, whatever --fail-on
    assert "passed" in markdown.write(replace(only_warning, fail_on=Severity.WARNING))
    new_warning = replace(
        only_warning, findings=tuple(replace(f, status=Status.NEW) for f in only_warning.findings)
    )
    assert "auditor: passed" in markdown.write(new_warning)
    assert "auditor: failed" in markdown.write(replace(new_warning, fail_on=Severity.WARNING))


def test_text_groups_by_rule_and_escapes_terminal_controls():
    out = text.write(sample_result())
    assert "\x1b" not in out and "\\x1b[31m" in out
    # open findings are listed; the baselined c2 and s2 (unchanged since the base) only counted
    assert out.index("layered (contract, 1)") < out.index("raw-sql-in-view (security, 2)")
    assert "shop/domain/models.py:30" not in out
    assert "  shop/domain/models.py:3: error: shop.domain.models imports shop.api.views" in out
    assert "      shop.domain.models -> shop.api.views (l.3)" in out
    assert "how to fix: Move the conversion into shop.api." in out
    last = out.rstrip().splitlines()
    assert last[-2] == ("3 new, 1 fixed, 1 unchanged since base, 1 baselined (2 not listed; -v lists them)")
    assert last[-1] == "auditor: failed: 3 open findings at or above error"
    verbose = text.write(sample_result(), verbose=True)
    assert "not failing: baselined, suppressed or unchanged (2)" in verbose
    assert "shop/domain/models.py:30" in verbose


def test_text_colour_only_when_asked():
    assert "\x1b[" in text.write(sample_result(), color=True)
    assert HOSTILE not in text.write(sample_result(), color=True)


# ---- properties: any repository string ------------------------------------------------------


def _unescape(value: str) -> str:
    return (
        value.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


@settings(max_examples=300, deadline=None)
@given(st.text().filter(lambda v: not UNSAFE.search(v.replace("\n", "").replace("\r", ""))))
def test_github_values_round_trip_and_stay_on_one_line(value):
    line = github.annotation("error", value, file=value, title=value)
    assert "\n" not in line and "\r" not in line
    head, message = line.split("::", 2)[1:]
    assert _unescape(message) == value
    props = dict(p.split("=", 1) for p in head[len("error ") :].split(","))
    assert _unescape(props["file"]) == value and _unescape(props["title"]) == value


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_markdown_cells_never_carry_markup(value):
    for cell in (md_text(value), md_code(value)):
        assert "\n" not in cell and "\r" not in cell and "<" not in cell and ">" not in cell
        assert re.search(r"(?<!\\)\|", cell) is None
    code = md_code(value)
    assert code == "" or (code.startswith("`") and code.endswith("`") and "`" not in code[1:-1])
    assert re.search(r"(?<!\\)[`*_\[\]]", md_text(value)) is None


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_text_output_has_no_control_characters(value):
    out = visible(value)
    assert all(ch == "\t" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F) for ch in out)
    assert not UNSAFE.search(out)


# ---- workflow commands, bidi controls, fences, autolinks: every writer ---------------------------

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
UNSAFE = re.compile(f"[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\u2028\\u2029{BIDI}]")
# a line GitHub Actions runs as a workflow command: `::cmd` after leading whitespace (TrimStart),
# or the legacy `##[cmd]` anywhere in the line (actions/runner ActionCommand.TryParse)
WORKFLOW_COMMAND = re.compile(r"^\s*::|##\[", re.MULTILINE)
FENCE_CLOSER = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*$", re.MULTILINE)
# pieces of the hostile strings: newlines before commands, bidi, ESC, fences, links, mentions
PIECES = st.sampled_from(
    ["\n", "\r", "\r\n", "::", "::error::x", "::add-mask::", "##[error]", "##[stop-commands]t",
     "\n```\n", "```", "~~~", "\u202e", "\u2066", "\x1b[31m", "\x85", "\u2028", "@alice",
     "http://evil.test", "https://x.y/z", "www.evil.test", "mail@evil.test", "#12", " ", "\t", "a"]
)  # fmt: skip
HOSTILE_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=12).map("".join)


def _hostile_result(value: str) -> RunResult:
    finding = replace(
        sample_result().findings[-1], message=value, guidance=value, owner=value, agent=value, rule=value, path=value
    )
    info = replace(
        sample_result().info, warnings=(value,), incomplete=True, incomplete_reasons=(value,),
        skipped_stages=(("semgrep", value),),
    )  # fmt: skip
    return replace(
        sample_result(), findings=(*sample_result().findings, finding), info=info,
        errors=(AnalysisError(value, value),), fixed=(replace(finding, status=Status.FIXED),),
    )  # fmt: skip


def test_sample_text_output_cannot_start_a_workflow_command():
    out = text.write(sample_result(), verbose=True)
    assert not WORKFLOW_COMMAND.search(out), out
    assert "bad\\n::error::pwned" in out  # the newline from the repository is shown, not kept


@settings(max_examples=150, deadline=None)
@given(HOSTILE_TEXT)
def test_text_output_any_repository_string(value):
    out = text.write(_hostile_result(value), verbose=True)
    assert not WORKFLOW_COMMAND.search(out), out
    assert not UNSAFE.search(out.replace("\n", "")), repr(out)
    assert not FENCE_CLOSER.search(out)


def _history(value: str) -> str:
    point = HistoryPoint(1, "2026-01-01T00:00:00Z", value, by_rule={value: 1}, by_origin={"ai": 1}, total=1)
    row = FindingRow(
        1, "fp", value, "contract", "error", "ai", value, value, "new", value, 3, value, "2026-01-01T00:00:00Z"
    )
    return history.write_text([point], [row])


@settings(max_examples=150, deadline=None)
@given(HOSTILE_TEXT)
def test_history_text_stays_inside_its_markdown_fence(value):
    out = _history(value)
    assert not FENCE_CLOSER.search(out), out  # the nightly summary wraps it in ``` ... ```
    assert not WORKFLOW_COMMAND.search(out), out
    assert not UNSAFE.search(out.replace("\n", "")), repr(out)


def test_history_fence_breakout_reproduction():
    out = _history("\n```\n[click](http://evil.test)\n")
    assert not FENCE_CLOSER.search(out) and "\\n```\\n" in out


@settings(max_examples=300, deadline=None)
@given(HOSTILE_TEXT)
def test_github_annotations_carry_no_raw_controls_or_bidi(value):
    out = github.write(_hostile_result(value))
    assert not UNSAFE.search(out.replace("\n", "")), repr(out)
    assert all(line.startswith("::") for line in out.splitlines())


def test_github_escapes_esc_and_right_to_left_override():
    line = github.annotation("error", "a\x1bb\u202ec", file="x\u2066.py")
    assert "\x1b" not in line and "\u202e" not in line and "\u2066" not in line
    assert "a\\x1bb\\u202ec" in line and "file=x\\u2066.py" in line


# what GitHub turns into links or notifications in Markdown text: a scheme URL, a www. URL
# (GFM's extended autolinks), an email address, an @mention, an issue reference
LIVE_LINK = re.compile(r"(?i)[a-z][a-z0-9+.-]*://|www\.|[\w.+-]@[\w-]|(?<![\w`])@[\w-]|(?<![\w&])#\d")


def test_markdown_neutralises_autolinks_and_mentions():
    cell = md_text("see http://evil.test www.evil.test mail@evil.test @alice and #12")
    assert not LIVE_LINK.search(cell), cell
    assert "evil" in cell and "alice" in cell  # still readable
    assert "\u202e" not in md_text("a\u202eb") and "\u202e" not in md_code("a\u202eb")


@settings(max_examples=300, deadline=None)
@given(HOSTILE_TEXT)
def test_markdown_any_repository_string(value):
    cell = md_text(value)
    assert not LIVE_LINK.search(cell), cell
    assert not UNSAFE.search(cell) and not UNSAFE.search(md_code(value))
    out = markdown.write(_hostile_result(value))
    assert not UNSAFE.search(out.replace("\n", "")), repr(out)
    prose = re.sub(r"(?<!\\)`[^`]+`", "", out)  # code spans link and mention nothing
    assert not LIVE_LINK.search(prose), out


def test_cli_stderr_lines_escape_repository_strings(capsys):
    value = "x\n::error::pwned \u202e ##[add-mask]y"
    info = replace(sample_result().info, incomplete=True, incomplete_reasons=(value,))
    exit_status(replace(sample_result(), info=info))
    err = capsys.readouterr().err
    assert not WORKFLOW_COMMAND.search(err) and "\u202e" not in err, err
    assert err.count("\n") == 1
