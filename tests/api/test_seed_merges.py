"""The seed's organisations never fold into one another by name (issue 10, part 4).

The seed loads by id, so loading it merges nothing; these tests hold the names to the
same rule an import does: the seed's distinct organisations imported as a list create
one organisation each (no merge, no review), and imported again onto the seeded store
every merge is reported by name, with its evidence, into that same organisation.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from tests.illustrative_marks import SEED

FILES = {"enterprise": "enterprises", "institute": "institutes"}


def run(db, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), *args,
                           "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (args, done.stderr)
    return json.loads(done.stdout)


def seed_list(kind: str, tmp_path) -> tuple[object, dict[int, str]]:
    """The seed's organisations of one kind as an import file, and the seed id of each row."""
    path = tmp_path / f"{FILES[kind]}.csv"
    ids = {}
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "region"])
        for row, line in enumerate((SEED / f"{FILES[kind]}.jsonl").read_text(
                encoding="utf-8").splitlines(), start=2):
            record = json.loads(line)
            writer.writerow([record["props"]["name"], record["props"].get("region", "")])
            ids[row] = record["id"]
    return path, ids


@pytest.mark.parametrize("kind", sorted(FILES))
def test_the_seeds_organisations_as_a_list_are_all_distinct(kind, tmp_path):
    path, ids = seed_list(kind, tmp_path)
    report = run(tmp_path / "empty.db", "import", kind, str(path))
    assert (report["created"], report["merged"], report["queued_for_review"]) == (len(ids), 0, 0)
    assert report["merges"] == []


@pytest.mark.parametrize("kind", sorted(FILES))
def test_onto_the_seed_every_merge_is_named_and_into_the_same_organisation(kind, tmp_path):
    db = tmp_path / "seeded.db"
    subprocess.run([sys.executable, "-m", "duijie.api.cli", "--db", str(db), "seed"],
                   check=True, capture_output=True, timeout=300)
    path, ids = seed_list(kind, tmp_path)
    report = run(db, "import", kind, str(path), "--dry-run")
    merges = report["merges"]
    # Every row merged (and reported) or, at worst, queued: never a new organisation
    # beside its own (the office's division, stored with its alias 人工智能处 in brackets,
    # goes to review: only one name says which).
    assert report["created"] == report["queued_for_review"] <= 1
    assert len(merges) == report["merged"] == len(ids) - report["queued_for_review"]
    for merge in merges:
        assert merge["into_id"] == ids[merge["row"]], merge  # never a distinct organisation
        assert merge["name"] and merge["into_name"] and merge["evidence"], merge
