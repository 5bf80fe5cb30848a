"""Repository strings cannot inject workflow commands, markdown/HTML or terminal escapes."""

from __future__ import annotations

import re
from dataclasses import replace

from drift_samples import HOSTILE, sample_result
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.domain import Severity, Status
from auditor.report.writers import github, markdown, text
from auditor.report.writers.github import escape_data, escape_property
from auditor.report.writers.markdown import md_code, md_text


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
    assert "\\[l\\]\\(http://e\\)" in row and "\\*b\\*" in row and "\\_i\\_" in row
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
@given(st.text())
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
    out = text.plain(value)
    assert all(ch in "\n\t" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F) for ch in out)
