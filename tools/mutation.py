"""Mutation testing of the core, one module at a time against its own tests (`make mutation`).

mutmut reads one configuration per folder, so each module runs in its own copy of the
code under var/mutation/<module>/, with ``[tool.mutmut]`` narrowed to that module and the
tests ``[tool.libei-mutation]`` names for it (pyproject.toml). Each mutant starts pytest
again: a migrated test database file is reused (--reuse-db, TEST_DATABASE_FILE) so that
does not cost a migration per mutant. Prints the score per module.

    .venv/bin/python tools/mutation.py                      # every module
    .venv/bin/python tools/mutation.py heritage/consent.py  # one
    .venv/bin/python tools/mutation.py --report             # the table of the last runs again
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutation"
SKIP = shutil.ignore_patterns(".venv", "var", "mutants", ".git", "__pycache__", "*.pyc", ".pytest_cache")


def configuration() -> tuple[dict, dict[str, list[str]], dict[str, list[str]]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    ours = data["libei-mutation"]
    return data["mutmut"], ours["tests"], ours.get("equivalent", {})


def folder_name(module: str) -> str:
    return module.replace("/", "-").removesuffix(".py")


def prepare(module: str, base: dict, tests: list[str]) -> Path:
    folder = WORK / folder_name(module)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT, folder, ignore=SKIP, symlinks=True)
    (folder / "var").mkdir()
    if (ROOT / "var" / "models").exists():  # tests that transcribe find the assembled Whisper weights
        (folder / "var" / "models").symlink_to(ROOT / "var" / "models")
    settings = base | {
        "only_mutate": [module],
        "pytest_add_cli_args": [*base.get("pytest_add_cli_args", []), "--reuse-db"],
        "pytest_add_cli_args_test_selection": tests,
    }
    lines = ["[tool.mutmut]", *(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in settings.items())]
    pyproject = folder / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text = re.sub(r"^\[tool\.mutmut\]\n.*?(?=^\[)", "\n".join(lines) + "\n\n", text, flags=re.S | re.M)
    pyproject.write_text(text, encoding="utf-8")
    return folder


def migrated_database() -> Path:
    """A test database migrated once for every module (a migration costs minutes on a busy machine).

    Named by a digest of the migrations, so a new or changed migration makes a fresh one."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return WORK / f"test-database-{digest.hexdigest()[:12]}.sqlite3"


def run(module: str, base: dict, tests: list[str], children: int) -> dict:
    folder = prepare(module, base, tests)
    database, seed = folder / "var" / "test-database.sqlite3", migrated_database()
    if seed.exists():
        shutil.copyfile(seed, database)
    env = os.environ | {"TEST_DATABASE_FILE": str(database)}
    mutmut = [sys.executable, "-m", "mutmut"]
    subprocess.run([*mutmut, "run", "--max-children", str(children)], cwd=folder, env=env, check=False)
    if database.exists() and not seed.exists():
        shutil.copyfile(database, seed)
    return collect(folder)


def collect(folder: Path) -> dict:
    """The counts and survivors of the last run in ``folder``."""
    env = os.environ | {"TEST_DATABASE_FILE": str(folder / "var" / "test-database.sqlite3")}
    mutmut = [sys.executable, "-m", "mutmut"]
    subprocess.run([*mutmut, "export-cicd-stats"], cwd=folder, env=env, check=True, capture_output=True)
    stats = json.loads((folder / "mutants" / "mutmut-cicd-stats.json").read_text())
    survivors = subprocess.run([*mutmut, "results"], cwd=folder, env=env, capture_output=True, text=True).stdout
    (folder / "survivors.txt").write_text(survivors)
    stats["survivor_names"] = re.findall(r"^\s*(\S+): survived$", survivors, flags=re.M)
    return stats


def main(argv: list[str]) -> int:
    base, table, equivalent = configuration()
    if os.environ.get("MUTATION_TESTS"):  # a quicker, narrower run: MUTATION_TESTS="tests/a.py tests/b.py"
        table = {module: os.environ["MUTATION_TESTS"].split() for module in table}
    report_only = "--report" in argv  # the table again from the last runs' folders, nothing run
    argv = [a for a in argv if a != "--report"]
    modules = argv or list(table)
    unknown = [m for m in modules if m not in table]
    if unknown:
        print(f"没有这个模块的测试配置 / not configured in [tool.libei-mutation.tests]: {unknown}", file=sys.stderr)
        return 2
    children = int(os.environ.get("MUTATION_CHILDREN", "1"))  # one: the reused SQLite file takes one writer
    if report_only:
        modules = [m for m in modules if (WORK / folder_name(m) / "mutants").is_dir()]
        rows = [(module, collect(WORK / folder_name(module))) for module in modules]
    else:
        rows = [(module, run(module, base, table[module], children)) for module in modules]
    print(
        f"\n{'module':45} {'mutants':>8} {'killed':>7} {'survived':>9} {'no tests':>9} {'timeout':>8} {'score':>7}"
        f" {'equivalent':>10} {'score of the rest':>17}"
    )
    for module, s in rows:
        # A mutant no test runs ("no tests") is a survivor too: nothing would notice it.
        tested = s["killed"] + s["survived"] + s["no_tests"] + s.get("timeout", 0) + s.get("suspicious", 0)
        # Timeouts count as detected, as mutmut's own score does: the mutant did not pass. mutmut
        # also stops a mutant at half its CPU limit in wall time, so on a busy machine check the
        # timeout column (timeout_constant in [tool.mutmut] gives room) before trusting a score.
        detected = s["killed"] + s.get("timeout", 0)
        score = f"{100 * detected / tested:.1f} %" if tested else "–"
        # The usual mutation score leaves out mutants that cannot change behaviour: those named
        # in [tool.libei-mutation.equivalent], each with its reason, and only while they survive.
        named = set(equivalent.get(module, ()))
        same = named & set(s["survivor_names"])
        rest = f"{100 * detected / (tested - len(same)):.1f} %" if tested > len(same) else "–"
        print(
            f"{module:45} {s['total']:>8} {s['killed']:>7} {s['survived']:>9} {s['no_tests']:>9}"
            f" {s.get('timeout', 0):>8} {score:>7} {len(same):>10} {rest:>17}"
        )
        for name in sorted(named - same):
            print(f"  listed as equivalent but no longer a survivor (killed, or renamed by a code change): {name}")
    print(f"\nsurvivors per module: {WORK}/<module>/survivors.txt (`mutmut show NAME` there for the diff)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
