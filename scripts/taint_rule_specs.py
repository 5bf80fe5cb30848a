"""The taint-mode rules of the built-in security pack: what each one finds, its own sources,
sanitisers and sinks. scripts/build_taint_rules.py adds the shared request-data sources and writes
rules/python-security/<file>.yaml. Sinks are YAML list items indented for `pattern-sinks:`."""

from __future__ import annotations

from dataclasses import dataclass

INJECTION = "A03:2021 - Injection"


@dataclass(frozen=True)
class RuleSpec:
    id: str
    file: str
    message: str
    cwe: str
    owasp: str
    confidence: str
    what: str
    why: str
    example: str
    instead: str
    sinks: str
    sources: str = ""
    sanitizers: str = ""
    severity: str = "ERROR"


def function_params_source(label: str) -> str:
    """A taint source: the parameters of the enclosing function (not self/cls)."""
    return f"""      - label: {label}
        patterns:
          - pattern-either:
              - pattern-inside: |
                  def $FUNC(..., $PARAM, ...):
                    ...
              - pattern-inside: |
                  async def $FUNC(..., $PARAM, ...):
                    ...
          - focus-metavariable: $PARAM
          - metavariable-regex:
              metavariable: $PARAM
              regex: ^(?!(self|cls)\\b)
"""


def written_into_file_sink(requires: str, extension_regex: str) -> str:
    """A taint sink: data written (f.write) into a file opened for writing at a path whose text
    names a file with one of the extensions, directly or through a variable set first."""
    return f"""      - requires: {requires}
        patterns:
          - pattern-either:
              - pattern-inside: |
                  $PATH = $WHERE
                  ...
                  $F = open($PATH, ...)
                  ...
              - pattern-inside: |
                  $F = open($WHERE, ...)
                  ...
              - pattern-inside: |
                  $PATH = $WHERE
                  ...
                  with open($PATH, ...) as $F:
                    ...
              - pattern-inside: |
                  with open($WHERE, ...) as $F:
                    ...
          - pattern: $F.write($DATA)
          - metavariable-pattern:
              metavariable: $WHERE
              pattern-regex: {extension_regex}
          - focus-metavariable: $DATA
"""


# A value spliced into SQL text where a value belongs: after a comparison, LIKE or VALUES (, or
# inside quotes. Identifiers (table and column names, as ORMs and migrations build them) are not.
SQL_VALUE_SLOT = (
    r"(?is)\b(select|insert|update|delete)\b.*("
    r"(?<!%s)(?<!%s )(=|<|>|\blike|\bvalues\s*\()\s*('%?)?(%s|%\(\w+\)s|\{[^}]*\})"
    r"|'%?(%s|%\(\w+\)s|\{[^}]*\})%?'"
    r")"
)
# semgrep matches an f-string's regex on text without its {...} parts, so here the statement's
# shape is the signal: a WHERE, VALUES or SET clause (and, unlike % and .format, an f-string source
# cannot also require that a parameter or request value is in it: semgrep then never matches it).
SQL_IN_FSTRING = r"(?is)\b(select|insert|update|delete)\b.*\b(where|values|set)\b"
SQL_VALUE_SLOT_AT_END = r"(?is)\b(select|insert|update|delete)\b.*(=|<|>|\blike|\bvalues\s*\(|\bin\s*\()\s*'?%?$"

SQL = RuleSpec(
    id="sql-injection",
    file="sql-injection",
    message=(
        "Request data or a value formatted into SQL text reaches a database call as part of the "
        "query. Keep the SQL constant and pass the values as query parameters."
    ),
    cwe="CWE-89: Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')",
    owasp=INJECTION,
    confidence="HIGH",
    what=(
        "SQL text that carries request data (Flask, Django, FastAPI/Starlette, aiohttp) or a value "
        "spliced in with an f-string, %, + or .format where SQL expects a value (after =, LIKE, "
        "VALUES (, or inside quotes), passed to DB-API execute/executemany/executescript, Django "
        "raw/extra/RawSQL, SQLAlchemy text()/exec_driver_sql, or pandas.read_sql, directly or "
        "through variables first."
    ),
    why=(
        "Whoever controls the value controls the statement: a quote ends the string and the rest "
        "runs as SQL, so one field can read every table, log in as anyone or delete data."
    ),
    example="""
q = "SELECT * FROM users WHERE name = '%s'" % request.args["name"]
cursor.execute(q)
""",
    instead=(
        "Write placeholders and pass the values separately: cursor.execute(\"SELECT * FROM users "
        "WHERE name = %s\", (name,)), text(\"... WHERE id = :id\").bindparams(id=value), or the "
        "ORM's filter(). Table or column names chosen by users go through an allow-list."
    ),
    sources=rf"""
{function_params_source("PARAM")}      - label: SQLTEXT
        requires: PARAM or USER
        patterns:
          - pattern-either:
              - patterns:
                  - pattern-either:
                      - pattern: '"$SQL" % (..., $VALUE, ...)'
                      - pattern: '"$SQL" % {{..., $KEY: $VALUE, ...}}'
                      - patterns:
                          - pattern: '"$SQL" % $VALUE'
                          - metavariable-regex:
                              metavariable: $VALUE
                              regex: ^[^({{]
                      - pattern: '"$SQL".format(..., $VALUE, ...)'
                  - metavariable-regex:
                      metavariable: $SQL
                      regex: {SQL_VALUE_SLOT}
              - patterns:
                  - pattern: '"$SQL" + $VALUE'
                  - metavariable-regex:
                      metavariable: $SQL
                      regex: {SQL_VALUE_SLOT_AT_END}
      - label: SQLTEXT
        patterns:
          - pattern: f"..."
          - pattern: $SQL
          - metavariable-regex:
              metavariable: $SQL
              regex: {SQL_IN_FSTRING}
""",
    sanitizers="""
      - pattern-either:
          - pattern: $OPS.quote_name(...)
          - pattern: quote_name(...)
          - pattern: $CONN.escape_string(...)
          - pattern: $CONN.literal(...)
          - pattern: psycopg2.sql.Identifier(...)
          - pattern: psycopg2.sql.Literal(...)
          - pattern: psycopg.sql.Identifier(...)
          - pattern: psycopg.sql.Literal(...)
""",
    sinks="""
      - requires: USER or SQLTEXT
        patterns:
          - pattern-either:
              - pattern: $CURSOR.execute($QUERY, ...)
              - pattern: $CURSOR.executemany($QUERY, ...)
              - pattern: $CURSOR.executescript($QUERY, ...)
              - pattern: $ENGINE.exec_driver_sql($QUERY, ...)
              - pattern: $MODEL.objects.raw($QUERY, ...)
              - pattern: $QUERYSET.raw($QUERY, ...)
              - pattern: django.db.models.expressions.RawSQL($QUERY, ...)
              - pattern: django.db.models.RawSQL($QUERY, ...)
              - pattern: sqlalchemy.text($QUERY, ...)
              - pattern: sqlalchemy.sql.text($QUERY, ...)
              - pattern: pandas.read_sql($QUERY, ...)
              - pattern: pandas.read_sql_query($QUERY, ...)
          - focus-metavariable: $QUERY
      - requires: USER or SQLTEXT
        patterns:
          - pattern-either:
              - pattern: $QUERYSET.extra(..., $PART, ...)
              - pattern: $QUERYSET.extra(..., $KEYWORD=$PART, ...)
          - focus-metavariable: $PART
""",
)

