from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
api = FastAPI()

# ruleid: cors-wildcard-origin
CORS(app, origins="*")
# ok: cors-wildcard-origin
CORS(app, origins=["https://shop.example.com"])
# ruleid: cors-wildcard-origin
api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
# ok: cors-wildcard-origin
api.add_middleware(CORSMiddleware, allow_origins=["https://shop.example.com"])
# ruleid: cors-wildcard-origin
CORS_ORIGIN_ALLOW_ALL = True
# ok: cors-wildcard-origin
CORS_ORIGIN_ALLOW_ALL = False
# ruleid: cors-wildcard-origin
CORS_ALLOW_ALL_ORIGINS = True


def view(response):
    # ruleid: cors-wildcard-origin
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
