"""The API token a source presents to its node: stored apart from the source's config,
which everyone who can see the source can read, and never returned by any action."""
from __future__ import annotations

import datetime

import ckan.model as model

from ..model import ExchangeNode


def token_for(source_id: str) -> str | None:
    row = model.Session.get(ExchangeNode, source_id)
    return row.api_token if row else None


def set_token(source_id: str, api_token: str, user_id: str | None) -> None:
    row = model.Session.get(ExchangeNode, source_id) or ExchangeNode(source_id=source_id)
    row.api_token = api_token
    row.set_by = user_id
    row.set_at = datetime.datetime.utcnow()
    model.Session.add(row)
    model.Session.commit()


def forget(source_id: str) -> bool:
    deleted = model.Session.query(ExchangeNode).filter_by(source_id=source_id).delete()
    model.Session.commit()
    return bool(deleted)


def status(source_id: str) -> dict:
    """Whether a token is set, when and by whom: what pages and the API may show."""
    row = model.Session.get(ExchangeNode, source_id)
    return {"token_set": row is not None,
            "set_at": row.set_at.isoformat() if row else None,
            "set_by": row.set_by if row else None}
