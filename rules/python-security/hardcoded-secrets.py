import boto3

# ruleid: hardcoded-secret-assignment
DATABASE_PASSWORD = "s3cr3t-Passw0rd!"
# ruleid: hardcoded-secret-assignment
api_key = "0123456789abcdef0123"
# ok: hardcoded-secret-assignment
PASSWORD_FIELD = "password_hash"
# ok: hardcoded-secret-assignment
api_key = os.environ["API_KEY"]
# ok: hardcoded-secret-assignment
token = ""
# ok: hardcoded-secret-assignment
username = "administrator"

settings = {
    # ruleid: hardcoded-secret-assignment
    "client_secret": "f00dBabe4242cafe",
    # ok: hardcoded-secret-assignment
    "client_id": "my-client-id-1234",
}

# ruleid: hardcoded-secret-assignment
client = connect(host="db", password="hunter2hunter2")

s3 = boto3.client(
    "s3",
    # ruleid: hardcoded-cloud-key
    aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
)

# ruleid: hardcoded-cloud-key
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"
# ok: hardcoded-cloud-key
HEADER = "-----BEGIN CERTIFICATE-----"
# ok: hardcoded-cloud-key
REGION = "eu-west-1"

# ruleid: hardcoded-secret-assignment
DB_PASSWORD = "p%a$s^w(o)rd"
# ok: hardcoded-secret-assignment
INTERNAL_RESET_SESSION_TOKEN = "_password_reset_token"
# ok: hardcoded-secret-assignment
reset_url_token = "set-password"
# ok: hardcoded-secret-assignment
api_key = "your-api-key-here"
# ok: hardcoded-secret-assignment
password = "${DB_PASSWORD}"
USERS = {
    # ok: hardcoded-secret-assignment
    "alice": {"password": "491a2800b80719ea9e3c89ca5472a8bda1bdd1533d4574ea5bd85b70a8e93be0"},
}

# ruleid: hardcoded-secret-key
SECRET_KEY = "django-insecure-k#9$w%8^(x)q!z@3b_j5*m&e+t-r2y=u0i1o7p4a6s8d$f%g^h"
# ruleid: hardcoded-secret-key
SECRET_KEY = "changeme"
# ruleid: hardcoded-secret-key
app.secret_key = "dev"
# ruleid: hardcoded-secret-key
app.config["SECRET_KEY"] = "super secret key"
# ruleid: hardcoded-secret-key
app = make_app(secret_key="abc")
# ruleid: hardcoded-secret-key
app.config.update(SECRET_KEY="0f3a")
# ok: hardcoded-secret-key
SECRET_KEY = os.environ["SECRET_KEY"]
# ok: hardcoded-secret-key
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY")
# ok: hardcoded-secret-key
SECRET_KEY_FALLBACKS = []
# ruleid: hardcoded-secret-key
SECRET_COOKIE_KEY = "PYGOAT"
# ok: hardcoded-secret-key
SECRET_KEY_NAME = os.environ.get("KEY_NAME")

# ruleid: hardcoded-jwt-key
token = jwt.encode({"user": uid}, "secret", algorithm="HS256")
# ruleid: hardcoded-jwt-key
claims = jwt.decode(token, "secret", algorithms=["HS256"])
# ok: hardcoded-jwt-key
claims = jwt.decode(token, settings.JWT_KEY, algorithms=["HS256"])


def check(username, password, form):
    # ruleid: hardcoded-password-comparison
    if password == "admin":
        return True
    # ruleid: hardcoded-password-comparison
    if form["password"] == "letmein":
        return True
    # ok: hardcoded-password-comparison
    if field_name == "password":
        return False
    # ok: hardcoded-password-comparison
    if password == "":
        return False
    # ok: hardcoded-password-comparison
    return username == "admin"


def crypto_keys(payload):
    # ruleid: hardcoded-crypto-key
    box = Fernet("bm90LWEtcmVhbC1rZXktb25seS1hbi1leGFtcGxlLi4=")
    # ruleid: hardcoded-crypto-key
    mac = hmac.new(b"mac-key-literal", payload, "sha256")
    # ruleid: hardcoded-crypto-key
    session_key = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5PQ=="
    cookies = Fernet(session_key)
    # ok: hardcoded-crypto-key
    vault = Fernet(os.environ["SESSION_KEY"])
    # ok: hardcoded-crypto-key
    fresh = Fernet(Fernet.generate_key())
    return box, mac, cookies, vault, fresh