SHELL_STRING = r"""
      - label: BUILT
        patterns:
          - pattern-either:
              - pattern: '"$CMD" % $VALUE'
              - pattern: '"$CMD".format(..., $VALUE, ...)'
              - pattern: '"$CMD" + $VALUE'
              - pattern: '$VALUE + "$CMD"'
              - pattern: f"...{$VALUE}..."
          - focus-metavariable: $VALUE
          - pattern-not: '"..."'
"""

# The parameters of the enclosing function (not self/cls): a wrapper that hands its argument to a
# shell or to eval runs whatever its callers pass.
CALLER_PARAMS = "\n" + function_params_source("CALLER")

COMMAND = RuleSpec(
    id="command-injection",
    file="command-injection",
    message=(
        "A shell command carries request data or a value formatted into its text. Pass an argument "
        "list to subprocess without shell=True, or quote each value with shlex.quote."
    ),
    cwe="CWE-78: Improper Neutralization of Special Elements used in an OS Command ('OS Command Injection')",
    owasp=INJECTION,
    confidence="HIGH",
    what=(
        "A command string built with an f-string, %, + or .format from a non-constant value, or "
        "holding request data, run through a shell: subprocess with shell=True, os.system, "
        "os.popen, subprocess.getoutput, asyncio.create_subprocess_shell, `sh -c`; and request data "
        "used as the program or arguments of any subprocess call. A constant command with "
        "shell=True is not reported."
    ),
    why=(
        "The shell reads ; | & $( ) and backticks in the value as syntax, so a host name such as "
        "`x; rm -rf ~` runs a second command with the server's rights."
    ),
    example="""
host = request.args["host"]
subprocess.run(f"ping -c 1 {host}", shell=True)
""",
    instead=(
        "subprocess.run([\"ping\", \"-c\", \"1\", host], check=True) with shell left False, after "
        "checking the value against what is allowed (a host name pattern, an allow-list); when a "
        "shell is unavoidable, build the string with shlex.quote(value) for every value."
    ),
    sources=SHELL_STRING + CALLER_PARAMS,
    sanitizers="""
      - pattern-either:
          - pattern: shlex.quote(...)
          - pattern: pipes.quote(...)
          - pattern: shlex.join(...)
""",
    sinks=r"""
      - requires: USER or BUILT or CALLER
        patterns:
          - pattern-either:
              - pattern: subprocess.$FUNC($CMD, ..., shell=True, ...)
              - pattern: os.system($CMD)
              - pattern: os.popen($CMD, ...)
              - pattern: os.popen2($CMD, ...)
              - pattern: os.popen3($CMD, ...)
              - pattern: commands.getoutput($CMD)
              - pattern: commands.getstatusoutput($CMD)
              - pattern: subprocess.getoutput($CMD, ...)
              - pattern: subprocess.getstatusoutput($CMD, ...)
              - pattern: asyncio.create_subprocess_shell($CMD, ...)
              - pattern: subprocess.$FUNC([$SHELL, "-c", $CMD, ...], ...)
          - focus-metavariable: $CMD
      - requires: USER
        patterns:
          - pattern-either:
              - patterns:
                  - pattern-either:
                      - pattern: subprocess.$FUNC([$CMD, ...], ...)
                      - patterns:
                          - pattern: subprocess.$FUNC($CMD, ...)
                          - metavariable-regex:
                              metavariable: $CMD
                              regex: ^[^\[(]
                  - metavariable-regex:
                      metavariable: $FUNC
                      regex: ^(run|call|check_call|check_output|Popen)$
              - pattern: asyncio.create_subprocess_exec($CMD, ...)
              - patterns:
                  - pattern: os.$FUNC($CMD, ...)
                  - metavariable-regex:
                      metavariable: $FUNC
                      regex: ^(exec|spawn)[lv]p?e?$
          - focus-metavariable: $CMD
""",
)

