"""The inbox: scans dropped into ``inbox/`` are filed to their documents or set aside with a reason.

``watcher``   the thin layer that notices files (watchdog, polling, periodic rescan)
``pipeline``  the ordered list of named steps every file goes through (also ``somflow ingest``)
``steps``     the steps themselves
``entries``   what lies in inbox/: regular files only are read; links, FIFOs, sockets are never opened
``sandbox``   the worker process that reads each file with a memory cap and a time budget
``pages``     page images out of PDFs, TIFFs, JPEGs and PNGs (embedded images first, rasterising last)
``qr``        finding the ``SOMFLOW:DOC:<id>:P<n>`` code on a page
``filing``    archive/ and rejected/: the file moves, in a crash-safe order with the store commit
``ocr``       the optional tesseract guess of a form title for rejected files
``plugin``    the commands ``somflow watch`` / ``somflow ingest`` and the status lines
"""
