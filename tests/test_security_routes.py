"""Views and handlers named in ANOTHER file (Django urls.py, aiohttp routes.py) are routes for the
auth rules: the auditor reads the route tables itself (never importing them) and hands the names
to the rules."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from security_project import config, ref, scan

from auditor.domain import RulePackError
from auditor.security.routes import RoutedHandler, routed_handlers
from auditor.security.rulefiles import apply_routed_handlers, load_rule_file

URLS = """\
from django.urls import include, path, re_path
from django.conf.urls import url
from django.contrib.auth import views as auth_views

from . import views
from .pages import export_all, export_mine, ReportView, AuditView
from shop import handlers as h

urlpatterns = [
    path("records/", views.records),
    path("m/", export_mine),
    path("a/", AuditView.as_view()),
    re_path(r"^export/$", export_all),
    url(r"^report/$", ReportView.as_view()),
    path("api/", include("shop.api_urls")),
    path("login/", auth_views.LoginView.as_view()),
    url(r"^old/$", "shop.handlers.legacy"),
    path("h/", h.hook, name="hook"),
    path("kw/", view=views.keyword_view),
]
"""

# none of these look like views to the heuristic (not in a views module, no `request` first,
# no response returned directly): only urls.py says they are
PAGES = """\
from django.http import JsonResponse
from django.views import generic

from .models import Record


def export_all(req):
    rows = Record.objects.all()
    out = JsonResponse([r.pk for r in rows], safe=False)
    return out


def export_mine(req):
    if not req.user.is_authenticated:
        return None
    rows = Record.objects.filter(owner=req.user)
    out = JsonResponse([r.pk for r in rows], safe=False)
    return out


def helper(req):
    return Record.objects.count()


class ReportView(generic.base.ContextMixin):
    def get(self, req):
        return Record.objects.all()


class AuditView(generic.base.ContextMixin):
    def get(self, req):
        if not req.user.is_authenticated:
            raise PermissionDenied
        return Record.objects.all()
