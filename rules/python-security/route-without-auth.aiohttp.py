from aiohttp import web
from aiohttp_security import check_authorized
from aiohttp_session import get_session

routes = web.RouteTableDef()


# ruleid: aiohttp-route-without-auth
@routes.post("/accounts/{id}/close")
async def close_account(request):
    async with request.app["db"].acquire() as conn:
        await conn.execute("UPDATE accounts SET closed = 1 WHERE id = $1", request.match_info["id"])
    return web.Response(text="closed")


# ruleid: aiohttp-route-without-auth
async def list_students(request):
    rows = await request.app["pool"].execute("SELECT name FROM students")
    return web.json_response(rows)


# ok: aiohttp-route-without-auth
@routes.get("/me")
async def me(request):
    user = await check_authorized(request)
    rows = await request.app["pool"].execute("SELECT * FROM grades")
    return web.Response(text=user)


# ok: aiohttp-route-without-auth
async def grades(request):
    session = await get_session(request)
    if "user_id" not in session:
        raise web.HTTPUnauthorized()
    rows = await request.app["pool"].execute("SELECT * FROM grades")
    return web.json_response(rows)


# ok: aiohttp-route-without-auth
@routes.get("/health")
async def health(request):
    return web.Response(text="ok")


# ok: aiohttp-route-without-auth
@routes.post("/echo")
async def echo(request):
    # reads and writes nothing of the application's: nothing behind it to protect
    data = await request.post()
    return web.Response(text=str(len(data)))


# ok: aiohttp-route-without-auth
async def not_a_handler(request):
    return request.remote


def setup_routes(app):
    app.router.add_get("/students", list_students)
    app.router.add_route("GET", "/grades", grades)
