import os
import subprocess
import sys

from django.conf import settings

from pingan.pdf import check_font_subsetter

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


AUDIT_KEYS = {"AUDIT_KEY": "a" * 64, "AUDIT_SIGNING_KEY": "5" * 64}


def run_settings(**environment):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "AUDIT_KEY", "AUDIT_SIGNING_KEY")
    }
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
    result = run_settings(
        DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="pingan.example", **AUDIT_KEYS
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_needs_the_audit_keys_outside_the_database():
    result = run_settings(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="pingan.example")
    assert result.returncode != 0
    assert "AUDIT_KEY" in result.stderr


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


def test_pages_carry_a_strict_content_security_policy(client, people):
    client.force_login(people["town_office"])
    policy = client.get("/", follow=True).headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    page = client.get("/", follow=True).content.decode()
    assert "onclick=" not in page and "javascript:" not in page and 'style="' not in page


def test_production_settings_pass_the_deploy_check():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "k" * 64 + "-production-grade-secret-key-for-the-check",
        "ALLOWED_HOSTS": "pingan.example.gov.cn",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        **AUDIT_KEYS,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
            },
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_chinese_fonts_are_subset_by_harfbuzz():
    assert check_font_subsetter() == []


def test_production_is_secure_with_nothing_but_the_keys_and_hosts():
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={
            **environment,
            "DEBUG": "0",
            "SECRET_KEY": "k" * 64 + "-production-grade-secret-key-for-the-check",
            "ALLOWED_HOSTS": "pingan.example.gov.cn",
            **AUDIT_KEYS,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
