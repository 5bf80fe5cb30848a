import os
import uuid
import jinja2
from django.http import HttpResponse
from django.template import Context, Template
from flask import Flask, render_template, render_template_string, request

app = Flask(__name__)


@app.route("/hello")
def flask_hello():
    name = request.args.get("name")
    # ruleid: template-injection
    return render_template_string(f"<h1>Hello {name}</h1>")


@app.route("/hi")
def flask_hi():
    # ok: template-injection
    return render_template_string("<h1>Hello {{ name }}</h1>", name=request.args.get("name"))


@app.route("/page")
def flask_page():
    # ok: template-injection
    return render_template("page.html", body=request.args.get("body"))


def django_view(request):
    # ruleid: template-injection
    page = Template("<p>" + request.GET["msg"] + "</p>").render(Context({}))
    env = jinja2.Environment(autoescape=True)
    # ruleid: template-injection
    more = env.from_string(request.POST["template"]).render()
    return HttpResponse(page + more)


def render_static(source):
    # ok: template-injection
    return jinja2.Template(source).render()


@app.errorhandler(404)
def not_found(error):
    # ruleid: template-injection
    return render_template_string("<h3>%s not found</h3>" % request.url), 404


def save_blog(request):
    blog = "{% extends 'base.html' %}{% block content %}" + request.POST["blog"] + "{% endblock %}"
    filename = os.path.join(os.path.dirname(__file__), f"templates/blogs/{uuid.uuid4().hex}.html")
    file = open(filename, "w+")
    # ruleid: template-injection
    file.write(blog)
    file.close()


def save_profile(request):
    # ok: template-injection
    with open(f"/srv/profiles/{request.user.pk}.json", "w") as out:
        out.write(request.POST["profile"])
