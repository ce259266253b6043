"""Every string of ours is translated into Chinese, and the catalogs match the sources."""
from __future__ import annotations

from pathlib import Path

import polib
import pytest

from conftest import REPO

CATALOGS = sorted(REPO.glob("ckanext-*/ckanext/*/i18n/*/LC_MESSAGES/*.po"))


def test_there_are_catalogs_for_both_languages():
    locales = {path.parent.parent.name for path in CATALOGS}
    assert {"zh_Hans_CN", "en"} <= locales


@pytest.mark.parametrize("po_file", [p for p in CATALOGS if "zh_Hans_CN" in p.parts],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_chinese_catalog_is_complete(po_file: Path):
    catalog = polib.pofile(str(po_file))
    template = polib.pofile(str(next(po_file.parent.parent.parent.glob("*.pot"))))

    untranslated = [entry.msgid for entry in catalog if not entry.translated()]
    missing = {entry.msgid for entry in template} - {entry.msgid for entry in catalog}
    assert not untranslated, f"untranslated in {po_file.name}: {untranslated}"
    assert not missing, f"run `make i18n`: {missing}"


def test_scheming_labels_are_in_both_languages():
    import yaml

    def labels(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("label", "repeating_label", "help_text", "form_placeholder"):
                    yield value
                else:
                    yield from labels(value)
        elif isinstance(node, list):
            for item in node:
                yield from labels(item)

    for schema in (REPO / "scheming").glob("*.yaml"):
        for label in labels(yaml.safe_load(schema.read_text("utf-8"))):
            assert isinstance(label, dict) and {"en", "zh_Hans_CN"} <= set(label), (
                f"{schema.name}: {label!r} lacks a language")


@pytest.mark.parametrize("extension", ["govshare"])
def test_template_holds_every_string_in_the_sources(tmp_path, extension):
    import subprocess
    import sys

    source = REPO / f"ckanext-{extension}" / "ckanext" / extension
    fresh = tmp_path / "fresh.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract",
                    "-F", str(REPO / "babel.cfg"), "-o", str(fresh), str(source)], check=True,
                   capture_output=True)

    extracted = {entry.msgid for entry in polib.pofile(str(fresh))}
    committed = {entry.msgid for entry in polib.pofile(str(source / "i18n" / f"ckanext-{extension}.pot"))}
    assert extracted == committed, "run `make i18n` and translate the new strings"