CODE = RuleSpec(
    id="code-injection",
    file="code-injection",
    message=(
        "eval/exec/compile runs text that comes from the caller or the request. Parse data with "
        "json or ast.literal_eval, or dispatch through a mapping of allowed operations."
    ),
    cwe="CWE-95: Improper Neutralization of Directives in Dynamically Evaluated Code ('Eval Injection')",
    owasp=INJECTION,
    confidence="HIGH",
    what=(
        "eval, exec, compile (and PIL's ImageMath.eval) given request data, a parameter of the "
        "enclosing function, or text formatted from a non-constant value; and request data "
        "written into a Python source file (a path naming a .py file), which the application "
        "imports or runs later. Code read from a file the program chose (a config or startup "
        "script) and literal code are not reported."
    ),
    why=(
        "The text runs as Python in this process: `__import__('os').system(...)` in a calculator "
        "field gives the caller a shell with the application's rights and secrets."
    ),
    example="""
def calculate(expression):
    return eval(expression)
""",
    instead=(
        "ast.literal_eval for Python literals, json.loads for data, a small parser or "
        "operator-module mapping for arithmetic (`OPS[op](a, b)`); never a sandboxed eval."
    ),
    sources=CALLER_PARAMS + SHELL_STRING.replace("BUILT", "CALLER"),
    sanitizers="""
      - pattern: open(...)
""",
    sinks=r"""
      - requires: USER or CALLER
        patterns:
          - pattern-either:
              - pattern: eval($CODE, ...)
              - pattern: exec($CODE, ...)
              - pattern: compile($CODE, ...)
              - pattern: builtins.eval($CODE, ...)
              - pattern: builtins.exec($CODE, ...)
              - pattern: PIL.ImageMath.eval($CODE, ...)
              - pattern: PIL.ImageMath.unsafe_eval($CODE, ...)
          - metavariable-regex:
              metavariable: $CODE
              regex: ^(?!compile\()
          - focus-metavariable: $CODE
"""
    + written_into_file_sink("USER", r"""\.pyw?["']"""),
)

DESERIALIZATION = RuleSpec(
    id="unsafe-deserialization",
    file="deserialization",
    message=(
        "Data from the request reaches pickle/marshal/dill/shelve/jsonpickle, or yaml.load runs "
        "without a safe loader: loading it can run code. Use json or yaml.safe_load."
    ),
    cwe="CWE-502: Deserialization of Untrusted Data",
    owasp="A08:2021 - Software and Data Integrity Failures",
    confidence="HIGH",
    what=(
        "pickle, cPickle, dill, marshal, shelve, jsonpickle and pandas.read_pickle loading request "
        "data (a cookie, a form field, an upload, also after base64 decoding); and every "
        "yaml.load/load_all/unsafe_load whose Loader is not SafeLoader, CSafeLoader or BaseLoader, "
        "wherever its input comes from."
    ),
    why=(
        "A pickle (or a YAML `!!python/object` tag) names callables to run while loading, so "
        "whoever writes the bytes runs code on the server before any check on the result."
    ),
    example="""
token = base64.b64decode(request.COOKIES["session"])
user = pickle.loads(token)
""",
    instead=(
        "json.loads (or a schema library) for data from outside; yaml.safe_load for YAML; if an "
        "object must round-trip through a client, sign it (django.core.signing, itsdangerous) and "
        "store only plain data in it."
    ),
    sources="""
      - label: YAML
        patterns:
          - pattern-either:
              - pattern: yaml.load($DATA, ...)
              - pattern: yaml.load_all($DATA, ...)
              - pattern: yaml.unsafe_load($DATA, ...)
              - pattern: yaml.unsafe_load_all($DATA, ...)
              - pattern: yaml.full_load($DATA, ...)
          - pattern-not: yaml.$LOAD(..., Loader=yaml.SafeLoader, ...)
          - pattern-not: yaml.$LOAD(..., Loader=yaml.CSafeLoader, ...)
          - pattern-not: yaml.$LOAD(..., Loader=yaml.BaseLoader, ...)
          - pattern-not: yaml.$LOAD(..., Loader=SafeLoader, ...)
          - pattern-not: yaml.$LOAD(..., Loader=CSafeLoader, ...)
          - pattern-not: yaml.$LOAD(..., Loader=BaseLoader, ...)
          - pattern-not: yaml.$LOAD($DATA, yaml.SafeLoader)
          - pattern-not: yaml.$LOAD($DATA, yaml.CSafeLoader)
          - pattern-not: yaml.$LOAD($DATA, SafeLoader)
          - pattern-not: yaml.$LOAD($DATA, CSafeLoader)
          - focus-metavariable: $DATA
""",
    sinks="""
      - requires: USER
        patterns:
          - pattern-either:
              - pattern: pickle.loads($DATA, ...)
              - pattern: pickle.load($DATA, ...)
              - pattern: pickle.Unpickler($DATA, ...)
              - pattern: _pickle.loads($DATA, ...)
              - pattern: cPickle.loads($DATA, ...)
              - pattern: cPickle.load($DATA, ...)
              - pattern: dill.loads($DATA, ...)
              - pattern: dill.load($DATA, ...)
              - pattern: marshal.loads($DATA, ...)
              - pattern: marshal.load($DATA, ...)
              - pattern: shelve.open($DATA, ...)
              - pattern: jsonpickle.decode($DATA, ...)
              - pattern: pandas.read_pickle($DATA, ...)
              - pattern: yaml.load($DATA, ...)
              - pattern: yaml.load_all($DATA, ...)
              - pattern: yaml.unsafe_load($DATA, ...)
              - pattern: yaml.full_load($DATA, ...)
          - focus-metavariable: $DATA
          - pattern-not-inside: yaml.$LOAD(..., Loader=yaml.SafeLoader, ...)
          - pattern-not-inside: yaml.$LOAD(..., Loader=SafeLoader, ...)
          - pattern-not-inside: yaml.$LOAD($X, yaml.SafeLoader)
          - pattern-not-inside: yaml.$LOAD($X, SafeLoader)
      - requires: YAML
        patterns:
          - pattern-either:
              - pattern: yaml.load($DATA, ...)
              - pattern: yaml.load_all($DATA, ...)
              - pattern: yaml.unsafe_load($DATA, ...)
              - pattern: yaml.unsafe_load_all($DATA, ...)
              - pattern: yaml.full_load($DATA, ...)
          - focus-metavariable: $DATA
""",
)

