import os
import pathlib

from django.http import FileResponse, HttpResponse
from fastapi import FastAPI
from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
api = FastAPI()


@app.route("/download")
def flask_download():
    name = request.args["file"]
    # ruleid: path-traversal
    return send_file(os.path.join("reports", name))


@app.route("/files/<path:name>")
def flask_files(name):
    # ok: path-traversal
    return send_from_directory("reports", name)


@app.route("/upload", methods=["POST"])
def flask_upload():
    upload = request.files["doc"]
    # ruleid: path-traversal
    upload.save(os.path.join("uploads", upload.filename))
    # ok: path-traversal
    upload.save(os.path.join("uploads", secure_filename(upload.filename)))
    return "ok"


def django_view(request):
    filename = request.GET.get("name")
    # ruleid: path-traversal
    with open(filename) as handle:
        text = handle.read()
    # ok: path-traversal
    with open(os.path.join("docs", os.path.basename(filename))) as handle:
        text += handle.read()
    # ok: path-traversal
    with open("docs/index.txt") as handle:
        text += handle.read()
    return HttpResponse(text)


@api.get("/logs/{name}")
async def fastapi_logs(name: str):
    # ruleid: path-traversal
    return pathlib.Path("/var/log", name).read_text()


async def aiohttp_handler(request):
    # ruleid: path-traversal
    os.remove(os.path.join("/tmp/cache", request.match_info["key"]))


def read_config(path):
    # ok: path-traversal
    return open(path).read()
