"""Built-in somflow plugin: image consent — who may appear in which photo, on which channel, until when.

Sources: seed 001 ch. VI.II, seed 002 ch. IV, seed 004 §12–14 and annex 4
(``/work/shared/DOMAIN.md`` section 3). The modules:

``vocabulary``  purposes, channels, kinds of photo and their CLI names
``children``    the register's children as consents see them: finding one, classes, leaving
                (class lists are read by ``somflow.people.classlist`` into the shared register)
``register``    recording, replacing, withdrawing consents; deciding who may appear
``printing``    one consent form per child through the forms engine, merged for print
``sheet``       the class-wide check and the photographer's list
``deadlines``   lapsing consents, forms not returned; counts
``cli``         ``somflow consent ...`` (alias ``somflow zgody ...``)
"""

from __future__ import annotations

from pathlib import Path

from somflow import hookimpl, i18n
from somflow.lazy_commands import LazyCommand

__version__ = "0.1.0"

HERE = Path(__file__).parent

i18n.add_catalog_dir(HERE / "locale", __name__)

#: ``somflow consent --help`` (and its line in ``somflow --help``, which does not import the commands).
CONSENT_HELP = "Zgody na wizerunek dzieci: import listy klasy, druk, rejestr, kto może wystąpić na zdjęciu."


@hookimpl
def somflow_register_forms(register):
    from somflow import forms

    forms.register_folder(register, HERE / "forms")


@hookimpl
def somflow_validate(form, data, workspace):
    from somflow_image_consent.register import form_problems

    return form_problems(form, data)


#: The ``[image_consent]`` section of somflow.toml: texts printed on the consent form.
CONFIG_SCHEMA = {
    "type": "dict",
    "schema": {key: {"type": "string"} for key in ("website", "social_media", "iod", "context")},
}


@hookimpl
def somflow_config_schema(register):
    register("image_consent", CONFIG_SCHEMA)


@hookimpl
def somflow_register_commands(register):
    register(LazyCommand("consent", "somflow_image_consent.cli:consent", help=CONSENT_HELP))
    register(LazyCommand("zgody", "somflow_image_consent.cli:zgody", help=CONSENT_HELP))


@hookimpl
def somflow_record_types(register):
    from somflow_image_consent.register import described, stopped_on
    from somflow_image_consent.vocabulary import CONSENTS

    from somflow.retention.plugin import person_ref
    from somflow.retention.policy import RecordType

    register(
        RecordType(
            name=CONSENTS,
            collection=CONSENTS,
            label="Zgoda na wizerunek (z formularzem i skanem)",
            clock="koniec zgody (wycofanie, nowsza zgoda, termin albo odejście dziecka)",
            years=10,
            started=stopped_on,
            subjects=lambda workspace, consent: [consent["child_id"]],
            ref=lambda workspace, consent: person_ref(workspace, consent["child_id"]),
            describe=described,
        )
    )


@hookimpl
def somflow_register_entry_kinds(register):
    from somflow_image_consent.entries import ENTRY_KIND

    register(ENTRY_KIND)


@hookimpl
def somflow_document_filed(document, workspace):
    from somflow_image_consent.register import file_scan

    file_scan(workspace, document)


@hookimpl
def somflow_deadlines(workspace, today):
    from somflow_image_consent.deadlines import deadlines

    return deadlines(workspace, today)


@hookimpl
def somflow_status(workspace):
    from somflow_image_consent.deadlines import counts

    from somflow import calendar

    return [(label, str(n)) for label, n in counts(workspace, calendar.today())]


@hookimpl
def somflow_unit_summary(workspace):
    from somflow_image_consent.deadlines import counts

    from somflow import calendar

    return counts(workspace, calendar.today())


@hookimpl
def somflow_web_pages(register) -> None:
    from somflow_image_consent.web import PAGES

    for page in PAGES:
        register(page)
