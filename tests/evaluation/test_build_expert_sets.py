"""scripts/build_expert_sets.py on a small real git repository shaped like the Anthology's."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_expert_sets.py"
CCL = """<?xml version='1.0' encoding='UTF-8'?>
<collection id="2020.ccl">
  <volume id="1">
    <paper id="1">
      <title>基于<fixed-case>BERT</fixed-case>的红外图像描述(Infrared Image Captioning with
        <fixed-case>BERT</fixed-case>)</title>
      <author id="wei-li-ir"><first>Wei</first><last>Li</last>
        <variant script="hani"><first>伟</first><last>李</last></variant></author>
      <author><first>Fang</first><last>Zhou</last></author>
      <abstract>“本文研究红外图像的<b>描述</b>生成。”</abstract>
      <language>zho</language>
    </paper>
    <paper id="2">
      <title>没有摘要的论文(A Paper Without Abstract)</title>
      <author><first>Fang</first><last>Zhou</last></author>
      <language>zho</language>
    </paper>
    <paper id="3">
      <title>An English Paper at CCL</title>
      <author><first>Fang</first><last>Zhou</last></author>
      <abstract>English text.</abstract>
    </paper>
  </volume>
</collection>
"""
ENGLISH = """<?xml version='1.0' encoding='UTF-8'?>
<collection id="{name}">
  <volume id="long">
    <paper id="7">
      <title>Sparse Attention for <fixed-case>L</fixed-case>ong Documents</title>
      <author><first>Ana</first><last>Silva</last></author>
      <abstract>We study   sparse attention.</abstract>
    </paper>
  </volume>
</collection>
"""
LICENCE = ("Prior to 2016, all ACL materials are licensed using CC BY-NC-SA 3.0.\n"
           "As of 2016, this policy has been relaxed further, and all subsequent materials are "
           "available to the general public on the terms of the Creative Commons 4.0 BY "
           "(Attribution) license.\n")


def make_snapshot(root: Path, licence: str = LICENCE) -> Path:
    work = root / "anthology"
    (work / "data" / "xml").mkdir(parents=True)
    (work / "hugo" / "content" / "faq").mkdir(parents=True)
    (work / "hugo" / "content" / "faq" / "copyright.md").write_text(licence, "utf-8")
    (work / "data" / "xml" / "2020.ccl.xml").write_text(CCL, "utf-8")
    (work / "data" / "xml" / "2021.ccl.xml").write_text(
        CCL.replace("2020.ccl", "2021.ccl").replace("<paper id=\"1\">", "<paper id=\"9\">"),
        "utf-8")
    for name in ("2020.acl", "2020.emnlp", "2020.findings", "2021.acl", "2021.naacl",
                 "2021.eacl", "2021.emnlp", "2021.findings"):
        (work / "data" / "xml" / f"{name}.xml").write_text(ENGLISH.format(name=name), "utf-8")
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "snapshot"], check=True)
    return work / ".git"


def run(snapshot: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(snapshot), str(out)],
                          capture_output=True, text=True, timeout=120)


def test_build_keeps_chinese_and_english_papers_with_abstracts(tmp_path):
    snapshot = make_snapshot(tmp_path)
    done = run(snapshot, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    papers = [json.loads(line) for line in
              gzip.decompress((tmp_path / "out" / "papers.jsonl.gz").read_bytes())
              .decode("utf-8").splitlines()]
    zh = [p for p in papers if p["lang"] == "zh"]
    assert [p["id"] for p in zh] == ["2020.ccl-1.1", "2021.ccl-1.9"]  # no abstract, English: out
    first = zh[0]
    assert first["title"] == "基于BERT的红外图像描述"
    assert first["title_en"] == "Infrared Image Captioning with BERT"
    assert first["abstract"] == "本文研究红外图像的描述生成。"
    assert first["authors"] == [["wei-li-ir", "李伟"], ["fang zhou", "Fang Zhou"]]
    english = [p for p in papers if p["lang"] == "en"]
    assert len(english) == 8 and english[0]["id"] == "2020.acl-long.7"
    assert english[0]["title"] == "Sparse Attention for Long Documents"
    assert english[0]["abstract"] == "We study sparse attention."
    source = (tmp_path / "out" / "SOURCE.md").read_text("utf-8")
    assert "Creative Commons 4.0 BY" in source and "rstojnic/acl-anthology" in source
    again = run(snapshot, tmp_path / "again")  # the same snapshot gives the same bytes
    assert (tmp_path / "again" / "papers.jsonl.gz").read_bytes() == (
        tmp_path / "out" / "papers.jsonl.gz").read_bytes(), again.stderr


def test_build_refuses_a_snapshot_whose_licence_changed(tmp_path):
    snapshot = make_snapshot(tmp_path, licence="All rights reserved.\n")
    done = run(snapshot, tmp_path / "out")
    assert done.returncode != 0
    assert "no longer states CC BY 4.0" in done.stderr
    assert not (tmp_path / "out" / "papers.jsonl.gz").exists()
