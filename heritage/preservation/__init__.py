"""Preservation exports with no Django inside: BagIt packages, Dublin Core, OHMS index XML.

``heritage/preserving.py`` is the one boundary: it asks the database (and the consent
rules) and hands these modules plain dataclasses (``records.py``).
"""
