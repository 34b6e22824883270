"""The web service's settings: one typed object read from `DUIJIE_*` variables.

>>> Settings(graph="sqlite:///x.db").store_url
'sqlite:///x.db'
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """`DUIJIE_GRAPH` (or `DUIJIE_DB`) picks the store, as for the command line."""

    model_config = SettingsConfigDict(env_prefix="DUIJIE_", extra="ignore")

    graph: str | None = None
    db: str = "duijie.db"
    accounts: str | None = Field(None, description="Accounts file (default: the store's).")
    session_hours: float = Field(8.0, gt=0, le=24 * 30)
    secure_cookies: bool = Field(False, description="Set behind HTTPS: cookies only over TLS.")
    max_body_bytes: int = Field(1 * 2**20, gt=0, description="Largest JSON or form body.")
    max_upload_bytes: int = Field(20 * 2**20, gt=0, description="Largest file upload.")
    seed_on_empty: bool = Field(True, description="Load the seed data into an empty store.")

    @property
    def store_url(self) -> str:
        return self.graph or self.db
