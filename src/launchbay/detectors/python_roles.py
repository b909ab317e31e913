"""What a Python component *is*: its framework and roles from declared dependencies, and the
inferences made when nothing explicit says how it starts (app objects, Celery/arq workers,
framework default ports), plus the library / cli / research fallbacks.

Inferred facts carry low priorities so any explicit source (Procfile, script, code) wins.
"""

from __future__ import annotations

from launchbay.detectors.python_code import AppObject, CodeScan
from launchbay.detectors.python_common import Loc, make
from launchbay.detectors.python_manifest import Dep, Manifest
from launchbay.models.profile import FALLBACK_PRIORITY, Fact

# Dependency (PEP 503 name) -> framework, per role; earlier entries win within a role.
HTTP = (("fastapi", "fastapi"), ("litestar", "litestar"), ("django", "django"), ("flask", "flask"),
        ("quart", "quart"), ("sanic", "sanic"), ("falcon", "falcon"), ("starlette", "starlette"),
        ("aiohttp", "aiohttp"))
BOTS = (("discord-py", "discord.py"), ("discord", "discord.py"), ("py-cord", "py-cord"),
        ("nextcord", "nextcord"), ("python-telegram-bot", "python-telegram-bot"), ("aiogram", "aiogram"),
        ("pytelegrambotapi", "pytelegrambotapi"), ("slack-bolt", "slack-bolt"))
WORKERS = (("celery", "celery"), ("arq", "arq"), ("dramatiq", "dramatiq"), ("rq", "rq"), ("huey", "huey"))
FRONTENDS = (("streamlit", "streamlit"),)
SCHEDULERS = ("apscheduler", "rq-scheduler", "django-celery-beat", "celery-redbeat", "schedule")
NOTEBOOK_DEPS = ("jupyter", "jupyterlab", "notebook", "ipykernel", "papermill")
ANALYSIS_DEPS = ("pandas", "polars", "matplotlib", "seaborn", "plotly", "scipy", "statsmodels", "scikit-learn")
DEFAULT_PORTS = {"fastapi": 8000, "starlette": 8000, "litestar": 8000, "sanic": 8000, "falcon": 8000,
                 "django": 8000, "flask": 5000, "quart": 5000, "aiohttp": 8080, "streamlit": 8501}
ASGI = {"fastapi", "starlette", "litestar", "quart"}
SERVICE_ROLES = {"http-server", "worker", "bot", "cron", "frontend"}
_ENTRY_STEMS = ("main", "app", "server", "api", "asgi", "wsgi", "application")


def frameworks(comp: str, m: Manifest, scan: CodeScan) -> list[Fact]:
    """Framework and role facts, each with the dependency line as evidence."""
    facts: list[Fact] = []
    groups = ((BOTS, "bot", 60), (HTTP, "http-server", 58), (FRONTENDS, "frontend", 57), (WORKERS, "worker", 55))
    for table, role, priority in groups:
        for dep_name, framework in table:
            dep = m.dep(dep_name)
            if dep is None or (framework == "aiohttp" and scan.aiohttp_server is None):
                continue
            facts.append(make(comp, "framework", framework, dep.loc, priority=priority,
                              note=f"{dep.name} dependency"))
            facts.append(make(comp, "role", role, dep.loc, note=f"{dep.name} dependency"))
            break
    for name in SCHEDULERS:
        dep = m.dep(name)
        if dep is not None:
            facts.append(make(comp, "role", "cron", dep.loc, note=f"{dep.name} scheduler dependency"))
    return facts


def chosen(facts: list[Fact], kind: str) -> str | None:
    """The value the assembler would pick among `facts` of `kind`."""
    best = max((f for f in facts if f.kind == kind), key=lambda f: f.priority, default=None)
    return None if best is None else str(best.value)


