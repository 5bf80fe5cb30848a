"""Test-session settings: auditor's default caches go to a folder of this session, not the
user's cache folder (each test project still gets its own folder there, as in real use), and
property tests are repeatable."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

# Property tests run the same examples on every run: a test run must not pass or fail by luck.
# `pytest --hypothesis-profile=explore` (or benchmarks/fuzz_imports.py) searches afresh.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("AUDITOR_HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session", autouse=True)
def _session_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache-home"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    """A throwaway PostgreSQL cluster for this test session (tests/pgserver.py); skipped, with
    the reason, where no server can be had."""
    from pgserver import session_cluster

    with session_cluster() as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster: object, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL of a fresh database on the session's cluster; its password in the environment
    (AUDITOR_HISTORY_PASSWORD), as a CI job would have it, never in the URL."""
    import re

    from pgserver import PASSWORD, create_database

    monkeypatch.setenv("AUDITOR_HISTORY_PASSWORD", PASSWORD)
    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return create_database(pg_cluster, name)  # type: ignore[arg-type]
