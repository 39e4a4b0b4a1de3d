import gettext
from pathlib import Path

import polib  # type: ignore[import-untyped,unused-ignore]
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["it", "nl"])
def test_the_catalogue_is_complete_and_compiled(language: str) -> None:
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    # The committed .mo must say what the .po says, or people see stale text.
    with (po_path.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid
