"""The govshare plugin's own tables (created by its migrations, never by create_all)."""
from __future__ import annotations

import datetime

import ckan.plugins.toolkit as tk
from sqlalchemy import Column, DateTime, Integer, UnicodeText


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
