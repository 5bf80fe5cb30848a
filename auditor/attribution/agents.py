"""Which coding agent (if any) a commit's identities, trailers and message name.

The identities live as data in rules/agents.toml (see its header); config can add e-mails,
display-name patterns and trailer keys. Matching is on e-mail first, because display names
carry model names ("Claude Opus 4.5 <noreply@anthropic.com>").
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.config.model import AttributionSettings
from auditor.domain.digest import sha1
from auditor.domain.errors import ConfigError
from auditor.support.bounded import clip
from auditor.support.resources import rules_dir

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_IDENTITY = re.compile(r"^\s*(?P<name>.*?)\s*<(?P<email>[^<>]*)>\s*$")
# a trailer-shaped line: `Key: value` from column 0 (a sentence mentioning a trailer is prose)
_TRAILER_LINE = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9-]*):[ \t]+(?P<value>\S.*?)\s*$", re.MULTILINE)
_MARKER_LEAD = re.compile(r"^[^\w\[(]{0,4}\s*")  # "🤖 Generated with ..." -> "Generated with ..."
_TOOL_PARENS = re.compile(r"^(?P<tool>[^():]+?)\s*\((?P<inside>[^()]*)\)")
_MODEL_KEY = re.compile(r"(?:^|,)\s*model\s*[:=]\s*(?P<model>[^,)]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CommitInfo:
    """What attribution needs to know about one commit (immutable by sha, so cacheable)."""

    sha: str
    author_name: str
    author_email: str
    author_date: str  # ISO 8601
    committer_name: str
    committer_email: str
    trailers: tuple[tuple[str, str], ...]  # (key, value) as git parsed them, unfolded
    message: str

    @property
    def author(self) -> str:
        return f"{self.author_name} <{self.author_email}>"


@dataclass(frozen=True, slots=True)
class AgentMatch:
    """The verdict of commit identity: ai (agent known) or human (a known non-AI bot)."""

    ai: bool
    agent: str | None
    model: str | None
    evidence: str  # e.g. "co-author noreply@anthropic.com", "marker 'Generated with [Claude Code]'"


@dataclass(frozen=True, slots=True)
class _Identity:
    id: str
    emails: frozenset[str]
    email_patterns: tuple[re.Pattern[str], ...]
    names: tuple[re.Pattern[str], ...]
    model_from_name: re.Pattern[str] | None = None
    markers: tuple[str, ...] = ()
    trailer_keys: frozenset[str] = frozenset()
    tools: tuple[str, ...] = ()
    subject_prefixes: tuple[str, ...] = ()
    subject_exclude: tuple[re.Pattern[str], ...] = ()
    committer_only_human: bool = False

    def subject_names_agent(self, subject: str) -> bool:
        """The subject carries this agent's prefix and is not one of its housekeeping subjects."""
        return any(subject.startswith(p) for p in self.subject_prefixes) and not any(
            p.search(subject) for p in self.subject_exclude
        )

    def matches(self, name: str, email: str) -> bool:
        email = email.strip().lower()
        if email and email in self.emails:
            return True
        if email and any(p.search(email) for p in self.email_patterns):
            return True
        return any(p.fullmatch(name.strip()) for p in self.names)

    def model_of(self, name: str) -> str | None:
        if self.model_from_name is None:
            return None
        found = self.model_from_name.match(name.strip())
        return clip(found.group("model").strip()) if found else None


