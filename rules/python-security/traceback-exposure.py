import traceback

from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/export")
def export():
    try:
        return run_export()
    except Exception:
        # ruleid: traceback-in-response
        return jsonify(error=traceback.format_exc()), 500


def report(request):
    try:
        return build(request)
    except Exception:
        # ruleid: traceback-in-response
        trace = traceback.format_exc()
        return HttpResponse("failed: " + trace, status=500)


def api(request):
    try:
        return build(request)
    except Exception:
        # ruleid: traceback-in-response
        return traceback.format_exc()


def task():
    try:
        work()
    except Exception:
        # ok: traceback-in-response
        logger.error(traceback.format_exc())
        # ok: traceback-in-response
        details = traceback.format_exc()
        return details


def handler(request):
    try:
        return build(request)
    except Exception:
        # ok: traceback-in-response
        return HttpResponse(traceback.format_exc() if settings.DEBUG else "Internal Server Error")
