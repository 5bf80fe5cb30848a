from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI

api = FastAPI()
router = APIRouter()


# ruleid: fastapi-route-without-auth
@api.get("/items")
async def items():
    return []


# ok: fastapi-route-without-auth
@api.get("/profile")
async def profile(user=Depends(get_current_user)):
    return user


# ok: fastapi-route-without-auth
@router.post("/admin", dependencies=[Depends(get_current_user)])
def admin():
    return {}


# ok: fastapi-route-without-auth
@router.put("/items/{item_id}")
def update(item_id: int, user: Annotated[User, Depends(get_current_active_user)]):
    return {}


# ruleid: fastapi-route-without-auth
@router.post("/upload")
def upload(db=Depends(get_db)):
    return {}
