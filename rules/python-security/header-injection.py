from django.http import HttpResponse
from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/cors")
def flask_cors():
    response = make_response("ok")
    # ruleid: header-injection
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin")
    # ok: header-injection
    response.headers["X-Request-Id"] = request.headers.get("X-Request-Id")
    # ruleid: header-injection
    response.headers[request.args["name"]] = "1"
    # ok: header-injection
    response.set_cookie("theme", request.args.get("theme", "light"))
    return response


def django_view(request):
    response = HttpResponse("moved", status=302)
    # ruleid: header-injection
    response["Location"] = request.GET["next"]
    # ok: header-injection
    response["Content-Disposition"] = "attachment"
    return response


def wsgi_app(environ, start_response):
    request = environ
    # ok: header-injection
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
