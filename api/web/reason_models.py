"""The JSON shape of a structured reason (`matcher.reasons`), shared by the routes that
answer with recommendations and meetings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from duijie.graph.vocab import MatchReason, values

ReasonCode = Literal[values(MatchReason)]


class ReasonOut(BaseModel):
    """Why a pair fits: a code (`graph.vocab.MatchReason`; pages read it through the
    message ``reason_<code>``), the names it shows and the ids of those records."""

    code: ReasonCode
    values: dict[str, str | list[str]] = Field(
        description="names the reason shows (a topic, a region, matched words …)")
    ids: dict[str, str] = Field(description="ids of the records the values name")
