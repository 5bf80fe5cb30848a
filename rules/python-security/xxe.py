import xml.etree.ElementTree as ET
from xml.dom.pulldom import parseString
from xml.sax import make_parser
from xml.sax.handler import feature_external_ges

import defusedxml.ElementTree
from flask import Flask, request
from lxml import etree

app = Flask(__name__)


@app.route("/import", methods=["POST"])
def flask_import():
    # ruleid: xxe
    doc = etree.fromstring(request.data)
    # ok: xxe
    safe = defusedxml.ElementTree.fromstring(request.data)
    return str(doc) + str(safe)


def django_view(request):
    parser = make_parser()
    # ruleid: xxe
    parser.setFeature(feature_external_ges, True)
    # ruleid: xxe
    events = parseString(request.body.decode("utf-8"), parser=parser)
    # ruleid: xxe
    tree = ET.fromstring(request.POST["xml"])
    return events, tree


def load_catalogue(path):
    # ruleid: xxe
    parser = etree.XMLParser(resolve_entities=True)
    # ok: xxe
    strict = etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: xxe
    return etree.parse(path, strict), parser
