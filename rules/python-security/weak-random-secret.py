import hashlib
import random
import secrets
import string
from random import choice


def make_codes(user, session):
    # ruleid: weak-random-secret
    otp = random.randint(100000, 999999)
    # ruleid: weak-random-secret
    reset_token = "".join(random.choice(string.ascii_letters) for _ in range(32))
    # ruleid: weak-random-secret
    user.password = "".join(choice(string.ascii_letters) for _ in range(12))
    # ruleid: weak-random-secret
    session["session_id"] = random.getrandbits(64)
    # ok: weak-random-secret
    delay = random.uniform(0.1, 0.5)
    # ok: weak-random-secret
    color = random.choice(["red", "green"])
    # ok: weak-random-secret
    token = secrets.token_urlsafe(32)
    # ok: weak-random-secret
    salt = random.SystemRandom().getrandbits(64)
    return otp, reset_token, delay, color, token, salt


def generate_token():
    # ruleid: weak-random-secret
    return "%032x" % random.getrandbits(128)


def shuffle_deck(cards):
    # ok: weak-random-secret
    return random.sample(cards, len(cards))


def keygen(username):
    # ruleid: weak-random-secret
    key = hashlib.sha256(str(random.getrandbits(2048)).encode()).hexdigest()
    # ruleid: weak-random-secret
    seed = random.randbytes(32)
    # ok: weak-random-secret
    key = random.choice(sorted(CACHE))
    # ok: weak-random-secret
    jitter_key = random.uniform(0, 1)
    return key, seed, jitter_key
