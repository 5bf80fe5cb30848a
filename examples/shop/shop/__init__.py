"""shop: a small layered web-shop, the auditor's bundled example (api -> services -> domain -> db)."""

__all__ = ["__version__"]
__version__ = "1.0"
