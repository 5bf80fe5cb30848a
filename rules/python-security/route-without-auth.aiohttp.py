from aiohttp import web
from aiohttp_security import check_authorized
from aiohttp_session import get_session

routes = web.RouteTableDef()


# ruleid: aiohttp-route-without-auth
@routes.post("/accounts/{id}/close")
async def close_account(request):
    return web.Response(text="closed")


# ruleid: aiohttp-route-without-auth
async def list_students(request):
    return web.json_response([])


# ok: aiohttp-route-without-auth
@routes.get("/me")
async def me(request):
    user = await check_authorized(request)
    return web.Response(text=user)


# ok: aiohttp-route-without-auth
async def grades(request):
    session = await get_session(request)
    if "user_id" not in session:
        raise web.HTTPUnauthorized()
    return web.json_response([])


# ok: aiohttp-route-without-auth
@routes.get("/health")
async def health(request):
    return web.Response(text="ok")


# ok: aiohttp-route-without-auth
async def not_a_handler(request):
    return request.remote


def setup_routes(app):
    app.router.add_get("/students", list_students)
    app.router.add_route("GET", "/grades", grades)
