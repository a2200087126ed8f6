"""Reminders: which are due today (:mod:`.plan`), what was sent (:mod:`.ledger`),
the e-mail (:mod:`.digest`), sending it (:mod:`.smtp`) and the CLI (:mod:`.plugin`)."""
