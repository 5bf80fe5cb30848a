from lxml import etree
from flask import Flask, request
import xml.etree.ElementTree as ET

app = Flask(__name__)
TREE = etree.parse("users.xml")


@app.route("/user")
def flask_user():
    name = request.args["name"]
    # ruleid: xpath-injection
    found = TREE.xpath(".//user[name/text()='%s']" % name)
    # ok: xpath-injection
    same = TREE.xpath(".//user[name/text()=$name]", name=name)
    return str(found + same)


def django_view(request):
    root = ET.parse("users.xml")
    # ruleid: xpath-injection
    users = root.findall(".//user[@name='" + request.GET["name"] + "']")
    # ok: xpath-injection
    everyone = root.findall(".//user")
    # ruleid: xpath-injection
    finder = etree.XPath("//item[@id='%s']" % request.POST["id"])
    return users, everyone, finder


def search(title):
    # ok: xpath-injection
    return title.find(request.args["q"])
