import os
import subprocess


def archive(name):
    # ruleid: subprocess-shell-true
    subprocess.run(f"tar czf {name}.tgz data", shell=True)
    # ruleid: subprocess-shell-true
    subprocess.Popen("ls " + name, shell=True, cwd="/tmp")
    # ruleid: subprocess-shell-true
    subprocess.check_output("echo hi", shell=1)
    # ok: subprocess-shell-true
    subprocess.run(["tar", "czf", name + ".tgz", "data"])
    # ok: subprocess-shell-true
    subprocess.run(["ls"], shell=False)
    # ruleid: os-system-call
    os.system("rm -rf " + name)
    # ruleid: os-system-call
    pipe = os.popen("ls")
    # ok: os-system-call
    os.path.join(name, "x")
    return pipe
