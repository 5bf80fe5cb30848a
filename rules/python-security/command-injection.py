import asyncio
import os
import shlex
import subprocess

from django.http import HttpResponse
from fastapi import FastAPI
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()
TOOLS = "/opt/tools"


@app.route("/ping")
def flask_ping():
    host = request.args.get("host")
    # ruleid: command-injection
    subprocess.run(f"ping -c 1 {host}", shell=True)
    # ruleid: command-injection
    os.system("nslookup " + request.form["domain"])
    # ruleid: command-injection
    subprocess.Popen(host.split(" "), stdout=subprocess.PIPE)
    # ok: command-injection
    subprocess.run(["ping", "-c", "1", host], check=True)
    # ok: command-injection
    subprocess.run("ping -c 1 " + shlex.quote(host), shell=True)
    # ok: command-injection
    subprocess.run("uptime", shell=True)
    return "ok"


def django_view(request):
    command = "ping " + request.POST.get("ip")
    # ruleid: command-injection
    output = os.popen(command).read()
    # ruleid: command-injection
    subprocess.check_output(["sh", "-c", request.GET["cmd"]])
    return HttpResponse(output)


@api.get("/lookup/{name}")
async def fastapi_lookup(name: str, count: int = 1):
    # ruleid: command-injection
    await asyncio.create_subprocess_shell("dig " + name)
    # ok: command-injection
    await asyncio.create_subprocess_shell("ping -c 1 localhost")


async def aiohttp_handler(request):
    # ruleid: command-injection
    subprocess.getoutput("whois %s" % request.match_info["domain"])


def archive(name):
    # ruleid: command-injection
    subprocess.run(f"tar czf {name}.tgz data", shell=True)
    # ruleid: command-injection
    os.system("rm -rf " + name)
    # ok: command-injection
    subprocess.run(["tar", "czf", name + ".tgz", "data"])
    # ok: command-injection
    subprocess.run(["git", "log", f"--format={name}"])
    # ok: command-injection
    os.system(TOOLS + "/cleanup.sh")
    # ok: command-injection
    os.path.join(name, "x")


def command_out(command):
    # ruleid: command-injection
    return subprocess.Popen(command, shell=True, stdout=subprocess.PIPE).communicate()
