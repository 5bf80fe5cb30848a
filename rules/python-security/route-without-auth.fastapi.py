from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Security, status

api = FastAPI()
router = APIRouter()
admin_router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])


# ruleid: fastapi-route-without-auth
@api.get("/items")
async def items():
    return []


# ruleid: fastapi-route-without-auth
@router.post("/upload")
def upload(db=Depends(get_db)):
    return {}


# ruleid: fastapi-route-without-auth
@router.delete("/users/{user_id}")
async def delete_user(user_id: int, db: Session = Depends(get_db)):
    return {}


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


# ok: fastapi-route-without-auth
@router.get("/me")
def me(token: str = Depends(oauth2_scheme)):
    return {}


# ok: fastapi-route-without-auth
@router.get("/keys")
def keys(principal: Principal = Depends(load_principal_from_api_key)):
    return {}


# ok: fastapi-route-without-auth
@router.get("/scoped")
def scoped(user: User = Security(current_identity, scopes=["items:read"])):
    return {}


# ok: fastapi-route-without-auth
@admin_router.get("/stats")
def stats():
    return {}


# ok: fastapi-route-without-auth
@router.get("/reports")
def reports(request: Request):
    if not request.headers.get("x-api-key") == settings.key:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
    return {}


# ok: fastapi-route-without-auth
@api.post("/login")
def login(form: OAuth2PasswordRequestForm = Depends()):
    return {}


# ok: fastapi-route-without-auth
@api.get("/health")
def health():
    return {"ok": True}
