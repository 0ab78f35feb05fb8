"""Service checks: PostgreSQL and its migrations, Solr, Redis, the OpenID
Connect provider, SMTP. Each waits TIMEOUT_S at most: a service that is down
or hangs must not hang the doctor."""

from __future__ import annotations

import importlib
import os
import smtplib
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
import redis
import requests
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from ckan.lib.search import SUPPORTED_SCHEMA_VERSIONS
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.pool import NullPool

from ckanext.ecologie.doctor.config_checks import plugins
from ckanext.ecologie.doctor.fixes import ckan_command, ini_file
from ckanext.ecologie.doctor.result import Result, fail, ok, warn
from ckanext.ecologie.doctor.urls import shown

TIMEOUT_S = 3
# redis-py may retry a command that timed out, with backoff: the doctor asks once
NO_RETRY = Retry(NoBackoff(), 0)

# (label, script directory, version table) of a migration history
Migrations = tuple[str, str, str]


def database() -> tuple[Result, sa.Engine | None]:
    """A `SELECT 1` on an engine of our own: CKAN's has no connect timeout."""
    url = tk.config.get("sqlalchemy.url") or ""
    try:
        engine = sa.create_engine(
            url,
            poolclass=NullPool,
            connect_args={"connect_timeout": TIMEOUT_S, "options": f"-c statement_timeout={TIMEOUT_S * 1000}"},
        )
        where = engine.url.render_as_string(hide_password=True)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except (sa.exc.SQLAlchemyError, ValueError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return fail("database", f"PostgreSQL does not answer: {reason}", _database_fix()), None
    return ok("database", f"PostgreSQL answers ({where})"), engine


def _database_fix() -> str:
    return f"start PostgreSQL, or correct sqlalchemy.url in {ini_file()}"


def migration_histories() -> list[Migrations]:
    """CKAN core's, then those of the enabled plugins that have one, found
    where `ckan db upgrade -p PLUGIN` looks: `ckanext/<extension>/migration/<plugin>`."""
    import ckan.migration

    found = [("core", os.path.dirname(ckan.migration.__file__), "alembic_version")]
    for name in plugins():
        plugin = p.get_plugin(name)
        if plugin is None:
            continue
        extension = importlib.import_module(".".join(type(plugin).__module__.split(".")[:2]))
        directory = os.path.join(next(iter(extension.__path__)), "migration", name)
        if os.path.isdir(os.path.join(directory, "versions")):
            # the version table every plugin env.py made by `ckan generate migration` uses
            found.append((name, directory, f"{name}_alembic_version"))
    return found


def migrations(engine: sa.Engine) -> Result:
    pending: list[str] = []
    fixes: list[str] = []
    histories = migration_histories()
    try:
        with engine.connect() as connection:
            for label, directory, table in histories:
                problem = _pending(ScriptDirectory(directory), connection, table)
                if problem:
                    pending.append(f"{label}: {problem}")
                    upgrade = "db upgrade --skip-plugins" if label == "core" else f"db upgrade -p {label}"
                    fixes.append(ckan_command(upgrade))
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return fail("migrations", f"cannot read the migration state: {reason}", _database_fix())
    labels = ", ".join(label for label, _, _ in histories)
    if pending:
        return fail("migrations", "; ".join(pending), " && ".join(fixes))
    return ok("migrations", f"{labels}: no pending migration")


def _pending(script: ScriptDirectory, connection: sa.Connection, table: str) -> str:
    heads = tuple(script.get_heads())
    current = tuple(MigrationContext.configure(connection, opts={"version_table": table}).get_current_heads())
    if set(current) == set(heads):
        return ""
    try:
        count = sum(1 for _ in script.iterate_revisions(heads, current or "base"))
    except CommandError:
        return f"at revision {', '.join(current)}, unknown to the installed code"
    plural = "s" if count != 1 else ""
    return f"{count} pending migration{plural}" + ("" if current else " (never migrated)")


def solr(engine: sa.Engine | None) -> Result:
    """A ping, the schema's name (CKAN's, of a supported version) and a query
    counting this site's datasets, compared with the database's."""
    url = (tk.config.get("solr_url") or "").rstrip("/")
    fix = f"start Solr, or set solr_url in {ini_file()} to the CKAN core"
    try:
        status = _solr_get(url, "/admin/ping").get("status")
        schema = _solr_get(url, "/schema/name").get("name") or ""
        site = _solr_quoted(tk.config.get("ckan.site_id") or "")
        query = {"q": "*:*", "rows": 0, "fq": f"+site_id:{site} +entity_type:package"}
        indexed = int(_solr_get(url, "/select", **query)["response"]["numFound"])
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        return _http_failure("solr", shown(url), error, fix, "does not answer as Solr does")
    if status != "OK":
        return fail("solr", f"{shown(url)} ping says {status}", fix)
    version = schema.removeprefix("ckan-")
    if not schema.startswith("ckan-") or version not in SUPPORTED_SCHEMA_VERSIONS:
        return fail(
            "solr",
            f"the core's schema is {schema or 'unnamed'}, not CKAN's ({', '.join(SUPPORTED_SCHEMA_VERSIONS)})",
            "give the core the schema.xml shipped with CKAN (ckan/config/solr/schema.xml)",
        )
    message = f"{shown(url)} answers, schema {schema}, {indexed} datasets of this site indexed"
    stored = _dataset_count(engine) if engine is not None else None
    if stored is not None and indexed < stored:
        return warn("solr", f"{message} but {stored} in the database", ckan_command("search-index rebuild -o"))
    if stored is not None and indexed > stored:
        # rebuild clears the orphans package_search finds: those of type dataset only
        fix = (
            f"{ckan_command('search-index rebuild')}; if more remain, "
            f"{ckan_command('search-index clear')} then rebuild (search is empty meanwhile)"
        )
        return warn("solr", f"{message} but {stored} in the database", fix)
    return ok("solr", message)


def _solr_get(url: str, path: str, **params: Any) -> dict[str, Any]:
    user, password = tk.config.get("solr_user"), tk.config.get("solr_password")
    response = requests.get(
        url + path,
        params={**params, "wt": "json"},
        timeout=TIMEOUT_S,
        auth=(user, password) if user and password else None,
    )
    response.raise_for_status()
    return response.json()


def _solr_quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dataset_count(engine: sa.Engine) -> int | None:
    # what CKAN indexes: every package but the deleted ones
    query = sa.text("SELECT count(*) FROM package WHERE state <> 'deleted'")
    try:
        with engine.connect() as connection:
            return int(connection.execute(query).scalar_one())
    except sa.exc.SQLAlchemyError:
        return None


def redis_server() -> Result:
    url = tk.config.get("ckan.redis.url") or ""
    fix = f"start Redis, or correct ckan.redis.url in {ini_file()}"
    try:
        client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S, retry=NO_RETRY)
        client.ping()
        client.close()
    except (redis.RedisError, ValueError) as error:
        return fail("redis", f"{shown(url)} does not answer: {error}", fix)
    return ok("redis", f"{shown(url)} answers")


