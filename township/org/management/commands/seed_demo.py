"""Load the demo: 重庆市江津区白沙镇 with its villages, departments and one account per role, then every
capability's own demo data (``township/<app>/demo.py``: ``seed(stdout)``, then each ``finish(stdout)``).
Idempotent."""

from __future__ import annotations

import importlib
import importlib.util
import time
import traceback
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from township.org import demo

# Apps whose demo data others build on go first; the rest follow in INSTALLED_APPS order.
PREFERRED_ORDER = [
    "township.cases",
    "township.catalog",
    "township.subjects",
    "township.credit",
    "township.certificates",
    "township.approval",
    "township.enforcement",
    "township.grid",
]


VOLUME_MODULE = "township.command.volume"  # ``seed_volume(stdout, scale, seed)``: a year of life (--volume)


def demo_modules() -> list[str]:
    """``township.<app>.demo`` modules of installed apps (org's own is run first, separately)."""
    skip = {"township.org", "township.core"}  # township.core.demo is only an alias of township.org.demo
    names = [c.name for c in apps.get_app_configs() if c.name.startswith("township.") and c.name not in skip]
    names.sort(key=lambda n: (PREFERRED_ORDER.index(n) if n in PREFERRED_ORDER else len(PREFERRED_ORDER), 0))
    return [f"{n}.demo" for n in names if importlib.util.find_spec(f"{n}.demo") is not None]


class Command(BaseCommand):
    help = "Create the demo town (白沙镇), its departments, one account per role, and each app's demo data."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only-org", action="store_true", help="only divisions, departments and accounts")
        parser.add_argument(
            "--keep-demo-passwords",
            action="store_true",
            help="demo only: new demo accounts keep their printed passwords (else each must change it at first sign-in)",
        )
        parser.add_argument(
            "--volume",
            choices=["town", "small", "tiny"],
            help="after the demo, a year of life in 白沙镇 through the services (township.command.volume): "
            "town = thousands of cases for the 大屏 and 考核; small and tiny for quick tries",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo.keep_demo_passwords(bool(options["keep_demo_passwords"]))
        try:
            self.seed(**options)
        finally:
            demo.keep_demo_passwords(False)

    def seed(self, **options: Any) -> None:
        started = time.perf_counter()
        self.seed_demo(**options)
        if options.get("volume") and not options["only_org"]:
            self.stdout.write(f"seed_demo --volume {options['volume']}: {time.perf_counter() - started:.0f} 秒 (s)")

    def seed_volume(self, scale: str) -> None:
        """A year of life in 白沙镇 (``--volume``), after every app's demo data and before their ``finish`` (so last
        month's published 考核, the 督办 and the file review of the command demo are drawn from the year).
        org may not import the command center (import-linter): loaded by name, like the demo modules."""
        started = time.perf_counter()
        importlib.import_module(VOLUME_MODULE).seed_volume(self.stdout, scale=scale)
        self.stdout.write(f"volume: {time.perf_counter() - started:.0f} 秒 (s)")

    def seed_demo(self, **options: Any) -> None:
        demo.seed(self.stdout)
        failed: list[str] = []
        if not options["only_org"]:
            for module_name in demo_modules():
                module = importlib.import_module(module_name)
                seed = getattr(module, "seed", None)
                if seed is None:
                    continue
                try:
                    with transaction.atomic():
                        seed(self.stdout)
                except Exception:  # one app's broken demo must not hide the others
                    failed.append(module_name)
                    self.stderr.write(f"demo data of {module_name} failed:\n{traceback.format_exc()}")
            if options.get("volume"):
                self.seed_volume(options["volume"])
            # Then each app's ``finish(stdout)``: work over everything seeded (forwarding between case types …);
            # the engine's own finish (the timeline checkpoint) goes last, so it seals what the others wrote.
            finishing = sorted(demo_modules(), key=lambda n: n == "township.cases.demo")
            for module_name in finishing:
                finish = getattr(importlib.import_module(module_name), "finish", None)
                if finish is not None:
                    finish(self.stdout)
        self.print_logins()
        if failed:
            raise CommandError("demo data failed for: " + ", ".join(failed))

    def print_logins(self) -> None:
        rows = [("用户名 login", "密码 password", "角色 role", "单位 unit"), *demo.login_table()]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("演示账号 Demo logins (http://127.0.0.1:8000/, admin also at /admin/):"))
        self.stdout.write(line)
        for i, row in enumerate(rows):
            self.stdout.write("| " + " | ".join(_pad(cell, widths[j]) for j, cell in enumerate(row)) + " |")
            if i == 0:
                self.stdout.write(line)
        self.stdout.write(line)
        if demo.demo_passwords_kept():
            self.stdout.write("演示密码保留（--keep-demo-passwords，仅供演示）。Demo passwords kept (demo only).")
        else:
            self.stdout.write(
                "新建的演示账号首次登录须修改密码（演示可加 --keep-demo-passwords）。"
                "New demo accounts must change their password at first sign-in (--keep-demo-passwords keeps them)."
            )


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
