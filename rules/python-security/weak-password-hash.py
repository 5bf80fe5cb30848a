import hashlib


def store(user, password, payload):
    # ruleid: weak-password-hash
    user.password_hash = hashlib.md5(password.encode()).hexdigest()
    # ruleid: weak-password-hash
    digest = hashlib.sha1(user.raw_password).digest()
    # ruleid: weak-password-hash
    legacy = hashlib.new("md5", password.encode()).hexdigest()
    # ok: weak-password-hash
    modern = hashlib.new("blake2b", password.encode())
    # ok: weak-password-hash
    checksum = hashlib.md5(payload).hexdigest()
    # ok: weak-password-hash
    strong = hashlib.pbkdf2_hmac("sha256", password.encode(), user.salt, 600_000)
    return digest, legacy, modern, checksum, strong


def store_incrementally(password):
    hasher = hashlib.sha1()
    # ruleid: weak-password-hash
    hasher.update(password.encode())
    # ok: weak-password-hash
    hasher.update(b"pepper")
    return hasher.hexdigest()
