"""Configuration checks: read the options only, contact nothing."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

from ckanext.ecologie.doctor.fixes import ini_file
from ckanext.ecologie.doctor.result import Result, fail, ok, warn
from ckanext.ecologie.doctor.urls import has_host, scheme_of

OUR_HARVESTERS = ("ecologie_dcat_harvester", "ecologie_csw_harvester", "ecologie_udata_harvester")
# our harvesters that read RDF through ckanext-dcat
DCAT_HARVESTERS = ("ecologie_dcat_harvester", "ecologie_csw_harvester")
# plugins that parse or serve RDF with ckanext-dcat's profiles
DCAT_PLUGINS = ("dcat", "dcat_rdf_harvester", *DCAT_HARVESTERS)

# option -> accepted URL schemes
REQUIRED_URLS = {
    "ckan.site_url": ("http", "https"),
    "solr_url": ("http", "https"),
    "ckan.redis.url": ("redis", "rediss", "unix"),
    "sqlalchemy.url": ("postgresql", "postgres", "postgresql+psycopg2"),
}

PROCONNECT = "ckanext.ecologie.proconnect"


def plugins() -> list[str]:
    return list(tk.config.get("ckan.plugins") or [])


def required_options() -> Result:
    problems = []
    for option, schemes in REQUIRED_URLS.items():
        value = str(tk.config.get(option) or "").strip()
        if not value:
            problems.append(f"{option} is not set")
        elif scheme_of(value) not in schemes or not (has_host(value) or scheme_of(value) == "unix"):
            problems.append(f"{option} is not a {'/'.join(schemes)} URL")
    if problems:
        return fail("config.options", "; ".join(problems), f"set them in {ini_file()} (see README, Configuration)")
    return ok("config.options", f"{', '.join(REQUIRED_URLS)} are set")


def plugin_list() -> Result:
    enabled = plugins()
    problems = []
    fatal = False
    if "ecologie" not in enabled:
        problems.append("ecologie is not enabled")
        fatal = True
    elif enabled[0] != "ecologie":
        # README, Plugins: it chains package_search and other core actions
        problems.append("ecologie is not first")
    proconnect_first = "ecologie" in enabled and "ecologie_proconnect" in enabled[: enabled.index("ecologie")]
    if proconnect_first:
        problems.append("ecologie_proconnect comes before ecologie")
    harvesters = [name for name in OUR_HARVESTERS if name in enabled]
    if harvesters and "harvest" not in enabled:
        problems.append(f"{harvesters[0]} needs harvest")
        fatal = True
    dcat_harvesters = [name for name in DCAT_HARVESTERS if name in enabled]
    if dcat_harvesters and "dcat" not in enabled:
        problems.append(f"{dcat_harvesters[0]} needs dcat")
    if not problems:
        return ok("config.plugins", "ckan.plugins holds what our plugins need, in a working order")
    fix = f"ckan.plugins = {' '.join(_suggested_order(enabled))}"
    return (fail if fatal else warn)("config.plugins", "; ".join(problems), fix)


def _suggested_order(enabled: list[str]) -> list[str]:
    order = [name for name in enabled if name not in ("ecologie", "ecologie_proconnect")]
    head = ["ecologie", "ecologie_proconnect"] if "ecologie_proconnect" in enabled else ["ecologie"]
    wanted = []
    if any(name in enabled for name in OUR_HARVESTERS) and "harvest" not in enabled:
        wanted.append("harvest")
    if any(name in enabled for name in DCAT_HARVESTERS) and "dcat" not in enabled:
        wanted.append("dcat")
    return head + wanted + order


def dcat_profiles() -> Result | None:
    enabled = [name for name in DCAT_PLUGINS if name in plugins()]
    if not enabled:
        return None
    value = tk.config.get("ckanext.dcat.rdf.profiles") or ""
    profiles = value.split() if isinstance(value, str) else list(value)
    if "dcat_ap_fr" in profiles:
        return ok("config.dcat", f"ckanext.dcat.rdf.profiles = {' '.join(profiles)}")
    wanted = " ".join([*(profiles or ["euro_dcat_ap_3"]), "dcat_ap_fr"])
    return fail(
        "config.dcat",
        f"{enabled[0]} is enabled but ckanext.dcat.rdf.profiles lacks dcat_ap_fr (themes, access rights)",
        f"ckanext.dcat.rdf.profiles = {wanted}",
    )


def proconnect() -> Result | None:
    if "ecologie_proconnect" not in plugins():
        return None
    # without these two the ProConnect button leads to a "not configured" page
    problems = [f"{PROCONNECT}.{key} is not set" for key in ("discovery_url", "client_id") if not _setting(key)]
    for key in ("discovery_url", "redirect_url"):
        if _setting(key) and scheme_of(_setting(key)) not in ("http", "https"):
            problems.append(f"{PROCONNECT}.{key} is not an http(s) URL")
    if "openid" not in _setting("scope").split():
        problems.append(f"{PROCONNECT}.scope lacks openid")
    if _setting("password_login") not in ("everyone", "sysadmins"):
        problems.append(f"{PROCONNECT}.password_login is neither everyone nor sysadmins")
    secret = "CKANEXT__ECOLOGIE__PROCONNECT__CLIENT_SECRET"
    if problems:
        return fail(
            "config.proconnect",
            "ecologie_proconnect is enabled but " + "; ".join(problems),
            f"set them in {ini_file()} from ProConnect's registration of the portal",
        )
    if not _setting("client_secret"):
        # a public client may do without; ProConnect registers confidential ones
        return warn(
            "config.proconnect",
            f"{PROCONNECT}.client_secret is not set",
            f"give the secret ProConnect issued in {secret} (or in {ini_file()})",
        )
    return ok("config.proconnect", "discovery URL, client id and secret are set")


def _setting(key: str) -> str:
    return str(tk.config.get(f"{PROCONNECT}.{key}") or "")


def mail() -> Result | None:
    recipient = tk.config.get("ckanext.ecologie.feedback.recipient")
    if not recipient:
        return None
    missing = [key for key in ("smtp.server", "smtp.mail_from") if not tk.config.get(key)]
    if missing:
        return fail(
            "config.mail",
            f"feedback goes to {recipient} but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set",
            f"set {' and '.join(missing)} in {ini_file()}",
        )
    return ok("config.mail", f"feedback goes to {recipient} through {tk.config.get('smtp.server')}")


def harvest_queue() -> Result | None:
    if "harvest" not in plugins():
        return None
    backend = tk.config.get("ckan.harvest.mq.type") or "redis"
    if backend != "redis":
        return fail(
            "config.harvest",
            f"ckan.harvest.mq.type is {backend}: this portal's consumers and checks expect Redis",
            "ckan.harvest.mq.type = redis",
        )
    if tk.config.get("ckan.harvest.mq.hostname"):
        where = (
            f"{tk.config.get('ckan.harvest.mq.hostname')}:{tk.config.get('ckan.harvest.mq.port') or 6379}"
            f" db {tk.config.get('ckan.harvest.mq.redis_db') or 0}"
        )
    else:
        where = "ckan.redis.url"
    return ok("config.harvest", f"harvest queues on Redis ({where})")
