import html
import json

from django.http import HttpResponse
from django.utils.safestring import mark_safe
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from flask import Flask, jsonify, make_response, redirect, render_template, request
from markupsafe import Markup

app = Flask(__name__)
api = FastAPI()


@app.route("/hello")
def flask_hello():
    name = request.args.get("name", "")
    # ruleid: xss-html-response
    return "<p>Hello " + name + "</p>"


@app.route("/greet")
def flask_greet():
    # ruleid: xss-html-response
    return make_response(f"<h1>{request.form['title']}</h1>")


@app.route("/safe")
def flask_safe():
    name = request.args.get("name", "")
    # ok: xss-html-response
    return "<p>Hello " + html.escape(name) + "</p>"


@app.route("/json")
def flask_json():
    # ok: xss-html-response
    return jsonify(request.args)


@app.route("/page")
def flask_page():
    # ok: xss-html-response
    return render_template("page.html", q=request.args.get("q"))


def django_view(request):
    comment = request.POST["comment"]
    # ruleid: xss-html-response
    label = mark_safe("<b>" + comment + "</b>")
    # ruleid: xss-html-response
    return HttpResponse("<div>%s</div>" % label)


def django_json(request):
    # ok: xss-html-response
    return HttpResponse(json.dumps({"q": request.GET["q"]}), content_type="application/json")


def django_text(request):
    # ok: xss-html-response
    return HttpResponse(request.GET["q"], content_type="text/plain")


@api.get("/echo")
async def fastapi_echo(q: str):
    # ruleid: xss-html-response
    return HTMLResponse("<p>" + q + "</p>")


def banner(text):
    # ok: xss-html-response
    return Markup("<b>%s</b>") % text


@app.route("/login", methods=["POST"])
def flask_login():
    response = make_response(redirect("/"))
    response = sessions.create(response=response, username=request.form["username"])
    # ok: xss-html-response
    return response
