from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Security, status

api = FastAPI()
router = APIRouter()
admin_router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])


# ruleid: fastapi-route-without-auth
@api.get("/items")
async def items():
    return session.query(Item).all()


# ruleid: fastapi-route-without-auth
@router.post("/upload")
def upload(file: UploadFile, db=Depends(get_db)):
    with open(f"/srv/uploads/{file.filename}", "wb") as out:
        out.write(file.file.read())
    return {}


# ruleid: fastapi-route-without-auth
@router.delete("/users/{user_id}")
async def delete_user(user_id: int, db: Session = Depends(get_db)):
    db.query(User).filter(User.id == user_id).delete()
    return {}


# ok: fastapi-route-without-auth
@api.get("/profile")
async def profile(user=Depends(get_current_user)):
    db.execute("SELECT 1")
    return user


# ok: fastapi-route-without-auth
@router.post("/admin", dependencies=[Depends(get_current_user)])
def admin():
    db.execute("SELECT 1")
    return {}


# ok: fastapi-route-without-auth
@router.put("/items/{item_id}")
def update(item_id: int, user: Annotated[User, Depends(get_current_active_user)]):
    db.execute("SELECT 1")
    return {}


# ok: fastapi-route-without-auth
@router.get("/me")
def me(token: str = Depends(oauth2_scheme)):
    db.execute("SELECT 1")
    return {}


# ok: fastapi-route-without-auth
@router.get("/keys")
def keys(principal: Principal = Depends(load_principal_from_api_key)):
    db.execute("SELECT 1")
    return {}


# ok: fastapi-route-without-auth
@router.get("/scoped")
def scoped(user: User = Security(current_identity, scopes=["items:read"])):
    db.execute("SELECT 1")
    return {}


# ok: fastapi-route-without-auth
@admin_router.get("/stats")
def stats():
    db.execute("SELECT 1")
    return {}


# ok: fastapi-route-without-auth
@router.get("/reports")
def reports(request: Request):
    if not request.headers.get("x-api-key") == settings.key:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
    db.execute("SELECT 1")
    return {}


# ok: fastapi-route-without-auth
@api.post("/login")
def login(form: OAuth2PasswordRequestForm = Depends()):
    return {}


# ok: fastapi-route-without-auth
@api.post("/echo")
def echo(payload: dict):
    # reads and writes nothing of the application's: nothing behind it to protect
    return {"length": len(payload)}


# ok: fastapi-route-without-auth
@api.get("/health")
def health():
    return {"ok": True}
