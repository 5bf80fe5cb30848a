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


@app.route("/users", methods=["POST"])
def create_user():
    try:
        return save(request.json)
    except Exception as e:
        # ruleid: exception-text-in-response
        return jsonify({"Error": str(e.message)}), 404


def pay(request):
    try:
        return charge(request)
    except ValueError as e:
        # ok: exception-text-in-response
        return JsonResponse({"error": str(e)}, status=400)
    except Exception as e:
        logger.exception("payment failed")
        # ok: exception-text-in-response
        return JsonResponse({"error": "payment failed"}, status=500)
