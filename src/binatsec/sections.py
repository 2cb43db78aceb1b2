"""The sections of the reference: which command shows them and which file holds them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from binatsec import model
from binatsec.model import Corpus


class Section(NamedTuple):
    name: str  # the command, the Corpus attribute, and the content file without .toml
    title: str
    summary: str  # no counts or years: --content-dir changes them; the overview counts

    def records(self, corpus: Corpus) -> Sequence[model.Record]:
        records: Sequence[model.Record] = getattr(corpus, self.name)
        return records


SECTIONS: tuple[Section, ...] = (
    Section("faq", "Frequently asked questions", "the article's questions, answered"),
    Section("myths", "Myths and realities", "common misconceptions, each corrected"),
    Section("timeline", "Timeline", "dated events, oldest first"),
    Section("pillars", "Four pillars", "the bilateral security model, pillar by pillar"),
    Section("stats", "Figures", "every figure, with qualifier, year and source"),
    Section("cooperation", "Areas of cooperation",
            "intelligence, military exercises, law enforcement"),
    Section("criticisms", "Criticisms", "doubts about the model, and responses"),
    Section("outlook", "Outlook", "where the article expects cooperation to go"),
    Section("actions", "What you can do", "steps the article suggests"),
    Section("sources", "Sources", "the bodies the article credits"),
)

BY_NAME = {section.name: section for section in SECTIONS}
