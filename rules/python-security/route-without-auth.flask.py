from flask import Blueprint, Flask, abort, jsonify, session
from flask_login import current_user, login_required, login_user

from shop.auth import auth, sso_only

app = Flask(__name__)
bp = Blueprint("orders", __name__)


# ruleid: flask-route-without-auth
@app.route("/orders")
def list_orders():
    return "[]"


# ruleid: flask-route-without-auth
@bp.post("/orders")
def create_order():
    return "ok"


# ruleid: flask-route-without-auth
@app.get("/reports/<name>")
def report(name):
    return open(name).read()


# ruleid: flask-route-without-auth
def export():
    return "csv"


app.add_url_rule("/export", view_func=export)


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
@bp.get("/sso")
@sso_only
def sso_area():
    return "a project decorator whose name does not say auth: name it in auth_decorators"


# ok: flask-route-without-auth
@app.route("/profile")
@token_required
def profile():
    return "a project decorator whose name says token_required"


# ok: flask-route-without-auth
@app.route("/dashboard")
def dashboard():
    if not current_user.is_authenticated:
        return app.login_manager.unauthorized()
    return "dashboard"


# ok: flask-route-without-auth
@app.route("/account")
def account():
    if "username" not in session:
        return jsonify(error="login first"), 401
    return "account"


# ok: flask-route-without-auth
@app.route("/orders/<int:oid>")
def order(oid):
    if session.get("user_id") is None:
        abort(403)
    return str(oid)


# ok: flask-route-without-auth
@app.route("/api/items")
def items():
    token = request.headers.get("Authorization")
    data = jwt.decode(token, key, algorithms=["HS256"])
    return str(data)


# ok: flask-route-without-auth
@app.route("/api/things")
def things():
    if not valid(request):
        return jsonify(error="no"), 403
    return "things"


# ok: flask-route-without-auth
@app.route("/login", methods=["GET", "POST"])
def do_login():
    user = find(request.form["name"])
    login_user(user)
    return "welcome"


# ok: flask-route-without-auth
@app.route("/")
def index():
    return "public home page"


# ok: flask-route-without-auth
@app.get("/healthz")
def probe():
    return "ok"


# ok: flask-route-without-auth
@app.route("/user/signup", methods=["POST"])
def new_account():
    return "created"


# ok: flask-route-without-auth
def helper():
    return "not a route"


# ok: flask-route-without-auth
def login_required_here(view):
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    return wrapper


# ok: flask-route-without-auth
@app.context_processor
def inject_user():
    return {"user": None}


# ok: flask-route-without-auth
@bp.route("/")
def landing():
    return "the root page of a blueprint is public"


# ok: flask-route-without-auth
@app.route("/about")
def about():
    return render_template("about.html")


# ruleid: flask-route-without-auth
@app.route("/search")
def search():
    return render_template("results.html", rows=db.search(request.args["q"]))
