import os
import subprocess
import sys

from django.conf import settings

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run_settings(**environment):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(environment, DJANGO_SETTINGS_MODULE="pingan.settings")
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_secret_key_is_required_when_debug_is_off():
    result = run_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key():
    result = run_settings(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="pingan.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_default_key_only_with_debug():
    result = run_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_chinese_locale_and_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_media_root_is_outside_static():
    static_dirs = [str(path) for path in settings.STATICFILES_DIRS] + [str(settings.STATIC_ROOT)]
    assert not any(str(settings.MEDIA_ROOT).startswith(path) for path in static_dirs)


def test_no_url_serves_the_media_root(client):
    assert client.get("/media/").status_code == 404
