"""Hand-written lists and deterministic builders behind `seed_data/build_seed.py`.

Only the build script imports this package; nothing does at run time.
"""
