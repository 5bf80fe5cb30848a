"""Where a history lives and under which name: URLs vs files, passwords masked, repository identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import GitRepo

from auditor.config.model import AuditorConfig
from auditor.drift.history_store import is_url, redact
from auditor.pipeline.history_target import resolve_history
from auditor.support.git import normalise_remote


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("https://ci:tok3n@GitHub.com/Org/Repo.git", "github.com/Org/Repo"),
        ("git@github.com:Org/Repo.git", "github.com/Org/Repo"),
        ("ssh://git@GITHUB.com:22/Org/Repo/", "github.com/Org/Repo"),
        ("git://example.org/team/svc", "example.org/team/svc"),
        ("https://gitlab.example.com:8443/a/b/c.git", "gitlab.example.com/a/b/c"),
        ("/srv/git/repo.git", "/srv/git/repo"),
    ],
)
def test_a_remote_url_becomes_one_identity(url, identity):
    assert normalise_remote(url) == identity


def test_passwords_are_masked_wherever_a_location_is_shown():
    assert redact("postgresql://ci:s3cr3t@db:5432/h") == "postgresql://ci:***@db:5432/h"
    assert redact("postgres://db/h?password=s3cr3t&sslmode=require") == "postgres://db/h?password=***&sslmode=require"
    assert redact("postgresql://ci@db/h") == "postgresql://ci@db/h"
    assert is_url("postgresql://db/h") and is_url("POSTGRES://db/h") and not is_url(Path("postgresql://x"))
    assert not is_url("history.sqlite")


def test_the_history_location_and_name_come_from_flag_config_remote_or_folder(tmp_path):
    root = tmp_path / "shop"
    repo = GitRepo(root)
    config = AuditorConfig(root=root, history="postgresql://ci@db/h", project="shop-svc")
    assert resolve_history(root, None, config).location == "postgresql://ci@db/h"
    assert resolve_history(root, "other.sqlite", config).location == Path("other.sqlite").absolute()
    assert resolve_history(root, None, AuditorConfig(root=root)).location == root / ".auditor" / "history.sqlite"
    assert resolve_history(root, None, config).repository == "shop-svc"
    assert resolve_history(root, None, AuditorConfig(root=root)).repository == "shop"
    repo.git("remote", "add", "origin", "https://x:y@GitHub.com/Org/Shop.git")
    assert resolve_history(root, None, config).repository == "github.com/Org/Shop"


def test_config_history_and_project_are_read_and_checked(tmp_path):
    from auditor.config import load_config
    from auditor.domain.errors import ConfigError

    (tmp_path / "auditor.toml").write_text('history = "postgresql://ci@db/h"\nproject = "svc"\n')
    config = load_config(tmp_path)
    assert (config.history, config.project) == ("postgresql://ci@db/h", "svc")
    (tmp_path / "auditor.toml").write_text('history = "../elsewhere.sqlite"\n')
    with pytest.raises(ConfigError, match=r"auditor.toml:1.*history path"):
        load_config(tmp_path)


def test_a_url_without_the_postgresql_driver_says_what_to_install(monkeypatch):
    import sys

    from auditor.drift.history import History, HistoryError

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if drift-auditor[postgres] was not installed
    with pytest.raises(HistoryError) as err:
        History("postgresql://ci:s3cr3t@db/h")
    assert "drift-auditor[postgres]" in str(err.value) and "s3cr3t" not in str(err.value)
