from aiohttp import web
from django.http import HttpResponseRedirect
from django.shortcuts import redirect as django_redirect
from django.utils.http import url_has_allowed_host_and_scheme
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
api = FastAPI()


@app.route("/login")
def flask_login():
    next_url = request.args.get("next", "/")
    # ruleid: open-redirect
    return redirect(next_url)


@app.route("/go")
def flask_go():
    # ok: open-redirect
    return redirect(url_for(request.args.get("endpoint", "index")))


@app.route("/items/<item_id>")
def flask_item(item_id):
    # ok: open-redirect
    return redirect("/shop/items/" + item_id)


def django_view(request):
    target = request.GET.get("next")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        # ok: open-redirect
        return HttpResponseRedirect(target)
    # ruleid: open-redirect
    return django_redirect(request.META.get("HTTP_REFERER"))


@api.get("/out")
async def fastapi_out(to: str):
    # ruleid: open-redirect
    return RedirectResponse(to)


async def aiohttp_handler(request):
    # ruleid: open-redirect
    raise web.HTTPFound(request.query["return_to"])


def after_save(project_id):
    # ok: open-redirect
    return django_redirect("/projects/" + project_id + "/")
