"""One way to open the evidence store beside a redflags store, with legal holds enforced.

Every writer that may delete evidence (retention, the API, the CLI) must open the evidence store
with the legal register's ``hold_check``, or an object under a preservation request could be
purged.  :func:`open_evidence` is that single place; the register it builds also logs holds and
disclosures to the same evidence store.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redflags.evidence.legal import LegalRegister
    from redflags.evidence.log import EvidenceStore
    from redflags.store import Store

__all__ = ["open_evidence"]


def open_evidence(
    store: Store, root: Path | None = None, *, create: bool = True
) -> tuple[EvidenceStore, LegalRegister]:
    """Open the evidence store at ``root`` (default ``$REDFLAGS_EVIDENCE_DIR`` or
    ``./redflags-evidence``) whose deletions are refused while ``store``'s legal register holds
    them; returns it with that register."""
    from redflags.evidence.cli import store_dir
    from redflags.evidence.legal import LegalRegister
    from redflags.evidence.log import EvidenceStore

    register = LegalRegister(store)
    evidence = EvidenceStore.open(store_dir(root), hold_check=register.hold_check, create=create)
    register.evidence = evidence
    return evidence, register
