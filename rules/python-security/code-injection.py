import os
import builtins

from django.http import HttpResponse
from flask import Flask, request
from PIL import Image, ImageMath

app = Flask(__name__)


@app.route("/calc")
def flask_calc():
    # ruleid: code-injection
    return str(eval(request.args["expr"]))


def django_view(request):
    code = request.POST.get("code")
    # ruleid: code-injection
    exec(compile(code, "<input>", "exec"))
    # ruleid: code-injection
    ImageMath.eval(request.GET["formula"], a=Image.new("L", (1, 1)))
    return HttpResponse("ok")


def calculate(expression, namespace):
    # ruleid: code-injection
    value = eval(expression)
    # ruleid: code-injection
    exec(f"result = {expression}", namespace)
    # ruleid: code-injection
    builtins.eval(expression, {})
    # ok: code-injection
    exec("import math", namespace)
    # ok: code-injection
    constant = eval("1 + 2")
    # ok: code-injection
    model.eval()
    return value, constant


def load_settings(filename):
    settings = {}
    with open(filename, "rb") as handle:
        # ok: code-injection
        exec(compile(handle.read(), filename, "exec"), settings)
    return settings


class Shell:
    def run_startup(self):
        # ok: code-injection
        exec(self.startup_code, {})


def save_plugin(request):
    code = request.POST.get("code")
    target = os.path.join(os.path.dirname(__file__), "plugins/user_plugin.py")
    f = open(target, "w")
    # ruleid: code-injection
    f.write(code)
    f.close()
    with open("hooks/after_save.py", "w") as hook:
        # ruleid: code-injection
        hook.write(request.POST["hook"])


def save_note(request):
    # ok: code-injection
    with open(f"/srv/notes/{request.user.pk}.txt", "w") as note:
        note.write(request.POST["note"])


def generate_module(name, body):
    # ok: code-injection
    with open(f"build/{name}.py", "w") as out:
        out.write(body)
