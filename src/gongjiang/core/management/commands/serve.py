"""``gongjiang serve``: the production WSGI server (waitress) with static files (WhiteNoise).

Not ``runserver``: waitress is a real multi-threaded server, pure Python, on every platform.
Static files are served by WhiteNoise from STATIC_ROOT, so run ``gongjiang collectstatic``
after an upgrade (``make run`` does); ``serve`` collects them itself when none are there yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from gongjiang.core.envconfig import env_int, env_list, env_str


class Command(BaseCommand):
    help = "Serve Gongjiang with waitress (default http://127.0.0.1:8000)."
    requires_system_checks: list[str] = []  # the checks run once, below, before serving

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=env_str("GONGJIANG_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("GONGJIANG_PORT", 8000))
        parser.add_argument("--threads", type=int, default=env_int("GONGJIANG_THREADS", 8))
        parser.add_argument(
            "--trusted-proxy", default=env_str("GONGJIANG_TRUSTED_PROXY", ""),
            help="Address of the TLS proxy in front; its X-Forwarded-For/-Proto are then believed.",
        )
        parser.add_argument(
            "--trusted-proxy-headers",
            default=",".join(env_list("GONGJIANG_TRUSTED_PROXY_HEADERS", ["x-forwarded-for", "x-forwarded-proto"])),
        )

    def handle(self, *args: Any, host: str, port: int, threads: int, trusted_proxy: str,
               trusted_proxy_headers: str, **options: Any) -> None:
        from waitress import serve

        self.check(display_num_errors=False)
        manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
        if settings.ENVIRONMENT != "test" and not manifest.exists():
            self.stdout.write("Static files are not collected yet; collecting them now ...")
            call_command("collectstatic", interactive=False, verbosity=0)
        # Only now: WhiteNoise indexes STATIC_ROOT when the application is built.
        from gongjiang.wsgi import application
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        self.stdout.write(f"Gongjiang is serving on http://{shown}:{port}/  (Ctrl+C to stop)")
        self.stdout.flush()
        extra: dict[str, Any] = {}
        if trusted_proxy:
            extra = {
                "trusted_proxy": trusted_proxy,
                "trusted_proxy_headers": {h.strip() for h in trusted_proxy_headers.split(",") if h.strip()},
                "clear_untrusted_proxy_headers": True,
            }
        serve(application, host=host, port=port, threads=threads, ident="gongjiang", **extra)
