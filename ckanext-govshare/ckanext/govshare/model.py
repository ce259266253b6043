"""The govshare plugin's own tables (created by its migrations, never by create_all)."""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
from sqlalchemy import (BigInteger, Column, Date, DateTime, ForeignKey, Integer, UnicodeText,
                        UniqueConstraint)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import relationship


class Classification(tk.BaseModel):
    """A node of the catalog classification tree (类/项/目/细目); its parent is implied by its code."""

    __tablename__ = "govshare_classification"

    code = Column(UnicodeText, primary_key=True)
    name = Column(UnicodeText, nullable=False)
    name_en = Column(UnicodeText, nullable=False, default="")
    created = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)
    modified = Column(DateTime, nullable=False, default=datetime.datetime.utcnow,
                      onupdate=datetime.datetime.utcnow)

    def as_dict(self) -> dict:
        from . import classification
        return {
            "code": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "level": classification.level(self.code),
            "parent": classification.parent_code(self.code),
        }


class CodeSequence(tk.BaseModel):
    """The last sequence number issued under one classification prefix."""

    __tablename__ = "govshare_code_sequence"

    prefix = Column(UnicodeText, primary_key=True)
    last_value = Column(Integer, nullable=False)


class CatalogImport(tk.BaseModel):
    """One bulk registration from a filled-in Excel template, and how far it got."""

    __tablename__ = "govshare_catalog_import"

    id = Column(UnicodeText, primary_key=True)
    # purging the user or the department takes its import records with it
    user_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    owner_org = Column(UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), nullable=False)
    filename = Column(UnicodeText, nullable=False)
    mode = Column(UnicodeText, nullable=False)        # all_or_nothing | valid_only
    lang = Column(UnicodeText, nullable=False, default="zh_Hans_CN")  # for the row errors
    state = Column(UnicodeText, nullable=False)       # pending validating creating done failed
    total = Column(Integer, nullable=False, default=0)
    processed = Column(Integer, nullable=False, default=0)
    row_errors = Column(JSONB, nullable=False, default=list)
    created_codes = Column(JSONB, nullable=False, default=list)
    message = Column(UnicodeText, nullable=False, default="")
    created = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)
    finished = Column(DateTime)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "user_id": self.user_id, "owner_org": self.owner_org,
            "filename": self.filename, "mode": self.mode, "lang": self.lang, "state": self.state,
            "total": self.total, "processed": self.processed, "row_errors": self.row_errors,
            "created_codes": self.created_codes, "message": self.message,
            "created": self.created.isoformat() if self.created else None,
            "finished": self.finished.isoformat() if self.finished else None,
        }


