import os

from flask import Flask

app = Flask(__name__)

# ruleid: django-debug-enabled
DEBUG = True
# ok: django-debug-enabled
DEBUG = os.environ.get("DEBUG") == "1"


# ruleid: django-debug-enabled
DEBUG = os.getenv("DJANGO_DEBUG", True)

# ruleid: django-allowed-hosts-wildcard
ALLOWED_HOSTS = ["*"]
# ok: django-allowed-hosts-wildcard
ALLOWED_HOSTS = ["shop.example.com", ".shop.example.com"]


class TestSettings:
    # ok: django-debug-enabled
    DEBUG = True


if __name__ == "__main__":
    # ruleid: flask-debug-enabled
    app.run(host="0.0.0.0", debug=True)
    # ruleid: flask-debug-enabled
    app.config["DEBUG"] = True
    # ok: flask-debug-enabled
    app.run(host="127.0.0.1", debug=False)
    # ok: flask-debug-enabled
    app.run()

# ruleid: web-app-debug-enabled
api = FastAPI(title="shop", debug=True)
# ruleid: web-app-debug-enabled
web_app = web.Application(debug=True, middlewares=[])
# ok: web-app-debug-enabled
api2 = FastAPI(debug=settings.debug)
