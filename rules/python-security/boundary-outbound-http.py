import urllib.request

import httpx
import requests


def sync_prices(url):
    # ruleid: boundary-outbound-http
    response = requests.get(url, timeout=5)
    # ruleid: boundary-outbound-http
    with httpx.Client() as client:
        client.get(url)
    # ruleid: boundary-outbound-http
    page = urllib.request.urlopen(url)
    # ok: boundary-outbound-http
    parsed = requests.utils.quote(url)
    # ok: boundary-outbound-http
    return pricing_client.fetch(url), response, page, parsed
