"""The file suffixes the security stage scans (a module of its own: many runs need only these)."""

PYTHON_SUFFIXES = (".py",)
TEMPLATE_SUFFIXES = (".html", ".jinja", ".jinja2", ".j2")
SUFFIXES = PYTHON_SUFFIXES + TEMPLATE_SUFFIXES
