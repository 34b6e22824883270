"""Pure scoring and ranking: text affinity (`matcher.text`), and the rest of the matcher.

Modules here take plain data and return plain data: no files, no network, no web or driver
code (`tests/matcher/test_purity.py` holds that).
"""
