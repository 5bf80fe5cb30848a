import base64
import marshal
import pickle

import jsonpickle
import yaml
from flask import Flask, request
from yaml import SafeLoader

app = Flask(__name__)


@app.route("/restore")
def flask_restore():
    # ruleid: unsafe-deserialization
    state = pickle.loads(base64.b64decode(request.cookies["state"]))
    # ruleid: unsafe-deserialization
    obj = jsonpickle.decode(request.get_data())
    return str(state) + str(obj)


def django_view(request):
    # ruleid: unsafe-deserialization
    code = marshal.loads(request.body)
    # ok: unsafe-deserialization
    data = yaml.safe_load(request.body)
    return code, data


async def aiohttp_handler(request):
    body = await request.read()
    # ruleid: unsafe-deserialization
    return pickle.loads(body)


def restore(blob, stream):
    # ok: unsafe-deserialization
    state = pickle.loads(blob)
    # ruleid: unsafe-deserialization
    config = yaml.load(stream)
    # ruleid: unsafe-deserialization
    other = yaml.load(stream, Loader=yaml.Loader)
    # ruleid: unsafe-deserialization
    raw = yaml.unsafe_load(stream)
    # ok: unsafe-deserialization
    safe = yaml.load(stream, Loader=yaml.SafeLoader)
    # ok: unsafe-deserialization
    safe2 = yaml.load(stream, Loader=SafeLoader)
    # ok: unsafe-deserialization
    safe3 = yaml.safe_load(stream)
    # ok: unsafe-deserialization
    data = pickle.dumps(state)
    return config, other, raw, safe, safe2, safe3, data