@dataclass(frozen=True, slots=True)
class AgentTable:
    agents: tuple[_Identity, ...]
    not_ai: tuple[_Identity, ...]
    co_author_keys: frozenset[str]
    assisted_keys: frozenset[str]
    _tools: dict[str, str] = field(default_factory=dict)
    _memo: dict[tuple[str, str, bool], _Identity | None] = field(default_factory=dict)

    def _who(self, name: str, email: str, ai: bool) -> _Identity | None:
        """The first agent (ai) or non-AI bot matching the identity; memoised per identity."""
        key = (name, email, ai)
        if key not in self._memo:
            pool = self.agents if ai else self.not_ai
            self._memo[key] = next((i for i in pool if i.matches(name, email)), None)
        return self._memo[key]

    def agent_for_tool(self, tool: str) -> str:
        """Normalise a tool name from git-ai / Agent Trace / Assisted-by to an agent id."""
        key = _MARKER_LEAD.sub("", tool.strip().lower())  # "🤖 Claude Code" -> "claude code"
        if key in self._tools:
            return self._tools[key]
        for alias, agent in sorted(self._tools.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            # "Claude Code v2", "GitHub Copilot Chat"
            if re.match(re.escape(alias) + r"(\b|$)", key):
                return agent
        slug = re.sub(r"[^a-z0-9.]+", "-", key).strip("-")
        return clip(slug) or "unknown-agent"  # a trailer is repository data: bounded in reports

    def classify(self, commit: CommitInfo) -> AgentMatch | None:
        """ai when the author, a trailer-shaped line, the subject or a marker line names an agent;
        human for a known non-AI bot, or for a commit only COMMITTED by an agent whose convention
        says so (aider); None when the commit carries no evidence either way."""
        lines = trailer_lines(commit.message, commit.trailers)
        people = [("author", commit.author_name, commit.author_email)]
        for key, value in lines:
            if key.lower() in self.co_author_keys:
                found = _IDENTITY.match(value)
                if found:
                    people.append(("co-author", found["name"], found["email"]))
        for role, name, email in people:
            agent = self._who(name, email, True)
            if agent is not None:
                return AgentMatch(True, agent.id, agent.model_of(name), f"{role} {email or name}")
        for key, value in lines:
            lowered = key.lower()
            if lowered in self.assisted_keys and value.strip():
                agent_id, model = self._assisted(value)
                return AgentMatch(True, agent_id, model, f"trailer {key}")
            for agent in self.agents:
                if lowered in agent.trailer_keys:
                    return AgentMatch(True, agent.id, None, f"trailer {key}")
        subject = commit.message.split("\n", 1)[0].strip()
        message_lines = [_MARKER_LEAD.sub("", line) for line in commit.message.splitlines()]
        for agent in self.agents:
            if agent.subject_prefixes and agent.subject_names_agent(subject):
                return AgentMatch(True, agent.id, None, f"subject prefix {agent.subject_prefixes[0]!r}")
        for agent in self.agents:
            for marker in agent.markers:
                if any(line.startswith(marker) for line in message_lines):
                    return AgentMatch(True, agent.id, None, f"marker {marker!r}")
        committer = self._who(commit.committer_name, commit.committer_email, True)
        if committer is not None and committer.committer_only_human:
            return AgentMatch(False, None, None, f"committer {committer.id} (committed a person's changes)")
        for role, name, email in (people[0], ("committer", commit.committer_name, commit.committer_email)):
            bot = self._who(name, email, False)
            if bot is not None:
                return AgentMatch(False, None, None, f"{role} {bot.id} (not AI)")
        return None

    def _assisted(self, value: str) -> tuple[str, str | None]:
        """-> (agent, model) for the value of an Assisted-by-like line:
        `Claude:claude-3-opus coccinelle` (Linux kernel), `Cursor (model: GPT-5, mode: agent)`,
        `Cursor`, `GitHub Copilot`."""
        text = value.strip()
        paren = _TOOL_PARENS.match(text)
        if paren:
            found = _MODEL_KEY.search(paren["inside"])
            return self.agent_for_tool(paren["tool"]), clip(found["model"].strip()) if found else None
        head, sep, rest = text.partition(":")
        if sep and head.strip() and rest.strip() and "//" not in rest:
            return self.agent_for_tool(head), clip(rest.split()[0])
        return self.agent_for_tool(text), None


def _patterns(values: Any, where: str) -> tuple[re.Pattern[str], ...]:
    out = []
    for value in _strings(values, where):
        try:
            out.append(re.compile(value, re.IGNORECASE))
        except re.error as exc:
            raise ConfigError(f"invalid regular expression {value!r} in {where}: {exc}") from None
    return tuple(out)


def _strings(values: Any, where: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(values)


def _identity(raw: Mapping[str, Any], where: str) -> _Identity:
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident:
        raise ConfigError(f"{where}: every entry needs a string `id`")
    where = f"{where} {ident}"
    model = raw.get("model_from_name")
    model_re = _patterns([model], f"{where}.model_from_name")[0] if isinstance(model, str) else None
    return _Identity(
        id=ident,
        emails=frozenset(e.lower() for e in _strings(raw.get("emails"), f"{where}.emails")),
        email_patterns=_patterns(raw.get("email_patterns"), f"{where}.email_patterns"),
        names=_patterns(raw.get("names"), f"{where}.names"),
        model_from_name=model_re,
        markers=_strings(raw.get("markers"), f"{where}.markers"),
        trailer_keys=frozenset(k.lower() for k in _strings(raw.get("trailer_keys"), f"{where}.trailer_keys")),
        tools=tuple(t.lower() for t in _strings(raw.get("tools"), f"{where}.tools")),
        subject_prefixes=_strings(raw.get("subject_prefixes"), f"{where}.subject_prefixes"),
        subject_exclude=_patterns(raw.get("subject_exclude"), f"{where}.subject_exclude"),
        committer_only_human=_committer_only(raw.get("committer_only"), where),
    )


def _committer_only(value: Any, where: str) -> bool:
    if value is None:
        return False
    if value != "human":
        raise ConfigError(f"{where}.committer_only: expected \"human\"")
    return True


def table_key(settings: AttributionSettings, table_path: Path | None = None) -> str:
    """What a commit's verdict depends on besides the commit: the table file and the config's
    extra_* settings (a cache key)."""
    path = table_path or rules_dir() / "agents.toml"
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    extras = repr(
        (sorted(settings.extra_ai_emails.items()), sorted(settings.extra_ai_name_patterns.items()),
         sorted(settings.extra_trailer_keys))
    )
    return sha1(data + b"\0" + extras.encode()).hexdigest()


def load_agent_table(settings: AttributionSettings, table_path: Path | None = None) -> AgentTable:
    """The built-in table (rules/agents.toml), extended by the config's extra_* settings."""
    path = table_path or rules_dir() / "agents.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the agent table: {exc}") from None
    agents = [_identity(a, f"{path.name} agents") for a in raw.get("agents", [])]
    not_ai = tuple(_identity(a, f"{path.name} not_ai") for a in raw.get("not_ai", []))
    trailers = raw.get("trailers", {})
    co_author = {k.lower() for k in _strings(trailers.get("co_author"), "trailers.co_author")}
    assisted = {k.lower() for k in _strings(trailers.get("assisted"), "trailers.assisted")}
    assisted |= {k.lower() for k in settings.extra_trailer_keys}
    extra = _extra_identities(settings)
    agents = extra + agents  # config first: it may refine a built-in identity
    tools: dict[str, str] = {}
    for agent in agents:
        tools.setdefault(agent.id.lower(), agent.id)
        for tool in agent.tools:
            tools.setdefault(tool, agent.id)
    return AgentTable(tuple(agents), not_ai, frozenset(co_author), frozenset(assisted), tools)


def check_settings(settings: AttributionSettings) -> None:
    """Raise ConfigError for the config's own agent patterns without loading the built-in
    table (which is loaded only when a committed line needs classifying)."""
    _extra_identities(settings)


def _extra_identities(settings: AttributionSettings) -> list[_Identity]:
    out = []
    for email, agent in sorted(settings.extra_ai_emails.items()):
        out.append(_Identity(agent, frozenset({email.lower()}), (), ()))
    for pattern, agent in sorted(settings.extra_ai_name_patterns.items()):
        names = _patterns([pattern], "attribution.extra_ai_name_patterns")
        out.append(_Identity(agent, frozenset(), (), names))
    return out


def trailer_lines(message: str, parsed: Sequence[tuple[str, str]] = ()) -> tuple[tuple[str, str], ...]:
    """Every trailer-shaped line of the message, wherever it stands (git's own trailer block is
    only the last paragraph; a squash merge lists its co-authors in the body), then `parsed`."""
    found = [(m["key"], m["value"]) for m in _TRAILER_LINE.finditer(message)]
    return tuple(dict.fromkeys([*found, *parsed]))


def parse_trailers(text: str, separator: str = "\x1f") -> tuple[tuple[str, str], ...]:
    """`Key: value` items of git's `%(trailers:only,unfold,separator=...)` output."""
    out = []
    for item in text.split(separator):
        key, sep, value = item.partition(":")
        if sep and key.strip() and " " not in key.strip():
            out.append((key.strip(), value.strip()))
    return tuple(out)


def known_agents(table: AgentTable) -> Sequence[str]:
    return [a.id for a in table.agents]