PATH = RuleSpec(
    id="path-traversal",
    file="path-traversal",
    message=(
        "A file path built from request data is opened, sent or deleted. Reduce the name with "
        "secure_filename/os.path.basename or check that the resolved path stays inside its folder."
    ),
    cwe="CWE-22: Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')",
    owasp="A01:2021 - Broken Access Control",
    confidence="HIGH",
    what=(
        "Request data (also through os.path.join or pathlib) reaching open/io.open/codecs.open, "
        "pathlib.Path(...).open/read_*/write_*, Flask send_file and send_from_directory's folder, "
        "Django/Starlette/aiohttp FileResponse, an upload's save(path), os.remove/unlink/rmdir and "
        "shutil copy/move/rmtree."
    ),
    why=(
        "`../` segments or an absolute path (os.path.join drops everything before it) leave the "
        "intended folder: the caller reads settings, keys and /etc files, or overwrites code."
    ),
    example="""
name = request.args["file"]
return send_file(os.path.join("reports", name))
""",
    instead=(
        "Take only a base name (werkzeug's secure_filename, os.path.basename) or an id you map "
        "to a path; or resolve the joined path and check it is_relative_to the base folder "
        "(werkzeug safe_join, send_from_directory with a constant folder)."
    ),
    sanitizers="""
      - pattern-either:
          - pattern: werkzeug.utils.secure_filename(...)
          - pattern: secure_filename(...)
          - pattern: os.path.basename(...)
          - pattern: werkzeug.utils.safe_join(...)
          - pattern: werkzeug.security.safe_join(...)
          - pattern: flask.safe_join(...)
          - pattern: django.utils._os.safe_join(...)
""",
    sinks="""
      - requires: USER
        patterns:
          - pattern-either:
              - pattern: open($PATH, ...)
              - pattern: io.open($PATH, ...)
              - pattern: codecs.open($PATH, ...)
              - pattern: os.open($PATH, ...)
              - pattern: flask.send_file($PATH, ...)
              - pattern: flask.send_from_directory($PATH, ...)
              - pattern: django.http.FileResponse($PATH, ...)
              - pattern: starlette.responses.FileResponse($PATH, ...)
              - pattern: fastapi.responses.FileResponse($PATH, ...)
              - pattern: aiohttp.web.FileResponse($PATH, ...)
              - pattern: os.remove($PATH, ...)
              - pattern: os.unlink($PATH, ...)
              - pattern: os.rmdir($PATH, ...)
              - pattern: os.removedirs($PATH, ...)
              - pattern: shutil.rmtree($PATH, ...)
              - pattern: shutil.copy($SRC, $PATH, ...)
              - pattern: shutil.copyfile($SRC, $PATH, ...)
              - pattern: shutil.move($SRC, $PATH, ...)
              - pattern: $UPLOAD.save($PATH, ...)
              - pattern: pathlib.Path($PATH).$ACCESS(...)
              - pattern: pathlib.Path($BASE, $PATH).$ACCESS(...)
          - focus-metavariable: $PATH
          - pattern-not: '"..."'
""",
)

