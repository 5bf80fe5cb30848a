"""Generate a synthetic monorepo for scale benchmarks: N modules in a few layered packages.

    .venv/bin/python benchmarks/gen_monorepo.py DIR --modules 10000 [--seed 1] [--violations 0.002]

Layout: top-level packages (alpha, beta, ...; one per ~2,500 modules, at least 2, at most 8),
each with the layers api > services > data > domain as sub-packages, each layer split into
sub-packages of 25 modules. Every module has 5-10 imports with locality: mostly its own
sub-package and layer, some lower layers of its own package, a few other packages' lower layers,
plus one or two stdlib imports; a `--violations` fraction of modules import a higher layer (so
the layers contract has findings). A pyproject.toml declares the layers and a layers contract
(`[tool.auditor]`), and an .importlinter file the same contract for the peer (lint-imports).
Output is deterministic for a given (modules, seed).
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

LAYERS = ("api", "services", "data", "domain")  # highest first
PACKAGE_NAMES = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")
MODULES_PER_SUBPACKAGE = 25
STDLIB = ("os", "typing", "json", "dataclasses", "logging", "functools", "re", "pathlib")


@dataclass(frozen=True)
class Module:
    package: str
    layer: int  # index into LAYERS
    sub: int
    index: int

    @property
    def name(self) -> str:
        return f"{self.package}.{LAYERS[self.layer]}.sub{self.sub}.m{self.index}"


def plan(modules: int) -> list[Module]:
    """The module set: packages x layers x sub-packages x 25 modules, `modules` in all."""
    packages = PACKAGE_NAMES[: max(2, min(len(PACKAGE_NAMES), round(modules / 2500)))]
    slots = [(p, layer) for p in packages for layer in range(len(LAYERS))]
    out: list[Module] = []
    for n in range(modules):
        package, layer = slots[n % len(slots)]
        position = n // len(slots)
        out.append(
            Module(package, layer, position // MODULES_PER_SUBPACKAGE, position % MODULES_PER_SUBPACKAGE)
        )
    return out


def imports_for(module: Module, by_place: dict[tuple[str, int, int], list[Module]],
                subs: dict[tuple[str, int], int], packages: list[str], rng: random.Random,
                violation: bool) -> list[str]:  # fmt: skip
    """5-10 module names this module imports, nearest first (no self-imports, no duplicates)."""
    chosen: list[str] = []
    wanted = rng.randint(5, 10)
    for _ in range(wanted * 3):
        if len(chosen) >= wanted:
            break
        roll = rng.random()
        package, layer, sub = module.package, module.layer, module.sub
        if roll < 0.45:  # same sub-package, an earlier module (keeps the sub-package acyclic)
            if module.index == 0:
                continue
            target = by_place[(package, layer, sub)][rng.randrange(module.index)]
        elif roll < 0.65:  # same layer, another sub-package with a lower number
            if sub == 0:
                continue
            other = rng.randrange(sub)
            target = rng.choice(by_place[(package, layer, other)])
        elif roll < 0.92:  # a lower layer of the same package
            if layer == len(LAYERS) - 1:
                continue
            lower = rng.randrange(layer + 1, len(LAYERS))
            target = rng.choice(by_place[(package, lower, rng.randrange(subs[(package, lower)]))])
        else:  # another package, lower layer
            if layer == len(LAYERS) - 1:
                continue
            other_pkg = rng.choice(packages)
            lower = rng.randrange(layer + 1, len(LAYERS))
            target = rng.choice(by_place[(other_pkg, lower, rng.randrange(subs[(other_pkg, lower)]))])
        if target.name != module.name and target.name not in chosen:
            chosen.append(target.name)
    if violation and module.layer > 0:
        higher = rng.randrange(module.layer)
        chosen.append(rng.choice(by_place[(module.package, higher, 0)]).name)
    return chosen


def write_module(root: Path, module: Module, imports: list[str], rng: random.Random) -> None:
    path = root / module.package / LAYERS[module.layer] / f"sub{module.sub}" / f"m{module.index}.py"
    lines = [f'"""Synthetic module {module.name}."""', "from __future__ import annotations", ""]
    lines += [f"import {name}" for name in sorted(rng.sample(STDLIB, rng.randint(1, 2)))]
    lines += [f"from {target.rsplit('.', 1)[0]} import {target.rsplit('.', 1)[1]}" for target in imports]
    lines += ["", "", f"class Thing{module.index}:", '    """A class to give the parser some work."""', ""]
    lines += ["    def run(self, value: int) -> int:", "        total = value"]
    lines += [f"        total += {i} * value" for i in range(rng.randint(3, 12))]
    lines += ["        return total", "", "", f"def helper_{module.index}(x: int) -> int:"]
    lines += [f"    return Thing{module.index}().run(x)", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def generate(root: Path, modules: int, *, seed: int = 1, violations: float = 0.002) -> list[str]:
    """Write the monorepo under `root` (which must be empty or absent); return the packages."""
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise SystemExit(f"{root} is not empty")
    rng = random.Random(seed)
    mods = plan(modules)
    packages = sorted({m.package for m in mods})
    by_place: dict[tuple[str, int, int], list[Module]] = {}
    for m in mods:
        by_place.setdefault((m.package, m.layer, m.sub), []).append(m)
    subs: dict[tuple[str, int], int] = {}
    for package, layer, sub in by_place:
        subs[(package, layer)] = max(subs.get((package, layer), 0), sub + 1)
    for package, layer, sub in sorted(by_place):
        for directory in (
            root / package,
            root / package / LAYERS[layer],
            root / package / LAYERS[layer] / f"sub{sub}",
        ):
            directory.mkdir(exist_ok=True)
            (directory / "__init__.py").touch()
    for m in mods:
        imports = imports_for(m, by_place, subs, packages, rng, rng.random() < violations)
        write_module(root, m, imports, rng)
    write_configs(root, packages)
    return packages


def write_configs(root: Path, packages: list[str]) -> None:
    layer_lines = "\n".join(
        f"{layer} = [{', '.join(f'{chr(34)}{p}.{layer}{chr(34)}, {chr(34)}{p}.{layer}.**{chr(34)}' for p in packages)}]"
        for layer in LAYERS
    )
    (root / "pyproject.toml").write_text(
        '[project]\nname = "monorepo"\nversion = "0.0.0"\n\n'
        f"[tool.auditor]\npackages = [{', '.join(repr(p).replace(chr(39), chr(34)) for p in packages)}]\n\n"
        f"[tool.auditor.layers]\n{layer_lines}\n\n"
        '[[tool.auditor.contracts]]\nid = "layered"\ntype = "layers"\n'
        f"layers = [{', '.join(chr(34) + layer + chr(34) for layer in LAYERS)}]\n",
        encoding="utf-8",
    )
    (root / ".importlinter").write_text(
        "[importlinter]\nroot_packages =\n" + "".join(f"    {p}\n" for p in packages)
        + "\n[importlinter:contract:layered]\nname = layered\ntype = layers\ncontainers =\n"
        + "".join(f"    {p}\n" for p in packages)
        + "layers =\n" + "".join(f"    {layer}\n" for layer in LAYERS),
        encoding="utf-8",
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--modules", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--violations", type=float, default=0.002, help="fraction of modules importing upwards"
    )
    args = parser.parse_args()
    packages = generate(args.dir, args.modules, seed=args.seed, violations=args.violations)
    print(f"wrote {args.modules} modules in {len(packages)} packages ({', '.join(packages)}) to {args.dir}")


if __name__ == "__main__":
    main()
