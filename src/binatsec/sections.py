"""The sections of the reference: which command shows them and which file holds them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from binatsec import model
from binatsec.model import Corpus


class Section(NamedTuple):
    name: str  # the command, and the Corpus attribute
    file: str  # content file without .toml
    title: str
    summary: str

    def records(self, corpus: Corpus) -> Sequence[model.Record]:
        records: Sequence[model.Record] = getattr(corpus, self.name)
        return records


SECTIONS: tuple[Section, ...] = (
    Section("faq", "faq", "Frequently asked questions", "the article's twelve questions, answered"),
    Section("myths", "myths", "Myths and realities", "eight common misconceptions, each corrected"),
    Section("timeline", "timeline", "Timeline", "dated events from 1846 to 2021"),
    Section("pillars", "pillars", "Four pillars", "the bilateral security model, pillar by pillar"),
    Section("stats", "stats", "Figures", "every figure, with qualifier, year and source"),
    Section("cooperation", "cooperation", "Areas of cooperation",
            "intelligence, military exercises, law enforcement"),
    Section("criticisms", "criticisms", "Criticisms", "doubts about the model, and responses"),
    Section("outlook", "outlook", "Outlook", "where the article expects cooperation to go"),
    Section("actions", "actions", "What you can do", "five steps the article suggests"),
    Section("sources", "sources", "Sources", "the bodies the article credits"),
)

BY_NAME = {section.name: section for section in SECTIONS}