SSRF = RuleSpec(
    id="ssrf",
    file="ssrf",
    message=(
        "An outbound request goes to a URL taken from the request. Fix the host, or check the URL's "
        "scheme and host against an allow-list before fetching it."
    ),
    cwe="CWE-918: Server-Side Request Forgery (SSRF)",
    owasp="A10:2021 - Server-Side Request Forgery (SSRF)",
    confidence="HIGH",
    what=(
        "Request data used as the URL (or host) of requests, httpx, urllib.request.urlopen/Request, "
        "aiohttp ClientSession calls or http.client connections. A URL whose scheme and host are "
        "literal, with only the path or query from the request, is not reported."
    ),
    why=(
        "The server fetches what the caller names: cloud metadata endpoints "
        "(169.254.169.254), admin ports on localhost and internal services that trust the "
        "server's network position, and file:// URLs with urllib."
    ),
    example="""
url = request.GET["url"]
return HttpResponse(requests.get(url).content)
""",
    instead=(
        "Keep the scheme and host in code and take only an id or path from the request; when "
        "users must give URLs, parse them, allow only https and hosts from a list, and resolve "
        "the host to refuse private and link-local addresses."
    ),
    sanitizers=r"""
      - patterns:
          - pattern-either:
              - pattern: $LEFT + $RIGHT
              - pattern: $LEFT % $RIGHT
              - pattern: $LEFT.format(...)
              - pattern: f"..."
          - pattern: $WHOLE
          - metavariable-regex:
              metavariable: $WHOLE
              regex: ^f?["'][a-zA-Z][a-zA-Z0-9+.-]*://[^/{}%]+/
""",
    sinks="""
      - requires: USER
        patterns:
          - pattern-either:
              - patterns:
                  - pattern-either:
                      - pattern: requests.$METHOD($URL, ...)
                      - pattern: httpx.$METHOD($URL, ...)
                  - metavariable-regex:
                      metavariable: $METHOD
                      regex: ^(get|post|put|patch|delete|head|options|stream)$
              - pattern: requests.request($VERB, $URL, ...)
              - pattern: httpx.request($VERB, $URL, ...)
              - pattern: urllib.request.urlopen($URL, ...)
              - pattern: urllib.request.Request($URL, ...)
              - pattern: urllib2.urlopen($URL, ...)
              - pattern: http.client.HTTPConnection($URL, ...)
              - pattern: http.client.HTTPSConnection($URL, ...)
              - patterns:
                  - pattern-either:
                      - pattern-inside: |
                          async with aiohttp.ClientSession(...) as $SESSION:
                            ...
                      - pattern-inside: |
                          $SESSION = aiohttp.ClientSession(...)
                          ...
                      - pattern-inside: |
                          with requests.Session() as $SESSION:
                            ...
                      - pattern-inside: |
                          $SESSION = requests.Session()
                          ...
                      - pattern-inside: |
                          with httpx.Client(...) as $SESSION:
                            ...
                      - pattern-inside: |
                          async with httpx.AsyncClient(...) as $SESSION:
                            ...
                  - pattern: $SESSION.$METHOD($URL, ...)
                  - metavariable-regex:
                      metavariable: $METHOD
                      regex: ^(get|post|put|patch|delete|head|options|request|stream)$
          - focus-metavariable: $URL
      - requires: USER
        patterns:
          - pattern-either:
              - pattern: requests.$METHOD(..., url=$URL, ...)
              - pattern: httpx.$METHOD(..., url=$URL, ...)
          - focus-metavariable: $URL
""",
)

def request_attribute_source(label: str, attributes: str) -> str:
    """A taint source: an attribute of Flask's `request` or of a request object named
    request/req (also `self.request`), the attribute's name matching the regex `attributes`."""
    return rf"""
      - label: {label}
        patterns:
          - pattern-either:
              - pattern: flask.request.$ATTR
              - patterns:
                  - pattern: $REQ.$ATTR
                  - metavariable-regex:
                      metavariable: $REQ
                      regex: ^(self\.)?(request|req)$
          - metavariable-regex:
              metavariable: $ATTR
              regex: ^({attributes})$
"""


# The request's own URL: reflected into a page or a template it is the caller's text too (it is not
# a source for redirects, where sending a user back to the URL they asked for is the normal case).
URL_SOURCES = request_attribute_source("URL", "url|full_path|path|base_url|path_info|get_full_path")

TEMPLATE = RuleSpec(
    id="template-injection",
    file="template-injection",
    message=(
        "Request data becomes the text of a template (render_template_string, Template(...), "
        "from_string). Keep templates constant and pass user values as context variables."
    ),
    cwe="CWE-1336: Improper Neutralization of Special Elements Used in a Template Engine",
    owasp=INJECTION,
    confidence="HIGH",
    what=(
        "Request data in the template source given to Flask render_template_string, "
        "jinja2.Template, Environment.from_string, Django Template/engines.from_string or "
        "mako Template: the template text itself, not a context value; and request data written "
        "into a template file (a path naming an .html, .jinja, .jinja2, .j2 or .tpl file) that "
        "the application renders later."
    ),
    why=(
        "Template syntax runs on the server: `{{ config }}` leaks secrets and "
        "`{{ ''.__class__.__mro__[1].__subclasses__() }}` reaches os.popen, so server-side "
        "template injection is remote code execution."
    ),
    example="""
name = request.args.get("name")
return render_template_string(f"<h1>Hello {name}</h1>")
""",
    instead=(
        "render_template_string(\"<h1>Hello {{ name }}</h1>\", name=name) or a template file: "
        "the template is a constant and the value arrives as context, escaped by autoescape."
    ),
    sources=URL_SOURCES,
    sinks="""
      - requires: USER or URL
        patterns:
          - pattern-either:
              - pattern: flask.render_template_string($SOURCE, ...)
              - pattern: jinja2.Template($SOURCE, ...)
              - pattern: jinja2.Environment(...).from_string($SOURCE, ...)
              - pattern: $ENV.from_string($SOURCE, ...)
              - pattern: django.template.Template($SOURCE, ...)
              - pattern: django.template.engines[$NAME].from_string($SOURCE)
              - pattern: mako.template.Template($SOURCE, ...)
              - pattern: tornado.template.Template($SOURCE, ...)
          - focus-metavariable: $SOURCE
"""
    + written_into_file_sink("USER", r"""\.(html?|jinja2?|j2|tpl)["']"""),
)

HTML_ESCAPES = """
      - pattern-either:
          - pattern: html.escape(...)
          - pattern: markupsafe.escape(...)
          - pattern: flask.escape(...)
          - pattern: django.utils.html.escape(...)
          - pattern: django.utils.html.conditional_escape(...)
          - pattern: django.utils.html.strip_tags(...)
          - pattern: cgi.escape(...)
          - pattern: xml.sax.saxutils.escape(...)
          - pattern: bleach.clean(...)
          - pattern: json.dumps(...)
          - pattern: flask.jsonify(...)
          - pattern: flask.render_template(...)
          - pattern: django.shortcuts.render(...)
          - pattern: django.template.loader.render_to_string(...)
          - pattern: flask.redirect(...)
          - pattern: flask.url_for(...)
          - pattern: flask.abort(...)
          - pattern: urllib.parse.quote(...)
"""

