import asyncio
import os
import subprocess


async def convert(path):
    # ruleid: boundary-subprocess
    subprocess.run(["convert", path, path + ".png"], check=True)
    # ruleid: boundary-subprocess
    os.execvp("convert", ["convert", path])
    # ruleid: boundary-subprocess
    await asyncio.create_subprocess_exec("convert", path)
    # ok: boundary-subprocess
    pipe = subprocess.PIPE
    # ok: boundary-subprocess
    return os.path.exists(path), pipe
