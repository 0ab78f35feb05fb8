"""What the dataset page shows of a dataset: its "Informations" panel (the
source's own dates, frequency, coverage, licence, identifier, contact, link
to the source record), the drawing of its extent, its producer and the
bouquets its visitor may add it to.

Only fields meant for a reader are read: the harvest's own (object and
source ids, hashes, the source's title) never reach the page."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from flask_babel import format_date

from ckanext.ecologie.contexts import user_context
from ckanext.ecologie.organizations import types as organization_types

# A scoped identifier holds the harvest source's id: not an identifier the record gives.
_SCOPED_IDENTIFIER = "urn:ecologie:source:"
# Metropolitan France, roughly: the reference drawn under a dataset's extent.
FRANCE = (
    (-4.8, 48.4), (-1.8, 49.7), (1.6, 50.9), (2.5, 51.1), (4.2, 49.9), (8.2, 49.0), (7.6, 47.6),
    (6.9, 46.4), (7.7, 45.9), (7.0, 45.0), (7.5, 43.8), (6.2, 43.1), (3.3, 43.4), (3.1, 42.4),
    (-1.8, 43.4), (-1.2, 46.2), (-2.5, 47.3), (-4.8, 48.4),
)  # fmt: skip


def _frequencies() -> dict[str, str]:
    """Labels by normalised code: the EU frequency vocabulary, ISO 19115's
    maintenance frequencies, udata's and Dublin Core's (upper case, no `_`)."""
    _ = tk._
    annual, twice_year, three_year = _("Annually"), _("Twice a year"), _("Three times a year")
    two_weeks, twice_month = _("Every two weeks"), _("Twice a month")
    continuous, as_needed, not_planned = _("Continuously"), _("As needed"), _("No update planned")
    return {
        "ANNUAL": annual,
        "ANNUALLY": annual,
        "BIENNIAL": _("Every two years"),
        "TRIENNIAL": _("Every three years"),
        "QUINQUENNIAL": _("Every five years"),
        "DECENNIAL": _("Every ten years"),
        "ANNUAL2": twice_year,
        "SEMIANNUAL": twice_year,
        "BIANNUALLY": twice_year,
        "ANNUAL3": three_year,
        "THREETIMESAYEAR": three_year,
        "QUARTERLY": _("Quarterly"),
        "BIMONTHLY": _("Every two months"),
        "MONTHLY": _("Monthly"),
        "MONTHLY2": twice_month,
        "SEMIMONTHLY": twice_month,
        "BIWEEKLY": two_weeks,
        "FORTNIGHTLY": two_weeks,
        "WEEKLY": _("Weekly"),
        "WEEKLY2": _("Twice a week"),
        "SEMIWEEKLY": _("Twice a week"),
        "WEEKLY3": _("Three times a week"),
        "THREETIMESAWEEK": _("Three times a week"),
        "DAILY": _("Daily"),
        "DAILY2": _("Twice a day"),
        "SEMIDAILY": _("Twice a day"),
        "HOURLY": _("Hourly"),
        "CONT": continuous,
        "CONTINUAL": continuous,
        "CONTINUOUS": continuous,
        "UPDATECONT": continuous,
        "IRREG": _("Irregularly"),
        "IRREGULAR": _("Irregularly"),
        "ASNEEDED": as_needed,
        "PUNCTUAL": _("Once"),
        "NEVER": not_planned,
        "NOTPLANNED": not_planned,
    }


def _names(key: str) -> tuple[str, ...]:
    """A field's key, and the label ckanext-dcat gives it in the dicts of a
    page (its `before_dataset_view` renames extras and resource fields)."""
    from ckanext.dcat.utils import field_labels

    label = field_labels().get(key)
    return (key, str(label)) if label else (key,)


def extra(pkg: dict[str, Any], key: str) -> Any:
    names = _names(key)
    for item in pkg.get("extras") or []:
        if isinstance(item, dict) and item.get("key") in names:
            return item.get("value")
    return pkg.get(key) if key not in ("extras", "resources") else None


def filesize(number: int) -> str:
    """A number of bytes as a reader writes it, "12,3 Mo" (core's French
    catalogue says "12,3 mébi")."""
    _ = tk._
    units = (_("{size} KB"), _("{size} MB"), _("{size} GB"), _("{size} TB"))
    if number < 1024:
        return _("{size} bytes").format(size=tk.h.localised_number(number))
    for power, unit in enumerate(units, start=1):
        if number < 1024 ** (power + 1) or power == len(units):
            # one decimal, rounded down as core does
            return unit.format(size=tk.h.localised_number(float(number * 10 // 1024**power) / 10))
    return ""


def resource_size(res: dict[str, Any]) -> str:
    """A resource's size, as "12,3 Mo"; '' when unknown."""
    for name in _names("size"):
        value = res.get(name)
        if isinstance(value, int | float) and value > 0:
            return filesize(int(value))
        if isinstance(value, str) and value.isdigit() and int(value) > 0:
            return filesize(int(value))
    return ""


