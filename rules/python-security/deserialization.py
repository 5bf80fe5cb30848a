import marshal
import pickle

import dill
import yaml
from yaml import SafeLoader


def restore(blob, stream):
    # ruleid: unsafe-deserialization
    state = pickle.loads(blob)
    # ruleid: unsafe-deserialization
    more = dill.loads(blob)
    # ruleid: unsafe-deserialization
    code = marshal.loads(blob)
    # ruleid: unsafe-deserialization
    config = yaml.load(stream)
    # ruleid: unsafe-deserialization
    other = yaml.load(stream, Loader=yaml.Loader)
    # ruleid: unsafe-deserialization
    raw = yaml.unsafe_load(stream)
    # ok: unsafe-deserialization
    safe = yaml.load(stream, Loader=yaml.SafeLoader)
    # ok: unsafe-deserialization
    safe2 = yaml.load(stream, Loader=SafeLoader)
    # ok: unsafe-deserialization
    safe3 = yaml.safe_load(stream)
    # ok: unsafe-deserialization
    data = pickle.dumps(state)
    return state, more, code, config, other, raw, safe, safe2, safe3, data
