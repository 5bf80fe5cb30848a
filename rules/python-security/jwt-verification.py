import jwt
from jose import jwt as jose_jwt


def claims(token, key):
    # ruleid: jwt-signature-not-verified
    a = jwt.decode(token, options={"verify_signature": False})
    # ruleid: jwt-signature-not-verified
    b = jwt.decode(token, key, algorithms=["none"])
    # ruleid: jwt-signature-not-verified
    c = jose_jwt.get_unverified_claims(token)
    # ruleid: jwt-signature-not-verified
    d = jose_jwt.decode(token, key, options={"verify_signature": False, "verify_aud": False})
    # ok: jwt-signature-not-verified
    e = jwt.decode(token, key, algorithms=["HS256"])
    # ok: jwt-signature-not-verified
    f = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})
    return a, b, c, d, e, f