def inferred(comp: str, m: Manifest, scan: CodeScan, facts: list[Fact], manage: Loc | None) -> list[Fact]:
    """Start commands and ports inferred from app objects and framework defaults."""
    out: list[Fact] = []
    framework = chosen(facts, "framework")
    roles = {str(f.value) for f in facts if f.kind == "role"}
    serves_http = "http-server" in roles
    worker_priority = 22 if serves_http else 40

    for module, loc in scan.arq_settings:
        out.append(make(comp, "start_command", f"arq {module}.WorkerSettings", loc, priority=worker_priority,
                        note="arq WorkerSettings class"))
        out.append(make(comp, "role", "worker", loc, note="arq WorkerSettings class"))
    for app in scan.apps:
        if app.kind == "celery" and app.module:
            out.append(make(comp, "start_command", f"celery -A {_celery_target(app)} worker", app.loc,
                            priority=worker_priority, note="Celery app object"))
    http_apps = [a for a in scan.apps if a.kind != "celery" and a.module]
    if http_apps:
        app = min(http_apps, key=_app_rank)
        out.append(make(comp, "start_command", _server_command(app, m), app.loc, priority=25,
                        note=f"inferred from the {app.kind} app object"))
    if framework == "django" and manage is not None:
        gunicorn = m.dep("gunicorn")
        if gunicorn is not None and scan.wsgi_module is not None:
            module, loc = scan.wsgi_module
            out.append(make(comp, "start_command", f"gunicorn {module}:application", loc, priority=25,
                            note="inferred from wsgi.py and the gunicorn dependency"))
        out.append(make(comp, "start_command", "python manage.py runserver", manage, priority=20,
                        note="framework default (development server)"))
    out.extend(_default_port(comp, m, framework))
    return out


def _celery_target(app: AppObject) -> str:
    module = app.module
    if module.endswith(".celery") and module.count(".") >= 1:
        module = module.rsplit(".", 1)[0]
    return module if app.var in {"app", "celery"} else f"{module}:{app.var}"


def _app_rank(app: AppObject) -> tuple[int, int, str]:
    stem = app.module.rsplit(".", 1)[-1]
    return (0 if stem in _ENTRY_STEMS else 1, app.module.count("."), app.module)


def _server_command(app: AppObject, m: Manifest) -> str:
    target = f"{app.module}:{app.var}"
    if app.kind in ASGI:
        if m.dep("uvicorn") is None and m.dep("hypercorn") is not None:
            return f"hypercorn {target}"
        return f"uvicorn {target}"
    if app.kind == "sanic":
        return f"sanic {target}"
    if m.dep("gunicorn") is not None:
        return f"gunicorn {target}"
    return f"flask --app {app.module} run"


def _default_port(comp: str, m: Manifest, framework: str | None) -> list[Fact]:
    if framework not in DEFAULT_PORTS:
        return []
    port = DEFAULT_PORTS[framework]
    server: Dep | None = None
    if framework in {"flask", "django", "falcon"}:
        server = m.dep("gunicorn")
    elif framework in ASGI:
        server = m.dep("uvicorn", "hypercorn")
    if server is not None:
        port = 8000  # gunicorn, uvicorn and hypercorn all bind 8000 unless told otherwise
    dep = server or m.dep(framework)
    if dep is None:
        return []
    return [make(comp, "port", port, dep.loc, priority=20, note="framework default")]


def classify(comp: str, m: Manifest, facts: list[Fact], notebook: Loc | None) -> list[Fact]:
    """cli / research / library roles (and a library's build command) when nothing runs it as a service."""
    roles = {str(f.value) for f in facts if f.kind == "role"}
    if roles & SERVICE_ROLES or "workspace" in roles:
        return []
    out: list[Fact] = []
    has_start = any(f.kind == "start_command" and f.priority >= FALLBACK_PRIORITY for f in facts)
    if m.scripts:
        out.append(make(comp, "role", "cli", m.scripts[0][1], note="console script, no service framework"))
        return out
    if has_start:
        return out
    package = m.build_system or m.is_setup_package
    research = _research(m, notebook, packaged=package is not None)
    if research is not None:
        loc, note = research
        out.append(make(comp, "role", "research", loc, note=note))
    elif package is not None:
        out.append(make(comp, "role", "library", package, note="installable package with no entry point"))
        out.append(make(comp, "build_command", "python -m build", package, priority=40,
                        note="library: build the distribution"))
    return out


def _research(m: Manifest, notebook: Loc | None, *, packaged: bool) -> tuple[Loc, str] | None:
    if notebook is not None:
        return notebook, "jupyter notebook"
    dep = m.dep(*NOTEBOOK_DEPS)
    if dep is not None:
        return dep.loc, f"{dep.name} dependency, no entry point"
    dep = None if packaged else m.dep(*ANALYSIS_DEPS)
    if dep is not None:
        return dep.loc, f"analysis scripts ({dep.name}), no entry point"
    return None


def script_start(comp: str, m: Manifest) -> list[Fact]:
    """A console script as the start command: the one named like a server, else the first."""
    if not m.scripts:
        return []
    preferred = ("serve", "server", "start", "run", "api", "web", "bot", "worker")
    name, loc = next(((n, lo) for n, lo in m.scripts if n in preferred), m.scripts[0])
    if m.name is not None:
        name, loc = next(((n, lo) for n, lo in m.scripts if n == m.name[0]), (name, loc))
    return [make(comp, "start_command", name, loc, priority=45, note="[project.scripts] entry")]
