from flask import make_response


def login(resp, token, settings, options):
    # ruleid: cookie-without-secure-flags
    resp.set_cookie("session_token", token)
    # ruleid: cookie-without-secure-flags
    resp.set_cookie("session_token", token, httponly=True)
    # ruleid: cookie-without-secure-flags
    resp.set_cookie("session_token", token, secure=True, httponly=False)
    # ruleid: cookie-without-secure-flags
    resp.set_signed_cookie("uid", token, secure=True)
    # ok: cookie-without-secure-flags
    resp.set_cookie("session_token", token, secure=True, httponly=True, samesite="Lax")
    # ok: cookie-without-secure-flags
    resp.set_cookie("sid", token, secure=settings.SESSION_COOKIE_SECURE, httponly=settings.HTTPONLY)
    # ok: cookie-without-secure-flags
    resp.set_cookie("sid", token, **options)
    # ok: cookie-without-secure-flags
    resp.delete_cookie("sid")
    # ok: cookie-without-secure-flags
    jar.set_cookie(cookie)
    # ok: cookie-without-secure-flags
    resp.set_cookie("theme", "dark")
    # ok: cookie-without-secure-flags
    resp.set_cookie("session_id", None)
    # ok: cookie-without-secure-flags
    resp.set_cookie("app_session", "", expires=0)
    # ruleid: cookie-without-secure-flags
    resp.set_cookie(key="auth_cookie", value=token)
    # ruleid: cookie-without-secure-flags
    resp.set_cookie("admin", "1", max_age=200)
    # ok: cookie-without-secure-flags
    resp.set_cookie("sid", max_age=0, path="/")
    return resp


# ruleid: cookie-setting-insecure
SESSION_COOKIE_SECURE = False
# ruleid: cookie-setting-insecure
CSRF_COOKIE_SECURE = False
# ok: cookie-setting-insecure
SESSION_COOKIE_HTTPONLY = True
# ok: cookie-setting-insecure
CSRF_COOKIE_HTTPONLY = False


class ProductionConfig:
    # ok: cookie-setting-insecure
    SESSION_COOKIE_SECURE = True


# ruleid: cookie-setting-insecure
app.config["SESSION_COOKIE_SECURE"] = False
# ruleid: cookie-setting-insecure
app.config.update(SESSION_COOKIE_HTTPONLY=False)
# ruleid: cookie-setting-insecure
storage = RedisStorage(redis, httponly=False)
# ruleid: cookie-setting-insecure
app.add_middleware(SessionMiddleware, secret_key=key, https_only=False)
# ok: cookie-setting-insecure
storage = EncryptedCookieStorage(key, httponly=True, secure=True)