def openid_provider() -> Result | None:
    url = tk.config.get("ckanext.ecologie.proconnect.discovery_url")
    if "ecologie_proconnect" not in plugins() or not url:
        return None
    fix = f"check ckanext.ecologie.proconnect.discovery_url in {ini_file()} and that the portal reaches the provider"
    try:
        response = requests.get(url, timeout=TIMEOUT_S)
        response.raise_for_status()
        document = response.json()
        issuer = document["issuer"]
        missing = [key for key in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not document.get(key)]
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        return _http_failure("openid", url, error, fix, "is not an OpenID Connect discovery document")
    if missing:
        return fail("openid", f"the discovery document of {issuer} lacks {', '.join(missing)}", fix)
    return ok("openid", f"the discovery document answers (issuer {issuer})")


def smtp() -> Result:
    """Connects and reads the server's greeting. A FAIL when the feedback
    form sends there, a WARN otherwise (access requests and password resets
    also send e-mails)."""
    server = tk.config.get("smtp.server") or "localhost"
    host, _, port_text = server.rpartition(":") if ":" in server else (server, "", "25")
    fix = f"start the SMTP server, or correct smtp.server in {ini_file()}"
    report = fail if tk.config.get("ckanext.ecologie.feedback.recipient") else warn
    try:
        port = int(port_text)
        # port 465 speaks TLS from the start: a plain client would wait for a greeting
        connection = (smtplib.SMTP_SSL if port == 465 else smtplib.SMTP)(host, port, timeout=TIMEOUT_S)
        connection.quit()
    except ValueError:
        return report("smtp", f"smtp.server {server} has no valid port", fix)
    except (OSError, smtplib.SMTPException) as error:
        return report("smtp", f"{server} does not answer: {error or type(error).__name__}", fix)
    return ok("smtp", f"{server} answers")


def _http_failure(check: str, where: str, error: Exception, fix: str, not_the_service: str) -> Result:
    """What an HTTP check says of a service that failed it: no answer in
    time, no connection, an HTTP error, or an answer of something else."""
    if isinstance(error, requests.Timeout):
        return fail(check, f"{where} does not answer within {TIMEOUT_S} s", fix)
    if isinstance(error, requests.ConnectionError):
        return fail(check, f"{where} does not answer (cannot connect)", fix)
    if isinstance(error, requests.HTTPError) and error.response is not None:
        return fail(check, f"{where} answers HTTP {error.response.status_code}", fix)
    return fail(check, f"{where} {not_the_service}", fix)
