"""The `shop` project's config most drift tests share: api above domain, one layers contract."""

from __future__ import annotations


def layered_shop(settings: str = "") -> str:
    """pyproject.toml text: `[tool.auditor]` for package `shop` (plus `settings` lines, e.g.
    `packs = []`), layers api and domain, and the `layered` contract between them."""
    extra = f"{settings}\n" if settings else ""
    return (
        f'[tool.auditor]\npackages = ["shop"]\n{extra}'
        '[tool.auditor.layers]\napi = ["shop.api"]\ndomain = ["shop.domain"]\n'
        '[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\nlayers = ["api", "domain"]\n'
    )
