"""Text compared the way French catalogues write it loosely."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case, without accents ("Énergie" and "energie" compare equal)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