XSS = RuleSpec(
    id="xss-html-response",
    file="xss-html-response",
    message=(
        "Request data is written into an HTML response or marked safe without escaping. Render it "
        "through an autoescaping template, or escape it (html.escape, django escape) first."
    ),
    cwe="CWE-79: Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
    owasp=INJECTION,
    confidence="MEDIUM",
    what=(
        "Request data reaching Django HttpResponse, Flask make_response/Response, a string "
        "returned from a Flask view, Starlette/FastAPI HTMLResponse, aiohttp web.Response with "
        "an HTML content type, or mark_safe/Markup/SafeString/format_html's format string: "
        "places that send text as HTML without autoescaping. Responses with a non-HTML "
        "content type, JSON and rendered templates are not reported."
    ),
    why=(
        "The browser runs a `<script>` the value carries in the site's origin: it reads the "
        "session, acts as the user and rewrites the page (reflected or stored XSS)."
    ),
    example="""
name = request.GET.get("name", "")
return HttpResponse("<p>Hello " + name + "</p>")
""",
    instead=(
        "render(request, \"hello.html\", {\"name\": name}) with autoescaping on; for a short "
        "fragment format_html(\"<p>Hello {}</p>\", name); escape() before Markup/mark_safe, "
        "never mark user text safe."
    ),
    sources=URL_SOURCES,
    sanitizers=HTML_ESCAPES,
    sinks="""
      - requires: USER or URL
        patterns:
          - pattern-either:
              - patterns:
                  - pattern-either:
                      - pattern: django.http.HttpResponse($BODY, ...)
                      - pattern: flask.make_response($BODY, ...)
                      - pattern: flask.Response($BODY, ...)
                      - pattern: werkzeug.wrappers.Response($BODY, ...)
                  - pattern-not: $RESPONSE($BODY, ..., content_type=$TYPE, ...)
                  - pattern-not: $RESPONSE($BODY, ..., mimetype=$TYPE, ...)
                  - pattern-not: django.http.HttpResponse($BODY, $TYPE, ...)
              - patterns:
                  - pattern-either:
                      - pattern: django.http.HttpResponse($BODY, ..., content_type="$TYPE", ...)
                      - pattern: flask.Response($BODY, ..., mimetype="$TYPE", ...)
                      - pattern: flask.Response($BODY, ..., content_type="$TYPE", ...)
                      - pattern: aiohttp.web.Response(..., text=$BODY, ..., content_type="$TYPE", ...)
                      - pattern: aiohttp.web.Response(..., body=$BODY, ..., content_type="$TYPE", ...)
                  - metavariable-regex:
                      metavariable: $TYPE
                      regex: html
              - pattern: starlette.responses.HTMLResponse($BODY, ...)
              - pattern: fastapi.responses.HTMLResponse($BODY, ...)
              - pattern: django.utils.safestring.mark_safe($BODY)
              - pattern: django.utils.safestring.SafeString($BODY)
              - pattern: django.utils.html.format_html($BODY, ...)
              - pattern: markupsafe.Markup($BODY)
              - pattern: flask.Markup($BODY)
              - pattern: jinja2.Markup($BODY)
              - patterns:
                  - pattern-inside: |
                      @$APP.route(...)
                      def $VIEW(...):
                        ...
                  - pattern-either:
                      - pattern: return $BODY
                      - pattern: return $BODY, $STATUS
                  - metavariable-pattern:
                      metavariable: $BODY
                      pattern-either:
                        - pattern: $LEFT + $RIGHT
                        - pattern: $LEFT % $RIGHT
                        - pattern: $LEFT.format(...)
                        - pattern: f"..."
                        - pattern: $SEP.join(...)
          - focus-metavariable: $BODY
""",
)

