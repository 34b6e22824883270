"""The seed dataset built from the five seed documents, as JSON Lines.

One file per kind (`enterprises.jsonl`, `needs.jsonl`, …, `edges.jsonl`), each line
a `Node.to_dict()` or `Edge.to_dict()`. Facts from the documents carry a
`seed:<file>` provenance with a short exact quote; everything invented for the
demo carries provenance `illustrative` and `illustrative: true`. The files are
written by `seed_data/build_seed.py` (run by hand, never imported at run time) and
read by `api.services.seeding.load_seed` (through `graph.seed.load_folder`).

>>> (data_dir() / "enterprises.jsonl").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

NODE_FILES = (
    "regions.jsonl", "industries.jsonl", "topics.jsonl", "institutes.jsonl",
    "enterprises.jsonl", "experts.jsonl", "programmes.jsonl", "events.jsonl",
    "needs.jsonl",
)
"""Node files, in load order (vocabulary first); `edges.jsonl` comes last."""

EDGE_FILE = "edges.jsonl"


def data_dir() -> Path:
    """The folder holding the seed JSON Lines files (inside the installed package)."""
    return Path(__file__).resolve().parent
