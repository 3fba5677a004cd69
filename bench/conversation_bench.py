"""The team's labelled conversations played through the real Rasa and action servers on loopback, and judged.

Prints the share of turns that meet their label (the kind of reply, the occupation codes, and never a false
"no information", a repeated list or the wrong language), per language and user group, for the development set
and the held-out set side by side. The servers' per-sender rate limits are raised for the run (one address plays
every conversation). ``--failures`` lists the turns that miss their label.

    .venv/bin/python bench/conversation_bench.py [--failures 30] [--set dev|heldout|both]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from fault_bench import free_port  # bench/ is on the path when a bench runs

from services.conversations import EVAL, load, play, summary
from services.processes import Assistant, Ports

SETS = {"dev": EVAL / "conversations.yml", "heldout": EVAL / "conversations-heldout.yml"}
COLUMNS = ("all", "pl", "uk", "en", "jobseeker", "counsellor", "false_no_information", "turns")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("dev", "heldout", "both"), default="both")
    ap.add_argument("--failures", type=int, default=0, help="print this many turns that miss their label")
    args = ap.parse_args()
    names = ("dev", "heldout") if args.set == "both" else (args.set,)
    with tempfile.TemporaryDirectory() as tmp, Assistant(
            Ports(rasa=free_port(), actions=free_port(), rasa_metrics=0, actions_metrics=0),
            tracker_db=Path(tmp) / "conversations.db", log_dir=Path(tmp) / "logs",
            extra_env={"DORADCA_RATE_PER_MINUTE": "1000", "DORADCA_RATE_PER_ADDRESS": "0"}) as bot:
        results = {name: play(bot.send, load(SETS[name]), prefix=f"bench-{name}") for name in names}
    print(f"{'set':<10}" + "".join(f"{c:>12}" for c in COLUMNS))
    for name, rs in results.items():
        s = summary(rs)
        print(f"{name:<10}" + "".join(f"{s[c]:>12.3f}" if c in s and c not in ('turns', 'false_no_information')
                                      else f"{int(s.get(c, 0)):>12d}" for c in COLUMNS))
    _write_figures(results)
    for name, rs in results.items():
        bad = [r for r in rs if not r.ok][: args.failures]
        for r in bad:
            print(f"\n[{name}] {r.conversation.id} {r.message[:100]!r}: {'; '.join(r.problems)}\n  -> "
                  + r.reply[:300].replace("\n", " | "))


def _write_figures(results: dict) -> None:
    """build/bench/conversation.json (bench/figures.py): the table of docs/understanding.md; nothing printed."""
    import figures  # bench/ is on the path when a bench runs

    label = {"dev": "development", "heldout": "held-out"}
    table = [[label[name], *(s.get(c, 0) if c not in ("turns", "false_no_information") else int(s.get(c, 0))
                             for c in COLUMNS)] for name, s in ((n, summary(rs)) for n, rs in results.items())]
    figures.write("conversation", {"scores": table}, {"sets": list(results)})


if __name__ == "__main__":
    main()
