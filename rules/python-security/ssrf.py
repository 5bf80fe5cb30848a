import urllib.request

import httpx
import requests
from django.http import HttpResponse
from flask import Flask, request

app = Flask(__name__)


@app.route("/fetch")
def flask_fetch():
    # ruleid: ssrf
    return requests.get(request.args["url"]).text


def django_view(request):
    url = request.POST.get("url")
    # ruleid: ssrf
    body = urllib.request.urlopen(url).read()
    # ok: ssrf
    other = requests.get("https://api.example.com/items/" + request.GET["id"]).text
    # ok: ssrf
    more = requests.get(f"https://api.example.com/users/{request.GET['user']}").text
    return HttpResponse(body + other + more)


async def aiohttp_handler(request):
    async with httpx.AsyncClient() as client:
        # ruleid: ssrf
        await client.get(request.query["target"])


def fetch(url):
    # ok: ssrf
    return requests.get(url, timeout=5)
