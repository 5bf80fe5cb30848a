import builtins


def calculate(expression, namespace):
    # ruleid: eval-non-literal
    value = eval(expression)
    # ruleid: eval-non-literal
    exec(f"result = {expression}", namespace)
    # ruleid: eval-non-literal
    builtins.eval(expression, {})
    # ok: eval-non-literal
    exec("import math", namespace)
    # ok: eval-non-literal
    constant = eval("1 + 2")
    # ok: eval-non-literal
    model.eval()
    return value, constant
