import ssl

import httpx
import requests


def fetch(url, session):
    # ruleid: tls-verify-disabled
    requests.get(url, verify=False)
    # ruleid: tls-verify-disabled
    httpx.Client(verify=False)
    # ruleid: tls-verify-disabled
    session.post(url, json={}, verify=False)
    # ruleid: tls-verify-disabled
    session.verify = False
    # ok: tls-verify-disabled
    requests.get(url, verify="/etc/ssl/ca.pem", timeout=5)
    # ok: tls-verify-disabled
    requests.get(url, timeout=5)
    # ok: tls-verify-disabled
    claims = jwt.decode(token, verify=False)
    # ruleid: tls-unverified-context
    context = ssl._create_unverified_context()
    # ruleid: tls-unverified-context
    context.verify_mode = ssl.CERT_NONE
    # ruleid: tls-unverified-context
    context.check_hostname = False
    # ruleid: tls-unverified-context
    pool = urllib3.PoolManager(cert_reqs="CERT_NONE")
    # ok: tls-unverified-context
    good = ssl.create_default_context()
    # ok: tls-unverified-context
    good.verify_mode = ssl.CERT_REQUIRED
    return context, pool, good
