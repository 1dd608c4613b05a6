"""The recording station: an elder and a recorder, one phone.

models  what the station adds to a recording (narrator, kind, topic prompt) and the prompts
rules   consent before recording, the hooks media/uploads.py calls, live progress
views   the pages and JSON endpoints, mounted once under ``station/`` (urls)

Kept free of imports: heritage.models loads ``station.models`` while the app registry fills.
"""
