"""Access rights of a dataset and the reasons that restrict them.

The reasons are those of the INSPIRE Directive, article 13.1 (a to h), as
transposed in the French Code de l'environnement (articles L124-4 and L124-5),
with the INSPIRE registry's LimitationsOnPublicAccess codes.
"""

from __future__ import annotations

import re

import ckan.plugins.toolkit as tk

from ckanext.ecologie.text import fold

OPEN = "open"
OPEN_WITH_ACCOUNT = "open_with_account"
RESTRICTED = "restricted"
ACCESS_RIGHTS = (OPEN, OPEN_WITH_ACCOUNT, RESTRICTED)
# The Solr field searches facet on: CKAN's schema indexes `vocab_*` as strings
INDEX_FIELD = "vocab_access_rights"

LIMITATIONS = "http://inspire.ec.europa.eu/metadata-codelist/LimitationsOnPublicAccess/"
NO_LIMITATIONS = LIMITATIONS + "noLimitations"

# category -> (article of the Code de l'environnement, INSPIRE registry code)
CATEGORIES: dict[str, tuple[str, str]] = {
    "a": ("L124-4-I-1", "INSPIRE_Directive_Article13_1a"),
    "b": ("L124-5-II-1", "INSPIRE_Directive_Article13_1b"),
    "c": ("L124-5-II-2", "INSPIRE_Directive_Article13_1c"),
    "d": ("L124-4-I-1", "INSPIRE_Directive_Article13_1d"),
    "e": ("L124-5-II-3", "INSPIRE_Directive_Article13_1e"),
    "f": ("L124-4-I-1", "INSPIRE_Directive_Article13_1f"),
    "g": ("L124-4-I-3", "INSPIRE_Directive_Article13_1g"),
    "h": ("L124-4-I-2", "INSPIRE_Directive_Article13_1h"),
}


def access_right_labels() -> dict[str, str]:
    _ = tk._
    return {
        OPEN: _("Open data"),
        OPEN_WITH_ACCOUNT: _("Open data, with an account"),
        RESTRICTED: _("Restricted access"),
    }


def category_labels() -> dict[str, str]:
    """Short descriptions of INSPIRE article 13.1 a to h."""
    _ = tk._
    return {
        "a": _("Confidentiality of the proceedings of public authorities"),
        "b": _("International relations, public security or national defence"),
        "c": _("The course of justice, or criminal and disciplinary enquiries"),
        "d": _("Confidentiality of commercial or industrial information, statistical and tax secrecy"),
        "e": _("Intellectual property rights"),
        "f": _("Confidentiality of personal data"),
        "g": _("Protection of a person who supplied the information voluntarily"),
        "h": _("Protection of the environment, such as the location of rare species"),
    }


def category_label(category: str | None) -> str:
    """e.g. "Article L124-5-II-1 du code de l'environnement (INSPIRE 13.1.b) : ..." in French."""
    if not category or category not in CATEGORIES:
        return ""
    article = CATEGORIES[category][0]
    return tk._("{article} of the Code de l'environnement (INSPIRE, article 13.1.{letter}): {label}").format(
        article=article, letter=category, label=category_labels()[category]
    )


_ARTICLE = re.compile(r"(?:article\s*)?13[._ ]?1[._ ]?\(?([a-h])\)?(?![a-z])")
_NO_RESTRICTION = (
    "nolimitations",
    "pas de restriction",
    "aucune restriction",
    "aucun des articles",
    "no limitation",
    "no restriction",
)


def from_limitations(values: list[str]) -> tuple[str, str | None] | None:
    """Access rights and reason category from INSPIRE LimitationsOnPublicAccess
    values: registry URIs or the French labels of French catalogues, such as
    "Pas de restriction d'accès public selon INSPIRE" or "L124-4-I-1 du code de
    l'environnement (Directive 2007/2/CE (INSPIRE), Article 13.1.d)".
    None when no value says anything about public access."""
    restricted: list[str] = []
    unrestricted = False
    for value in values:
        folded = fold(value)
        found = _ARTICLE.search(folded.replace("inspire_directive_article", "article "))
        if found:
            restricted.append(found.group(1))
        elif any(marker in folded for marker in _NO_RESTRICTION):
            unrestricted = True
    if restricted:
        return RESTRICTED, sorted(restricted)[0]
    if unrestricted:
        return OPEN, None
    return None
