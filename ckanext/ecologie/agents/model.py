"""Tables of the agents capability: who a provider's subject is here, the
mapping the portal admin declares, and the memberships that mapping granted."""

from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, UnicodeText


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class AgentIdentity(tk.BaseModel):
    """An account of the portal is its provider's (issuer, subject), never an
    e-mail address: addresses change hands, subjects do not."""

    __tablename__ = "ecologie_agent_identity"

    issuer = Column(UnicodeText, primary_key=True)
    subject = Column(UnicodeText, primary_key=True)
    user_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    created = Column(DateTime, nullable=False, default=now)
    last_login = Column(DateTime, nullable=False, default=now)


class AgentRule(tk.BaseModel):
    """One line of the mapping: agents of this SIRET, or of this e-mail
    domain, are members of this organisation."""

    __tablename__ = "ecologie_agent_rule"

    kind = Column(UnicodeText, primary_key=True)  # siret, email_domain
    value = Column(UnicodeText, primary_key=True)
    organization_id = Column(UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), primary_key=True)


class MappedMembership(tk.BaseModel):
    """A membership the mapping granted (a later login takes back only what
    the mapping gave), or, `revoked`, one an organisation admin took away
    (a later login does not give it back)."""

    __tablename__ = "ecologie_agent_membership"

    user_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    organization_id = Column(UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), primary_key=True)
    revoked = Column(Boolean, nullable=False, default=False)
