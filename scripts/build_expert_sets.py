"""Rebuild the paper → expert sets of the quality harness from an ACL Anthology snapshot.

The ACL Anthology's metadata (``data/xml/*.xml``: titles, abstracts, author lists) is
licensed CC BY 4.0 for material published in or after 2016 (the Anthology's copyright page,
``hugo/content/faq/copyright.md``, checked here before anything is written). Two derived
files are written under ``evaluation/data/acl/``:

* ``papers.jsonl.gz``: one line per paper kept: ``{"id", "lang", "title", "title_en",
  "abstract", "authors": [[key, name], ...]}`` where ``key`` is the Anthology's author id
  when it has one, else the lower-cased romanised name, and ``name`` is the author's Chinese
  name when the Anthology records one (``variant script="hani"``);
* ``SOURCE.md``: the snapshot's commit, the files read and the licence statement.

Kept: the Chinese-language papers of CCL (China National Conference on Computational
Linguistics) 2020-2021, the Anthology's Chinese papers with Chinese abstracts, and the
English papers with abstracts of ACL, NAACL, EACL, EMNLP and Findings 2020-2021. Which
papers become queries and which authors become experts is decided by code
(`duijie.evaluation.sets.paper_expert_sets`), not stored here.

    python scripts/build_expert_sets.py /work/.mirror/rstojnic+acl-anthology/repo [OUT_DIR]

The argument is a bare git directory (what the workplace's fetch brings) or a clone;
``OUT_DIR`` defaults to ``evaluation/data/acl``.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "evaluation" / "data" / "acl"
CHINESE = ("2020.ccl", "2021.ccl")
ENGLISH = ("2020.acl", "2020.emnlp", "2020.findings", "2021.acl", "2021.naacl",
           "2021.eacl", "2021.emnlp", "2021.findings")
LICENCE_PAGE = "hugo/content/faq/copyright.md"
# "中文标题(English Title)": the English title in the last parentheses of mostly Latin text.
_EN_TAIL = re.compile(r"^(?P<zh>.*?)\s*[(（](?P<en>[^()（）]*[A-Za-z][^()（）]*)[)）]\s*$")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(repo), *args], check=True,
                          capture_output=True, text=True).stdout


def text_of(element) -> str:
    """All text inside an element (fixed-case marks, links), whitespace collapsed."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def split_title(title: str) -> tuple[str, str]:
    """A Chinese paper's title and its English title in trailing parentheses.

    >>> split_title("基于推理链的多跳问答(Reasoning Chain Based QA)")
    ('基于推理链的多跳问答', 'Reasoning Chain Based QA')
    >>> split_title("Plain English Title")
    ('Plain English Title', '')
    """
    match = _EN_TAIL.match(title)
    if match and any("\u4e00" <= c <= "\u9fff" for c in match["zh"]):
        return match["zh"].strip(), match["en"].strip()
    return title, ""


def author_of(element) -> list[str]:
    first, last = element.findtext("first") or "", element.findtext("last") or ""
    romanised = " ".join(f"{first} {last}".split())
    key = element.get("id") or romanised.lower()
    hani = element.find("variant[@script='hani']")
    name = romanised
    if hani is not None:
        name = ((hani.findtext("last") or "") + (hani.findtext("first") or "")).strip(" ,，")
    return [key, name or romanised]


def papers_of(xml_text: str, collection: str, want: str) -> list[dict]:
    root = ET.fromstring(xml_text)
    out = []
    for volume in root.iter("volume"):
        for paper in volume.iter("paper"):
            lang = "zh" if (paper.findtext("language") or "eng") == "zho" else "en"
            abstract = text_of(paper.find("abstract")).strip("“”\"")
            authors = [author_of(a) for a in paper.findall("author")]
            if lang != want or not abstract or not authors:
                continue
            title, title_en = split_title(text_of(paper.find("title")))
            out.append({"id": f"{collection}-{volume.get('id')}.{paper.get('id')}",
                        "lang": lang, "title": title, "title_en": title_en,
                        "abstract": abstract, "authors": authors})
    return out


def build(repo: Path, out: Path = OUT) -> int:
    git_dir = repo / ".git" if (repo / ".git").is_dir() else repo
    commit = git(git_dir, "rev-parse", "HEAD").strip()
    licence = git(git_dir, "show", f"HEAD:{LICENCE_PAGE}")
    if "Creative Commons 4.0 BY" not in licence or "As of 2016" not in licence:
        raise SystemExit(f"{repo}: {LICENCE_PAGE} no longer states CC BY 4.0 from 2016; "
                         "check the licence before rebuilding")
    papers = []
    for names, lang in ((CHINESE, "zh"), (ENGLISH, "en")):
        for name in names:
            papers += papers_of(git(git_dir, "show", f"HEAD:data/xml/{name}.xml"), name, lang)
    out.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(p, ensure_ascii=False, sort_keys=True) + "\n" for p in papers)
    # mtime 0: the same snapshot gives the same bytes.
    with open(out / "papers.jsonl.gz", "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
        fh.write(lines.encode("utf-8"))
    statement = next(line for line in licence.splitlines() if "As of 2016" in line)
    (out / "SOURCE.md").write_text(
        "# ACL Anthology papers (paper → expert sets)\n\n"
        "`papers.jsonl.gz` is derived from `data/xml/` of a public snapshot of the ACL\n"
        f"Anthology's repository (acl-org/acl-anthology, via the fork rstojnic/acl-anthology,\n"
        f"commit `{commit}`). Files read: {', '.join(CHINESE + ENGLISH)} (all published\n"
        "2020-2021). Kept per paper: Anthology id, language, title (a Chinese paper's English\n"
        "title apart), abstract, authors (Anthology id or romanised name, and the Chinese name\n"
        "where recorded). Papers without an abstract are left out.\n\n"
        f"Licence, as the Anthology states it ({LICENCE_PAGE}):\n\n> {statement.strip()}\n\n"
        "Attribution: ACL Anthology (https://aclanthology.org), the papers' authors, and the\n"
        "Association for Computational Linguistics / Chinese Information Processing Society\n"
        "of China as publishers. Rebuild with `python scripts/build_expert_sets.py SNAPSHOT`.\n",
        encoding="utf-8")
    return len(papers)


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3):
        raise SystemExit(__doc__)
    out = Path(argv[2]) if len(argv) == 3 else OUT
    n = build(Path(argv[1]), out)
    print(f"{n} papers → {out / 'papers.jsonl.gz'}")


if __name__ == "__main__":
    main(sys.argv)