"""


def django_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "urls.py").write_text(URLS)
    (root / "shop" / "pages.py").write_text(PAGES)
    (root / "shop" / "views.py").write_text("def records(request):\n    return None\n\ndef keyword_view(request):\n    return None\n")
    (root / "shop" / "handlers.py").write_text("def legacy(request):\n    return None\n\ndef hook(request):\n    return None\n")
    return root


def test_route_names_are_read_from_urls_py_with_their_defining_files(tmp_path: Path) -> None:
    root = django_project(tmp_path)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
    found = routed_handlers(files, lambda p: (root / p).read_bytes())
    assert found.errors == []
    assert {(h.name, h.path) for h in found.handlers} == {
        ("records", "shop/views.py"),
        ("keyword_view", "shop/views.py"),
        ("export_all", "shop/pages.py"),
        ("export_mine", "shop/pages.py"),
        ("ReportView", "shop/pages.py"),
        ("AuditView", "shop/pages.py"),
        ("legacy", "shop/handlers.py"),
        ("hook", "shop/handlers.py"),
        ("LoginView", None),  # django's own: named, but no file of the repository
    }
    # include() chains name no view; the installed package's LoginView is not ours to flag
    assert "LoginView" not in found.names and "include" not in found.names
    assert found.files == ["shop/handlers.py", "shop/pages.py", "shop/views.py"]


def test_aiohttp_route_tables_in_another_file() -> None:
    routes = textwrap.dedent(
        """\
        from aiohttp import web
        from app import views
        from app.admin import purge as wipe

        def setup(app):
            app.router.add_route("GET", "/", views.index)
            app.router.add_post("/purge", wipe)
            app.router.add_route(method="POST", path="/x", handler=views.x)
            app.add_routes([web.get("/a", views.a), web.route("DELETE", "/b", views.b)])
            app.router.add_static("/static", "static")
        """
    )
    files = {"app/routes.py": routes.encode(), "app/views.py": b"", "app/admin.py": b""}
    found = routed_handlers(files, files.get)
    assert sorted((h.name, h.module, h.path) for h in found.handlers) == [
        ("a", "app.views", "app/views.py"),
        ("b", "app.views", "app/views.py"),
        ("index", "app.views", "app/views.py"),
        ("purge", "app.admin", "app/admin.py"),
        ("x", "app.views", "app/views.py"),
    ]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"path('a', v)\n" + b"x = 1\n" * 400_000, "route names not read: over 1,000,000 bytes"),
        (b"path('a', views.a\n", "route names not read: '(' was never closed"),
        (b"path('a', v)\x00\n", "route names not read: source code string cannot contain null bytes"),
        (None, "route names not read: the file cannot be read"),
    ],
)
def test_a_route_file_that_cannot_be_read_is_a_reported_error(data: bytes | None, error: str) -> None:
    found = routed_handlers(["urls.py"], lambda _: data)
    assert found.handlers == [] and [(e.path, e.message) for e in found.errors] == [("urls.py", error)]


def test_odd_encodings_are_decoded_as_python_does() -> None:
    latin = "# -*- coding: latin-1 -*-\nfrom . import vues\n# caf\xe9\nurlpatterns = [path('x', vues.\xe9t\xe9)]\n"
    found = routed_handlers(["a/urls.py"], lambda _: latin.encode("latin-1"))
    assert found.errors == [] and found.handlers == [RoutedHandler("\xe9t\xe9", "a.vues", None, "a/urls.py")]
    bad = routed_handlers(["urls.py"], lambda _: b"path('a', v)\nx = '\xff\xfe'\n")  # not UTF-8
    assert [e.message for e in bad.errors] == [
        "route names not read: (unicode error) 'utf-8' codec can't decode byte 0xff in position 0:"
        " invalid start byte"
    ]


def test_files_without_a_routing_call_are_not_parsed() -> None:
    found = routed_handlers(["big.py"], lambda _: b"x = (" * 10)  # would be a syntax error
    assert found.errors == [] and found.handlers == []


@pytest.mark.slow
def test_views_named_in_urls_py_are_flagged_without_auth_and_not_with_it(tmp_path: Path) -> None:
    root = django_project(tmp_path)
    outcome = scan(root, config(root, ref("route-without-auth.yaml")), tmp_path / "c")
    found = sorted((f.path, f.line) for f in outcome.findings if f.rule == "django-view-without-auth")
    # export_all (function view, reads data, no check) and ReportView (as_view, no mixin/check);
    # not export_mine / AuditView (inline checks), not helper (no route names it), not the
    # views.py/handlers.py stubs (they touch no data)
    assert found == [("shop/pages.py", 7), ("shop/pages.py", 25)]
    assert outcome.errors == []


@pytest.mark.slow
def test_aiohttp_handlers_registered_in_routes_py_are_flagged(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "routes.py").write_text(
        "from app import views\n\ndef setup(app):\n"
        "    app.router.add_route('GET', '/s', views.students)\n"
        "    app.router.add_get('/m', views.mine)\n"
    )
    (root / "app" / "views.py").write_text(
        textwrap.dedent(
            """\
            from aiohttp.web import Response, HTTPForbidden
            from aiohttp_session import get_session


            async def students(request):
                rows = await request.app["db"].execute("select * from students")
                return Response(text=str(rows))


            async def mine(request):
                session = await get_session(request)
                if "user_id" not in session:
                    raise HTTPForbidden()
                rows = await request.app["db"].execute("select 1")
                return Response(text=str(rows))


            async def unrouted(request):
                rows = await request.app["db"].execute("select 2")
                return Response(text=str(rows))
            """
        )
    )
    outcome = scan(root, config(root, ref("route-without-auth.yaml")), tmp_path / "c")
    found = sorted((f.path, f.line) for f in outcome.findings if f.rule == "aiohttp-route-without-auth")
    assert found == [("app/views.py", 5)]


def test_the_rule_gets_the_names_and_the_defining_files() -> None:
    rule = {
        "id": "r",
        "paths": {"include": ["views.py"]},
        "metadata": {"auditor-routed-handlers": "$ROUTED"},
        "patterns": [{"metavariable-regex": {"metavariable": "$ROUTED", "regex": "^$"}}],
    }
    files = {"p/urls.py": b"from p.pages import a\npath('x', a)\n", "p/pages.py": b""}
    found = routed_handlers(files, files.get)
    apply_routed_handlers(rule, found)
    assert rule["patterns"] == [{"metavariable-regex": {"metavariable": "$ROUTED", "regex": r"^(.*\.)?(a)$"}}]
    assert rule["paths"] == {"include": ["views.py", "/p/pages.py"]}
    empty = {**rule, "patterns": [{"metavariable-regex": {"metavariable": "$ROUTED", "regex": "x"}}]}
    apply_routed_handlers(empty, routed_handlers([], lambda _: None))
    assert empty["patterns"] == [{"metavariable-regex": {"metavariable": "$ROUTED", "regex": "^$"}}]


def test_a_routed_handlers_key_that_is_no_metavariable_is_a_pack_error(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text(
        "rules:\n  - id: r\n    message: m\n    severity: INFO\n    languages: [python]\n"
        "    metadata:\n      cwe: ['CWE-306: x']\n      auditor-routed-handlers: ROUTED\n    pattern: f()\n"
    )
    with pytest.raises(RulePackError, match=r"'metadata.auditor-routed-handlers' must be a metavariable"):
        load_rule_file(bad)