def frequency_label(value: str | None) -> str:
    """A frequency's label, whatever vocabulary names it; '' for an
    unknown one (a raw code or URI means nothing to a reader)."""
    if not value or not isinstance(value, str):
        return ""
    code = re.split(r"[/#]", value.strip().rstrip("/"))[-1]
    return _frequencies().get(code.replace("_", "").replace("-", "").upper(), "")


def date_label(value: str | None) -> str:
    """A date as written by the source, in the page's language: "1 janvier
    2007"; a year or a month alone stays one; '' when it is not a date."""
    if not value or not isinstance(value, str):
        return ""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        try:
            return format_date(datetime.date.fromisoformat(text + "-01"), "MMMM y")
        except ValueError:
            return ""
    try:
        day = datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return ""
    return format_date(day, "long")


def _coordinates(geometry: Any) -> list[tuple[float, float]]:
    if isinstance(geometry, dict):
        if geometry.get("type") == "GeometryCollection":
            return [point for part in geometry.get("geometries") or [] for point in _coordinates(part)]
        return _coordinates(geometry.get("coordinates"))
    if isinstance(geometry, list | tuple):
        if len(geometry) >= 2 and all(isinstance(value, int | float) for value in geometry[:2]):
            return [(float(geometry[0]), float(geometry[1]))]
        return [point for part in geometry for point in _coordinates(part)]
    return []


def extent(pkg: dict[str, Any]) -> dict[str, Any] | None:
    """The dataset's bounding box (west, south, east, north) and an inline
    SVG drawing of it over metropolitan France, framed around both: no map
    tile, nothing fetched."""
    points: list[tuple[float, float]] = []
    for key in ("spatial_bbox", "spatial"):
        value = extra(pkg, key)
        if not value:
            continue
        try:
            points = _coordinates(json.loads(value) if isinstance(value, str) else value)
        except (ValueError, RecursionError):  # not GeoJSON, or nested past Python's stack
            points = []
        if points:
            break
    points = [(x, y) for x, y in points if -180 <= x <= 180 and -90 <= y <= 90]
    if not points:
        return None
    west, east = min(x for x, _ in points), max(x for x, _ in points)
    south, north = min(y for _, y in points), max(y for _, y in points)
    frame_w, frame_e = min(west, -5.5), max(east, 9.8)
    frame_s, frame_n = min(south, 41.3), max(north, 51.5)
    margin = max(frame_e - frame_w, frame_n - frame_s) * 0.08
    frame_w, frame_e, frame_s, frame_n = frame_w - margin, frame_e + margin, frame_s - margin, frame_n + margin
    # the SVG's y grows southwards: -latitude
    box = {
        "x": round(west, 4),
        "y": round(-north, 4),
        "width": round(max(east - west, 0.0), 4),
        "height": round(max(north - south, 0.0), 4),
    }
    return {
        "west": round(west, 4),
        "south": round(south, 4),
        "east": round(east, 4),
        "north": round(north, 4),
        "view_box": f"{frame_w:.3f} {-frame_n:.3f} {frame_e - frame_w:.3f} {frame_n - frame_s:.3f}",
        "box": box,
        "point": box["width"] == 0 and box["height"] == 0,
        "france": " ".join(f"{x},{-y}" for x, y in FRANCE),
    }


