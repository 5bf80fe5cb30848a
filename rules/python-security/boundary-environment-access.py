import os

from dotenv import load_dotenv


def connect():
    # ruleid: boundary-environment-access
    password = os.environ["DB_PASSWORD"]
    # ruleid: boundary-environment-access
    host = os.getenv("DB_HOST", "localhost")
    # ruleid: boundary-environment-access
    port = os.environ.get("DB_PORT")
    # ruleid: boundary-environment-access
    load_dotenv()
    # ok: boundary-environment-access
    path = os.path.join(host, "x")
    # ok: boundary-environment-access
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    # ruleid: boundary-environment-access
    os.environ.setdefault("API_TOKEN", "dev")
    # ok: boundary-environment-access
    return settings.database_url, password, port, path
