"""Settings for a real install: DEBUG off, a key made once per install, `check --deploy` clean."""

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

from config import secret_key

BASE_DIR = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "from django.conf import settings; import json; print(json.dumps([settings.SECRET_KEY, settings.DEBUG]))"
)
# The production variables of deploy/env.example and the README's Production section.
PRODUCTION = {
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_COOKIES": "1",
    "SECURE_HSTS_SECONDS": "3600",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "BEHIND_PROXY": "1",
    "ALLOWED_HOSTS": "archive.example.org",
}


def _environment(data_dir: Path, **extra) -> dict:
    # Playwright's tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    dropped = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *PRODUCTION}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**env, "DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "config.settings.base", **extra}


def _settings_in_subprocess(data_dir: Path, **extra) -> tuple[str, bool]:
    done = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=BASE_DIR,
        env=_environment(data_dir, **extra),
        capture_output=True,
        text=True,
        check=True,
    )
    key, debug = json.loads(done.stdout.strip().splitlines()[-1])
    return key, debug


def test_a_fresh_install_makes_its_key_once_private_and_keeps_it_across_imports(tmp_path):
    first, debug = _settings_in_subprocess(tmp_path)
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first
    assert len(first) >= 50 and not first.startswith("django-insecure")
    assert debug is False, "DEBUG must be off unless DEBUG=1 is set"
    second, _ = _settings_in_subprocess(tmp_path)
    assert second == first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".secret_key")] == []


def test_another_install_gets_another_key_and_the_environment_wins(tmp_path):
    one, _ = _settings_in_subprocess(tmp_path / "a")
    other, _ = _settings_in_subprocess(tmp_path / "b")
    assert one != other
    given, debug = _settings_in_subprocess(tmp_path / "c", SECRET_KEY="k" * 60, DEBUG="1")
    assert given == "k" * 60 and debug is True
    assert not (tmp_path / "c" / "secret_key").exists()


def test_workers_starting_together_agree_on_one_key(tmp_path):
    path, keys = tmp_path / "secret_key", []
    threads = [threading.Thread(target=lambda: keys.append(secret_key.load_or_create(path))) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1 and len(keys) == 16
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


def _check_deploy(data_dir: Path, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_environment(data_dir, **extra),
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    done = _check_deploy(tmp_path, **PRODUCTION)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNINGS" not in done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_about_the_plain_http_demo_defaults(tmp_path):
    done = _check_deploy(tmp_path)
    assert done.returncode != 0
    for code in ("W004", "W008", "W012", "W016"):
        assert code in done.stderr


def test_every_production_variable_is_documented_with_its_default():
    example = (BASE_DIR / "deploy" / "env.example").read_text()
    readme = (BASE_DIR / "README.md").read_text()
    for name in [*PRODUCTION, "DATA_DIR", "DATABASE_URL", "SECRET_KEY", "DEBUG", "LOGIN_FAILURE_LIMIT", "WEB_WORKERS"]:
        assert f"{name}=" in example, name
        assert f"`{name}`" in readme, name