def _link(url: Any) -> str | None:
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def information(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the "Informations" panel: label, text, and a link or an
    e-mail address when the value has one. Empty rows are left out."""
    _ = tk._
    rows: list[dict[str, Any]] = []

    def add(label: str, text: Any, url: str | None = None, email: str | None = None) -> None:
        if text:
            rows.append({"label": label, "text": text, "url": url, "email": email})

    add(_("Published on"), date_label(extra(pkg, "issued")))
    add(_("Updated on"), date_label(extra(pkg, "modified")))
    add(_("Update frequency"), frequency_label(extra(pkg, "frequency")))
    start, end = date_label(extra(pkg, "temporal_start")), date_label(extra(pkg, "temporal_end"))
    if start and end:
        add(_("Temporal coverage"), _("From {start} to {end}").format(start=start, end=end))
    elif start:
        add(_("Temporal coverage"), _("From {start}").format(start=start))
    elif end:
        add(_("Temporal coverage"), _("Until {end}").format(end=end))
    add(_("Places"), extra(pkg, "spatial_text"))
    if pkg.get("license_id"):
        add(_("Licence"), pkg.get("license_title") or pkg["license_id"], _link(pkg.get("license_url")))
    elif (pkg.get("access_rights") or "open") == "restricted":
        add(_("Licence"), _("None: the data is not public"))
    identifier = extra(pkg, "identifier")
    if not identifier or not isinstance(identifier, str):
        identifier = extra(pkg, "harvest_identifier")
    if isinstance(identifier, str) and not identifier.startswith(_SCOPED_IDENTIFIER):
        add(_("Identifier"), identifier)
    add(_("Version"), pkg.get("version"))
    name = pkg.get("maintainer") or extra(pkg, "contact_name")
    email = pkg.get("maintainer_email") or extra(pkg, "contact_email")
    if name or email:
        add(_("Contact"), name or email, email=email if email and "@" in email else None)
    elif pkg.get("author") or pkg.get("author_email"):
        author_email = pkg.get("author_email")
        add(_("Contact"), pkg.get("author") or author_email, email=author_email or None)
    provenance = extra(pkg, "provenance")
    if provenance and provenance != extra(pkg, "harvest_source_title"):
        add(_("Provenance"), provenance)
    record = _link(extra(pkg, "source_record_url"))
    add(_("Source catalogue"), _("See the record in its source catalogue") if record else None, record)
    page = _link(pkg.get("url"))
    if page and page != record:
        add(_("Producer's page"), page, page)
    return rows


def producer(pkg: dict[str, Any]) -> dict[str, Any]:
    """The dataset's organisation as the page names it: title, address and type label."""
    organization = pkg.get("organization") or {}
    if not organization.get("name"):
        return {}
    type_id = organization_types.type_of(organization.get("id"))
    return {
        "title": organization.get("title") or organization["name"],
        "url": tk.h.url_for("organization.read", id=organization["name"]),
        "type": organization_types.label(type_id) if type_id else "",
        "image_url": organization.get("image_url") or "",
    }


def bouquets_to_add_to(pkg: dict[str, Any]) -> list[dict[str, Any]]:
    """The bouquets the visitor made and may change, that do not hold the
    dataset yet: each one's "add" form posts to its items page."""
    user = tk.current_user
    if not getattr(user, "is_authenticated", False) or pkg.get("type") != "dataset":
        return []
    context = user_context()
    found = tk.get_action("package_search")(
        context,
        {
            "fq": f'+dataset_type:bouquet +creator_user_id:"{user.id}"',
            "include_private": True,
            "include_drafts": True,
            "rows": 100,
            "sort": "metadata_modified desc",
        },
    )["results"]
    holding = {bouquet["id"] for bouquet in tk.h.ecologie_bouquets_using(pkg)}
    shown = []
    for bouquet in found:
        if bouquet["id"] in holding:
            continue
        try:
            tk.check_access("package_update", user_context(), {"id": bouquet["id"]})
        except tk.NotAuthorized:
            continue
        shown.append({"id": bouquet["id"], "name": bouquet["name"], "title": bouquet.get("title") or bouquet["name"]})
    return shown


def get_helpers() -> dict[str, Any]:
    return {
        "ecologie_dataset_information": information,
        "ecologie_dataset_extent": extent,
        "ecologie_dataset_producer": producer,
        "ecologie_bouquets_to_add_to": bouquets_to_add_to,
        "ecologie_frequency_label": frequency_label,
        "ecologie_resource_size": resource_size,
    }
