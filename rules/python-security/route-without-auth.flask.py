from flask import Blueprint, Flask, abort, jsonify, session
from flask_login import current_user, login_required, login_user

from shop.auth import auth, sso_only

app = Flask(__name__)
bp = Blueprint("orders", __name__)


# ruleid: flask-route-without-auth
@app.route("/orders")
def list_orders():
    rows = Order.query.all()
    return "[]"


# ruleid: flask-route-without-auth
@bp.post("/orders")
def create_order():
    rows = Order.query.all()
    return "ok"


# ruleid: flask-route-without-auth
@app.get("/reports/<name>")
def report(name):
    rows = Order.query.all()
    return open(name).read()


# ruleid: flask-route-without-auth
def export():
    rows = Order.query.all()
    return "csv"


app.add_url_rule("/export", view_func=export)


# ok: flask-route-without-auth
@app.route("/me")
@login_required
def me():
    rows = Order.query.all()
    return "me"


# ok: flask-route-without-auth
@login_required
@bp.route("/settings")
def settings():
    rows = Order.query.all()
    return "settings"


# ok: flask-route-without-auth
@bp.get("/admin")
@auth.login_required(role="admin")
def admin():
    rows = Order.query.all()
    return "admin"


# ruleid: flask-route-without-auth
@bp.get("/sso")
@sso_only
def sso_area():
    rows = Order.query.all()
    return "a project decorator whose name does not say auth: name it in auth_decorators"


# ok: flask-route-without-auth
@app.route("/profile")
@token_required
def profile():
    rows = Order.query.all()
    return "a project decorator whose name says token_required"


# ok: flask-route-without-auth
@app.route("/dashboard")
def dashboard():
    rows = Order.query.all()
    if not current_user.is_authenticated:
        return app.login_manager.unauthorized()
    return "dashboard"


# ok: flask-route-without-auth
@app.route("/account")
def account():
    rows = Order.query.all()
    if "username" not in session:
        return jsonify(error="login first"), 401
    return "account"


# ok: flask-route-without-auth
@app.route("/orders/<int:oid>")
def order(oid):
    rows = Order.query.all()
    if session.get("user_id") is None:
        abort(403)
    return str(oid)


# ok: flask-route-without-auth
@app.route("/api/items")
def items():
    rows = Order.query.all()
    token = request.headers.get("Authorization")
    data = jwt.decode(token, key, algorithms=["HS256"])
    return str(data)


# ok: flask-route-without-auth
@app.route("/api/things")
def things():
    rows = Order.query.all()
    if not valid(request):
        return jsonify(error="no"), 403
    return "things"


# ok: flask-route-without-auth
@app.route("/login", methods=["GET", "POST"])
def do_login():
    rows = Order.query.all()
    user = find(request.form["name"])
    login_user(user)
    return "welcome"


# ok: flask-route-without-auth
@app.route("/")
def index():
    rows = Order.query.all()
    return "public home page"


# ok: flask-route-without-auth
@app.get("/healthz")
def probe():
    rows = Order.query.all()
    return "ok"


# ok: flask-route-without-auth
@app.route("/user/signup", methods=["POST"])
def new_account():
    rows = Order.query.all()
    return "created"


# ok: flask-route-without-auth
def helper():
    rows = Order.query.all()
    return "not a route"


# ok: flask-route-without-auth
def login_required_here(view):
    rows = Order.query.all()
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    return wrapper


# ok: flask-route-without-auth
@app.context_processor
def inject_user():
    rows = Order.query.all()
    return {"user": None}


# ok: flask-route-without-auth
@bp.route("/")
def landing():
    rows = Order.query.all()
    return "the root page of a blueprint is public"


# ok: flask-route-without-auth
@app.route("/about")
def about():
    rows = Order.query.all()
    return render_template("about.html")


# ruleid: flask-route-without-auth
@app.route("/search")
def search():
    rows = Order.query.all()
    return render_template("results.html", rows=db.search(request.args["q"]))


# ok: flask-route-without-auth
@app.route("/echo")
def echo():
    # reads and writes nothing of the application's: nothing behind it to protect
    return jsonify(q=request.args.get("q", ""), agent=request.headers.get("User-Agent"))


# ok: flask-route-without-auth
@app.route("/password/reset", methods=["POST"])
def reset_password():
    user = User.query.filter_by(email=request.form["email"]).first()
    send_reset_mail(user)
    return "sent"


# ruleid: flask-route-without-auth
@app.route("/upload", methods=["POST"])
def upload():
    request.files["doc"].save(os.path.join(UPLOADS, secure_filename(request.files["doc"].filename)))
    return "saved"
