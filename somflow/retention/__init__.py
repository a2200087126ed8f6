"""Records lifecycle: how long each kind of record is kept, what is past that, erasing it.

* :mod:`somflow.retention.policy` — the record types plugins declare (hook
  ``somflow_record_types``) and the periods of ``[retention]`` in ``somflow.toml``;
* :mod:`somflow.retention.due` — which records are past their period, listed without names;
* :mod:`somflow.retention.erase` — erasing them with their documents and scans in one transaction;
* :mod:`somflow.retention.commands` — ``somflow retention`` (Polish: ``somflow retencja``).
"""