class AccessRequest(tk.BaseModel):
    """A request for conditionally shared or conditionally open data, and its decision.

    ``kind`` is "share" (a department asks under 有条件共享) or "open" (a registered user
    applies under 有条件开放). An approved request grants data access to its resources
    until ``expires`` (inclusive), unless revoked first.
    """

    __tablename__ = "govshare_access_request"

    id = Column(UnicodeText, primary_key=True)
    kind = Column(UnicodeText, nullable=False)
    package_id = Column(UnicodeText, ForeignKey("package.id", ondelete="CASCADE"),
                        nullable=False)
    # the providing department when the request was made: whose reviewers decide it
    owner_org = Column(UnicodeText, ForeignKey("group.id", ondelete="CASCADE"), nullable=False)
    requester_id = Column(UnicodeText, ForeignKey("user.id", ondelete="CASCADE"),
                          nullable=False)
    resource_ids = Column(ARRAY(UnicodeText), nullable=False)
    data_items = Column(ARRAY(UnicodeText), nullable=False, default=list)
    purpose = Column(UnicodeText, nullable=False)
    basis = Column(UnicodeText, nullable=False)
    requested_until = Column(Date, nullable=False)
    state = Column(UnicodeText, nullable=False)  # pending approved refused revoked expired withdrawn
    created = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)
    reply_due = Column(Date, nullable=False)
    decided_by = Column(UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    decided = Column(DateTime)
    expires = Column(Date)
    reason = Column(UnicodeText, nullable=False, default="")
    overdue_notified = Column(DateTime)

    events = relationship("AccessRequestEvent", order_by="AccessRequestEvent.id",
                          cascade="all, delete-orphan", lazy="selectin")


class AccessRequestEvent(tk.BaseModel):
    """One state change of a request: who did what, when, and why."""

    __tablename__ = "govshare_access_request_event"

    id = Column(Integer, primary_key=True, autoincrement=True)
    request_id = Column(UnicodeText,
                        ForeignKey("govshare_access_request.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    # None for the platform itself (expiry, overdue reminders)
    actor_id = Column(UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    action = Column(UnicodeText, nullable=False)  # submitted approved refused revoked ...
    note = Column(UnicodeText, nullable=False, default="")
    created = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)


class ExchangeNode(tk.BaseModel):
    """A harvest source's credentials for its department node, kept out of the source's
    config (which its viewers can read): the node-issued API token the harvester sends."""

    __tablename__ = "govshare_exchange_node"

    source_id = Column(UnicodeText, primary_key=True)   # harvest_source.id
    api_token = Column(UnicodeText, nullable=False)
    set_by = Column(UnicodeText, ForeignKey("user.id", ondelete="SET NULL"))
    set_at = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)


class EntryLineage(tk.BaseModel):
    """Where a harvested catalog entry came from, and why it was withdrawn if it was."""

    __tablename__ = "govshare_entry_lineage"
    __table_args__ = (UniqueConstraint("source_id", "remote_id"),)

    package_id = Column(UnicodeText, ForeignKey("package.id", ondelete="CASCADE"),
                        primary_key=True)
    source_id = Column(UnicodeText, nullable=False, index=True)   # the node's harvest source
    remote_id = Column(UnicodeText, nullable=False)               # the node's own id
    remote_name = Column(UnicodeText, nullable=False, default="")
    remote_modified = Column(UnicodeText, nullable=False, default="")
    harvest_job_id = Column(UnicodeText, nullable=False)
    harvest_object_id = Column(UnicodeText, nullable=False)
    harvested = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)
    withdrawn = Column(DateTime)
    withdrawn_reason = Column(UnicodeText, nullable=False, default="")

    def as_dict(self) -> dict:
        return {
            "package_id": self.package_id, "source_id": self.source_id,
            "remote_id": self.remote_id, "remote_name": self.remote_name,
            "remote_modified": self.remote_modified, "harvest_job_id": self.harvest_job_id,
            "harvest_object_id": self.harvest_object_id,
            "harvested": _iso(self.harvested), "withdrawn": _iso(self.withdrawn),
            "withdrawn_reason": self.withdrawn_reason,
        }


class FileLineage(tk.BaseModel):
    """Where a harvested resource's file came from and what the transfer did with it.

    ``transfer`` is copied (stored as received), converted (re-encoded to UTF-8, or a CSV
    made from a spreadsheet: ``derived_from`` names the original resource), linked (open
    data left at its address), not_copied (不予共享: never leaves the node) or failed
    (``note`` says why; the entry keeps the resource's description without its data).
    """

    __tablename__ = "govshare_file_lineage"

    resource_id = Column(UnicodeText, ForeignKey("resource.id", ondelete="CASCADE"),
                         primary_key=True)
    package_id = Column(UnicodeText, nullable=False, index=True)
    source_id = Column(UnicodeText, nullable=False, index=True)
    remote_id = Column(UnicodeText, nullable=False)
    remote_url = Column(UnicodeText, nullable=False, default="")
    harvest_job_id = Column(UnicodeText, nullable=False)
    harvested = Column(DateTime, nullable=False, default=datetime.datetime.utcnow)
    transfer = Column(UnicodeText, nullable=False)
    size = Column(BigInteger)            # bytes stored on the platform
    checksum = Column(UnicodeText)       # sha256 of the stored file
    source_checksum = Column(UnicodeText)  # sha256 of the file as the node sent it
    source_encoding = Column(UnicodeText)
    derived_from = Column(UnicodeText)
    note = Column(UnicodeText, nullable=False, default="")

    def as_dict(self) -> dict:
        return {
            "resource_id": self.resource_id, "package_id": self.package_id,
            "source_id": self.source_id, "remote_id": self.remote_id,
            "remote_url": self.remote_url, "harvest_job_id": self.harvest_job_id,
            "harvested": _iso(self.harvested), "transfer": self.transfer, "size": self.size,
            "checksum": self.checksum, "source_checksum": self.source_checksum,
            "source_encoding": self.source_encoding, "derived_from": self.derived_from,
            "note": self.note,
        }


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None