REDIRECT = RuleSpec(
    id="open-redirect",
    file="open-redirect",
    message=(
        "A redirect goes to a URL taken from the request. Check it with "
        "url_has_allowed_host_and_scheme (or redirect to a named route) before using it."
    ),
    cwe="CWE-601: URL Redirection to Untrusted Site ('Open Redirect')",
    owasp="A01:2021 - Broken Access Control",
    confidence="HIGH",
    what=(
        "Request data (a `next` parameter, a Referer header) used as the target of Flask/Django "
        "redirect, HttpResponseRedirect, HttpResponsePermanentRedirect, Starlette RedirectResponse "
        "or aiohttp's HTTPFound/HTTPSeeOther/... A target that starts with a fixed path "
        "(`/items/` + id) or a fixed host, or that passed url_has_allowed_host_and_scheme, is "
        "not reported."
    ),
    why=(
        "A link on the trusted domain sends users to the attacker's page (phishing that copies "
        "the login form), and OAuth/SSO flows leak tokens to it."
    ),
    example="""
next_url = request.args.get("next", "/")
return redirect(next_url)
""",
    instead=(
        "if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, "
        "require_https=request.is_secure()): return redirect(next_url); otherwise redirect to a "
        "default, or accept a route name and redirect(url_for(name))."
    ),
    sanitizers=r"""
      - pattern-either:
          - pattern: flask.url_for(...)
          - pattern: django.urls.reverse(...)
          - pattern: django.shortcuts.resolve_url(...)
      - by-side-effect: true
        patterns:
          - pattern-either:
              - pattern: django.utils.http.url_has_allowed_host_and_scheme($URL, ...)
              - pattern: django.utils.http.url_has_allowed_host_and_scheme(url=$URL, ...)
              - pattern: django.utils.http.is_safe_url($URL, ...)
              - pattern: django.utils.http.is_safe_url(url=$URL, ...)
              - pattern: url_has_allowed_host_and_scheme($URL, ...)
              - pattern: is_safe_url($URL, ...)
          - focus-metavariable: $URL
      - patterns:
          - pattern-either:
              - pattern: $LEFT + $RIGHT
              - pattern: $LEFT % $RIGHT
              - pattern: $LEFT.format(...)
              - pattern: f"..."
          - pattern: $WHOLE
          - metavariable-regex:
              metavariable: $WHOLE
              regex: ^f?["'](/[^/\\{]|[a-zA-Z][a-zA-Z0-9+.-]*://[^/{}%]+/|[A-Za-z0-9_.-]+/)
""",
    sinks="""
      - requires: USER
        patterns:
          - pattern-either:
              - pattern: flask.redirect($URL, ...)
              - pattern: werkzeug.utils.redirect($URL, ...)
              - pattern: django.shortcuts.redirect($URL, ...)
              - pattern: django.http.HttpResponseRedirect($URL, ...)
              - pattern: django.http.HttpResponsePermanentRedirect($URL, ...)
              - pattern: starlette.responses.RedirectResponse($URL, ...)
              - pattern: fastapi.responses.RedirectResponse($URL, ...)
              - pattern: starlette.responses.RedirectResponse(url=$URL, ...)
              - pattern: fastapi.responses.RedirectResponse(url=$URL, ...)
              - patterns:
                  - pattern: aiohttp.web.$REDIRECT($URL, ...)
                  - metavariable-regex:
                      metavariable: $REDIRECT
                      regex: ^HTTP(Found|SeeOther|MovedPermanently|TemporaryRedirect|PermanentRedirect)$
          - focus-metavariable: $URL
""",
)

XPATH = RuleSpec(
    id="xpath-injection",
    file="xpath-injection",
    message=(
        "An XPath expression is built from request data. Pass values as XPath variables "
        "(tree.xpath(\"//user[name=$name]\", name=value)) instead of formatting them in."
    ),
    cwe="CWE-643: Improper Neutralization of Data within XPath Expressions ('XPath Injection')",
    owasp=INJECTION,
    confidence="HIGH",
    what=(
        "Request data in the expression of lxml's xpath(), etree.XPath/ETXPath, or of "
        "ElementTree find/findall/findtext/iterfind on a parsed document. Values passed as XPath "
        "variables (keyword arguments of xpath()) are not reported."
    ),
    why=(
        "A quote in the value ends the literal and `' or '1'='1` selects every node: XML "
        "user stores and configuration become readable without the password."
    ),
    example="""
name = request.args["name"]
found = tree.xpath(".//user[name/text()='%s']" % name)
""",
    instead=(
        "tree.xpath(\".//user[name/text()=$name]\", name=name) or etree.XPath with variables; "
        "with ElementTree, iterate and compare in Python instead of building the path."
    ),
    sinks="""
      - requires: USER
        patterns:
          - pattern-either:
              - pattern: $TREE.xpath($EXPR, ...)
              - pattern: lxml.etree.XPath($EXPR, ...)
              - pattern: lxml.etree.ETXPath($EXPR, ...)
              - pattern: lxml.etree.XPathEvaluator(...)($EXPR, ...)
              - patterns:
                  - pattern-either:
                      - pattern-inside: |
                          $TREE = xml.etree.ElementTree.$PARSE(...)
                          ...
                      - pattern-inside: |
                          $TREE = xml.etree.ElementTree.$PARSE(...).getroot()
                          ...
                      - pattern-inside: |
                          $TREE = lxml.etree.$PARSE(...)
                          ...
                  - pattern: $TREE.$FIND($EXPR, ...)
                  - metavariable-regex:
                      metavariable: $FIND
                      regex: ^(find|findall|findtext|iterfind)$
          - focus-metavariable: $EXPR
""",
)

