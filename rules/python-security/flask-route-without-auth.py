from flask import Blueprint, Flask
from flask_login import login_required

from shop.auth import auth

app = Flask(__name__)
bp = Blueprint("orders", __name__)


# ruleid: flask-route-without-auth
@app.route("/orders")
def list_orders():
    return "[]"


# ok: flask-route-without-auth
@app.route("/me")
@login_required
def me():
    return "me"


# ok: flask-route-without-auth
@login_required
@bp.route("/settings")
def settings():
    return "settings"


# ok: flask-route-without-auth
@bp.get("/admin")
@auth.login_required(role="admin")
def admin():
    return "admin"


# ruleid: flask-route-without-auth
@bp.post("/orders")
def create_order():
    return "ok"


# ok: flask-route-without-auth
def helper():
    return "not a route"
