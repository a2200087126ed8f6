"""How long one lookup of a child typed by the secretary takes in a school of 600 (somflow.people.match.only).

    .venv/bin/python bench/people_match.py

Peer: the lookup it replaced (plugins/image_consent/children.py before issue 17) — lowercase
and single spaces, "first last" or "last first" equal to what was typed. It is faster and
wrong for "Zieba", "Nowak Kowalska" or "T. Zięba"; the number shows what the right answer costs.
Goal: under 100 ms a lookup (a command does one or two).
"""

from __future__ import annotations

import random
import string
import timeit

from somflow.people.match import only

FIRST = ["Anna", "Jan", "Zofia", "Łukasz", "Hanna", "Mikołaj", "Ewa", "Tomasz", "Ścibor", "Żaneta"]
LAST = ["Nowak", "Kowalska", "Zięba", "Ćwik", "Łęcki", "Gąsiorowska", "Wiśniewska", "Źrebiec", "Lis", "Nowak-Kowalska"]


def children(n: int = 600) -> list[dict[str, str]]:
    rng = random.Random(17)
    return [
        {
            "id": str(i),
            "first_name": rng.choice(FIRST) + "".join(rng.choices(string.ascii_lowercase, k=3)),
            "last_name": f"{rng.choice(LAST)}{i}",
        }
        for i in range(n)
    ]


def peer(typed: str, kids: list[dict[str, str]]) -> list[dict[str, str]]:
    key = lambda s: " ".join(s.lower().split())  # noqa: E731
    return [
        k
        for k in kids
        if key(typed) in (key(f"{k['first_name']} {k['last_name']}"), key(f"{k['last_name']} {k['first_name']}"))
    ]


def main() -> None:
    kids = children()
    target = kids[417]
    typed = f"{target['last_name'].upper()}  {target['first_name'].lower()}"
    assert only(typed, kids) is target and peer(typed, kids) == [target]
    ours = min(timeit.repeat(lambda: only(typed, kids), number=10, repeat=5)) / 10
    theirs = min(timeit.repeat(lambda: peer(typed, kids), number=10, repeat=5)) / 10
    print(
        f"600 children, one lookup: somflow.people.match.only {ours * 1000:.1f} ms; peer (lower()/split equality) {theirs * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