HEADER = RuleSpec(
    id="header-injection",
    file="header-injection",
    message=(
        "A response header's name, or the value of Location/Refresh/Access-Control-Allow-Origin/"
        "Content-Type/Set-Cookie/Link, comes from the request. Use fixed names and allow-listed values."
    ),
    cwe="CWE-113: Improper Neutralization of CRLF Sequences in HTTP Headers ('HTTP Request/Response Splitting')",
    owasp=INJECTION,
    confidence="MEDIUM",
    what=(
        "Request data used as a response header name, or as the value of a header that steers the "
        "browser (Location, Refresh, Access-Control-Allow-Origin, Content-Type, Set-Cookie, "
        "Link), on Flask/Django/Starlette/aiohttp responses; and any request data in headers "
        "written by hand with WSGI start_response or http.server send_header, which do not "
        "reject line breaks. Other header values are not reported: Django, Werkzeug, Starlette "
        "and aiohttp refuse CR/LF in them, so they cannot split the response."
    ),
    why=(
        "A reflected Access-Control-Allow-Origin lets any site read the user's data; a Location "
        "or Refresh header redirects; and raw header writes let a CR/LF add headers (cookies) "
        "or a second response."
    ),
    example="""
origin = request.headers.get("Origin")
response.headers["Access-Control-Allow-Origin"] = origin
""",
    instead=(
        "Compare the value with an allow-list and write the allowed constant "
        "(`if origin in ALLOWED_ORIGINS:`); use the framework's redirect and set_cookie helpers, "
        "and never write raw header lines from request data."
    ),
    sinks=r"""
      - requires: USER
        patterns:
          - pattern-either:
              - pattern: $RESPONSE.headers["$NAME"] = $VALUE
              - pattern: $RESPONSE.headers.set("$NAME", $VALUE, ...)
              - pattern: $RESPONSE.headers.add("$NAME", $VALUE, ...)
              - pattern: $RESPONSE.headers.setdefault("$NAME", $VALUE)
              - patterns:
                  - pattern-either:
                      - pattern-inside: |
                          $RESPONSE = django.http.HttpResponse(...)
                          ...
                      - pattern-inside: |
                          $RESPONSE = django.shortcuts.render(...)
                          ...
                  - pattern: $RESPONSE["$NAME"] = $VALUE
          - metavariable-regex:
              metavariable: $NAME
              regex: (?i)^(location|refresh|access-control-allow-origin|content-type|set-cookie|link)$
          - focus-metavariable: $VALUE
      - requires: USER
        patterns:
          - pattern-either:
              - pattern: $RESPONSE.headers[$NAME] = $VALUE
              - pattern: $RESPONSE.headers.set($NAME, ...)
              - pattern: $RESPONSE.headers.add($NAME, ...)
          - focus-metavariable: $NAME
          - pattern-not: '"..."'
      - requires: USER
        patterns:
          - pattern-either:
              - pattern: self.send_header($NAME, $VALUE)
              - pattern: start_response($STATUS, $VALUE, ...)
          - focus-metavariable: $VALUE
""",
)

XML_PARSERS = """
              - pattern: lxml.etree.fromstring($XML, ...)
              - pattern: lxml.etree.XML($XML, ...)
              - pattern: lxml.etree.parse($XML, ...)
              - pattern: lxml.etree.iterparse($XML, ...)
              - pattern: lxml.objectify.fromstring($XML, ...)
              - pattern: lxml.objectify.parse($XML, ...)
              - pattern: xml.etree.ElementTree.fromstring($XML, ...)
              - pattern: xml.etree.ElementTree.XML($XML, ...)
              - pattern: xml.etree.ElementTree.parse($XML, ...)
              - pattern: xml.etree.ElementTree.iterparse($XML, ...)
              - pattern: xml.etree.cElementTree.fromstring($XML, ...)
              - pattern: xml.etree.cElementTree.parse($XML, ...)
              - pattern: xml.dom.minidom.parseString($XML, ...)
              - pattern: xml.dom.minidom.parse($XML, ...)
              - pattern: xml.dom.pulldom.parseString($XML, ...)
              - pattern: xml.dom.pulldom.parse($XML, ...)
              - pattern: xml.sax.parseString($XML, ...)
              - pattern: xml.sax.parse($XML, ...)
"""

XXE = RuleSpec(
    id="xxe",
    file="xxe",
    message=(
        "XML from the request is parsed by a parser that resolves entities, or a parser is set "
        "up to load external entities. Parse untrusted XML with defusedxml."
    ),
    cwe="CWE-611: Improper Restriction of XML External Entity Reference",
    owasp="A05:2021 - Security Misconfiguration",
    confidence="HIGH",
    what=(
        "Request data parsed by lxml (fromstring, XML, parse, iterparse, objectify) or the "
        "standard library's ElementTree, minidom, pulldom and sax; and, wherever it is, an lxml "
        "XMLParser with resolve_entities=True (or load_dtd=True without resolve_entities=False) "
        "and a sax parser with feature_external_ges/feature_external_pes turned on. defusedxml's "
        "functions are not reported."
    ),
    why=(
        "An external entity reads local files (`<!ENTITY x SYSTEM \"file:///etc/passwd\">`) or "
        "makes the server fetch internal URLs; nested entities (billion laughs) exhaust memory "
        "with a few hundred bytes."
    ),
    example="""
parser = etree.XMLParser(resolve_entities=True)
doc = etree.fromstring(request.body, parser)
""",
    instead=(
        "defusedxml.ElementTree.fromstring(data) (or defusedxml.lxml / defusedxml.minidom); with "
        "lxml, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False); never "
        "turn on sax's external entity features."
    ),
    sources="""
      - label: XMLCONFIG
        pattern-either:
          - pattern: lxml.etree.XMLParser(..., resolve_entities=True, ...)
          - patterns:
              - pattern: lxml.etree.XMLParser(..., load_dtd=True, ...)
              - pattern-not: lxml.etree.XMLParser(..., resolve_entities=False, ...)
          - pattern: $PARSER.setFeature(xml.sax.handler.feature_external_ges, True)
          - pattern: $PARSER.setFeature(xml.sax.handler.feature_external_pes, True)
""",
    sanitizers="""
      - pattern-either:
          - pattern: defusedxml.$MODULE.$FUNC(...)
          - pattern: defusedxml.$FUNC(...)
""",
    sinks="""
      - requires: USER
        patterns:
          - pattern-either:
""" + XML_PARSERS + """
          - focus-metavariable: $XML
      - requires: XMLCONFIG
        pattern-either:
          - pattern: lxml.etree.XMLParser(...)
          - pattern: $PARSER.setFeature(...)
""",
)

RULES = (SQL, COMMAND, CODE, DESERIALIZATION, PATH, SSRF, TEMPLATE, XSS, REDIRECT, XPATH, HEADER, XXE)
