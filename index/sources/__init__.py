"""The corpus's sources as plug-ins: each module says how its files are recognised, read, and merged into the
occupation records. Adding a source is adding a module here (a ``SOURCE``) and its tests. Its passages cite a
``records.Source`` whose key is a ``cite_*`` sentence of bot/sentences.yml (named in the reader's language), or the
source's own name, shown as it is in every language.

``REGISTRY`` is also the merge order: the classification first (which occupations exist), then what attaches to
its occupations. A file belongs to the first source whose ``matches`` accepts it.

Example::

    from index.sources import REGISTRY
    [s.name for s in REGISTRY]   # ['hierarchy', 'groups', 'dictionary', 'gus', 'esco', 'description', ...]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..corpus import Corpus


@dataclass(frozen=True)
class SourceKind:
    """One kind of source file. ``read`` returns None for a file that turns out not to be of this kind."""

    name: str
    matches: Callable[[Path], bool]
    read: Callable[[Path], Any]
    merge: Callable[[Corpus, Any], None]


def named(prefix: str, suffix: str) -> Callable[[Path], bool]:
    return lambda path: path.name.startswith(prefix) and path.name.endswith(suffix)


from . import descriptions, dictionary, esco, examples, glossary, groups, gus, hierarchy  # noqa: E402

REGISTRY: tuple[SourceKind, ...] = (
    hierarchy.SOURCE, groups.SOURCE, dictionary.SOURCE, gus.SOURCE, esco.SOURCE, descriptions.SOURCE,
    glossary.SOURCE, examples.SOURCE,
)


def kind_of(path: Path) -> SourceKind | None:
    return next((s for s in REGISTRY if s.matches(path)), None)
