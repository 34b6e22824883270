"""A text's language by its script, and the semantic weight of a query-profile pair."""

from __future__ import annotations

import pytest

from duijie.matcher.language import pair_group, script_language
from duijie.matcher.semantic import SEMANTIC_WEIGHT_BY_GROUP, pair_weights, profile_language


@pytest.mark.parametrize(("text", "language"), [
    ("碳纤维预浸料固化不均", "zh"),
    ("SiC功率模块逆变器效率提升", "zh"),          # Latin terms inside a Chinese need
    ("需要NETD低于50mK的非制冷焦平面探测器", "zh"),
    ("Uncooled infrared focal plane detector noise", "en"),
    ("A survey of Chinese word segmentation (中文分词) methods for search", "en"),
    ("Ｆｕｌｌ－ｗｉｄｔｈ ｔｅｘｔ", "en"),
    ("2024 №5", "en"),                          # no letters of either script
])
def test_script_language(text, language):
    assert script_language(text) == language


def test_pair_weights_follow_the_pair_of_languages():
    assert pair_group("zh", "zh") == "zh" and pair_group("en", "zh") == "cross"
    zh = {"id": "z", "docs": [{"id": "1", "text": "红外探测器"}, {"id": "2", "text": "NETD"}]}
    en = {"id": "e", "docs": [{"id": "1", "text": "Infrared detectors and their noise"}]}
    languages = [profile_language(zh), profile_language(en)]
    assert languages == ["zh", "en"]
    assert pair_weights("红外探测器降噪", languages).tolist() == [
        SEMANTIC_WEIGHT_BY_GROUP["zh"], SEMANTIC_WEIGHT_BY_GROUP["cross"]]
    assert pair_weights("infrared detector noise", languages).tolist() == [
        SEMANTIC_WEIGHT_BY_GROUP["cross"], SEMANTIC_WEIGHT_BY_GROUP["en"]]
