"""Every Polish message of the vetting plugin has an English entry in the plugin's own catalogue.

The messages are the constant first arguments of ``_()`` in the plugin's modules, and the words
translated when shown though written elsewhere: the state labels, the field labels, the
"unknown word" messages of its vocabularies and the corrections entry kind's title and fields.
"""

from __future__ import annotations

from pathlib import Path

import somflow_vetting
from conftest import english_catalogue, gettext_messages
from somflow_vetting import checklist, countries, entries, people

PLUGIN = Path(somflow_vetting.__file__).parent


def test_catalogue_covers_every_message():
    wanted = set(checklist.STATE_LABELS.values()) | set(people.FIELD_LABELS.values())
    wanted |= {people.CONTRACT_WORDS.unknown, people.EXEMPTION_WORDS.unknown, countries.words(None).unknown}
    wanted |= {entries.ENTRY_KIND.title, *entries.ENTRY_KIND.fields.values()}
    wanted |= set(gettext_messages(PLUGIN.glob("*.py")))
    assert sorted(wanted - set(english_catalogue(PLUGIN))) == []
