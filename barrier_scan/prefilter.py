"""Literal prefilters for regular expressions: skip a regex when its text cannot match.

Most clauses of a tender match no rule, yet every rule's regex would scan every clause, and
backtracking over gaps like `(?:...){0,60}` makes that the costliest step of a scan. Each
regex, though, needs certain literal text to match at all: `\\b(?:at least|minimum of)\\s+\\d+
years` cannot match a clause containing neither "at least" nor "minimum of", nor one without
"year". This module reads those requirements out of the compiled pattern (the idea behind
RE2's FilteredRE2), as an AND of OR-sets of lower-case ASCII atoms, and finds every atom of
every rule in a clause with one Aho-Corasick pass (pyahocorasick). A regex is then run only on
the clauses where its requirement holds. The prefilter never changes a result: it can only
say "cannot match" when the regex indeed cannot.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Callable, Iterable, Optional, Sequence

try:  # Python 3.11+
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre  # type: ignore[no-redef,unused-ignore]
    import sre_parse  # type: ignore[no-redef,unused-ignore]

import ahocorasick

# re.IGNORECASE folds these onto ASCII letters, str.lower() does not
_FOLD = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0130": "i", "\u212a": "k"})
_FOLDABLE = re.compile("[\u017f\u0131\u0130\u212a]")  # translate() is slow; most text has none
MIN_ATOM = 3  # shorter atoms ("or", "a ") occur in nearly every clause and filter nothing
_second = itemgetter(1)  # the value of an Aho-Corasick (end, value) hit: the atom id
MAX_EXACT = 64  # cap on the alternatives kept while multiplying out literal sequences
_REPEAT_OPS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}

# Requirement: an AND of OR-sets. () means "no requirement": the regex may match anything.
Requirement = tuple[frozenset[str], ...]


@dataclass(frozen=True)
class _Info:
    exact: Optional[frozenset[str]]  # every string the node can match, when few and known
    need: Requirement  # atoms the node's match must contain


_UNKNOWN = _Info(None, ())
_EMPTY = _Info(frozenset({""}), ())


def _is_atom_char(ch: str, fold: bool) -> bool:
    # Under re.IGNORECASE only ASCII and caseless symbols (£, €, –) compare the way
    # str.lower() does; case-sensitive text ("Kärcher") is found in the lower-cased clause as
    # long as lower-casing one letter does not depend on its neighbours (Greek sigma does).
    if ch in "Σσς":
        return False
    return " " <= ch <= "~" or (ch.lower() == ch.upper() if fold else len(ch.lower()) == 1)


def _useful(strings: frozenset[str], fold: bool = True) -> bool:
    # A short atom is worth looking for only if it holds a rare symbol such as "£", or was
    # written case-sensitively: "HP" as a brand, not the "hp" in every "ship".
    shortest = MIN_ATOM if fold else 2
    return bool(strings) and all(len(s) >= shortest or (s and not s.isascii()) for s in strings)


def _literal(code: int, fold: bool) -> _Info:
    ch = chr(code)
    return _Info(frozenset({ch.lower()}), ()) if _is_atom_char(ch, fold) else _UNKNOWN


def _char_class(items: list[Any], fold: bool) -> _Info:
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL and _is_atom_char(chr(av), fold):
            chars.add(chr(av).lower())
        elif op is sre.RANGE and av[1] - av[0] < 4 and all(_is_atom_char(chr(c), fold) for c in av):
            chars.update(chr(c).lower() for c in range(av[0], av[1] + 1))
        else:  # negated classes, categories (\w, \s) and wide ranges
            return _UNKNOWN
    return _Info(frozenset(chars), ()) if chars else _UNKNOWN


def _best(info: _Info, fold: bool = True) -> Optional[frozenset[str]]:
    """The one OR-set that best stands for a node: its exact strings, else its tightest need."""
    if info.exact is not None and _useful(info.exact, fold):
        return info.exact
    if info.need:
        return min(info.need, key=lambda s: (len(s), -min(map(len, s))))
    return None


def _branch(branches: list[Any], fold: bool) -> _Info:
    infos = [_sequence(b, fold) for b in branches]
    if all(i.exact is not None for i in infos):
        union = frozenset().union(*(i.exact for i in infos))  # type: ignore[arg-type]
        if len(union) <= MAX_EXACT:
            return _Info(union, ())
        if _useful(union, fold):  # a long list of names: required, but too many to multiply
            return _Info(None, (union,))
    bests = [_best(i, fold) for i in infos]
    if any(b is None for b in bests):
        return _UNKNOWN
    return _Info(None, (frozenset().union(*bests),))  # type: ignore[arg-type]


def _repeat(low: int, high: int, item: list[Any], fold: bool) -> _Info:
    inner = _sequence(item, fold)
    if low == high == 1:
        return inner
    if low == 0:
        if high == 1 and inner.exact is not None and len(inner.exact) < MAX_EXACT:
            return _Info(inner.exact | {""}, ())
        return _UNKNOWN  # optional: requires nothing
    best = _best(inner, fold)
    return _Info(None, inner.need + ((best,) if best and best not in inner.need else ()))


def _node(op, av, fold: bool) -> _Info:  # type: ignore[no-untyped-def]
    if op is sre.LITERAL:
        return _literal(av, fold)
    if op is sre.IN:
        return _char_class(av, fold)
    if op in _ZERO_WIDTH:
        return _EMPTY  # \b, ^, look-arounds: match no text; their own needs are not relied on
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, body = av
        scoped = (fold or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
        return _sequence(body, scoped)
    if getattr(sre, "ATOMIC_GROUP", None) is op:
        return _sequence(av, fold)
    if op is sre.BRANCH:
        return _branch(av[1], fold)
    if op in _REPEAT_OPS:
        low, high, item = av
        return _repeat(low, high, item, fold)
    return _UNKNOWN  # ANY, NOT_LITERAL, CATEGORY, GROUPREF ...


def _sequence(nodes: Iterable[Any], fold: bool) -> _Info:
    need: list[frozenset[str]] = []
    run: Optional[frozenset[str]] = frozenset({""})  # literal text matched since the last gap
    exact_throughout = True

    def flush() -> None:
        if run is not None and _useful(run, fold) and run not in need:
            need.append(run)

    for op, av in nodes:
        info = _node(op, av, fold)
        need.extend(n for n in info.need if n not in need)
        if info.exact is None:
            flush()
            run, exact_throughout = frozenset({""}), False
            continue
        if run is not None and len(run) * len(info.exact) <= MAX_EXACT:
            run = frozenset(a + b for a in run for b in info.exact)
        else:
            flush()
            run, exact_throughout = info.exact, False
    if exact_throughout and not need:
        return _Info(run, ())
    flush()
    return _Info(None, tuple(need))


def requirement(pattern: str, flags: int = re.IGNORECASE) -> Requirement:
    """What literal text `pattern` needs in the lower-cased clause: an AND of OR-sets."""
    parsed = sre_parse.parse(pattern, flags)
    info = _sequence(parsed, bool(flags & re.IGNORECASE))
    if info.exact is not None:
        return (info.exact,) if _useful(info.exact) else ()
    return info.need


def _most_selective(need: tuple[frozenset[int], ...], length: list[int]) -> frozenset[int]:
    # longer atoms are rarer; fewer alternatives are rarer still
    return max(need, key=lambda orset: (min(length[i] for i in orset), -len(orset)))


def fold_case(text: str) -> str:
    """Lower case, with the letters re.IGNORECASE treats as ASCII ones mapped to them."""
    return text.translate(_FOLD).lower() if _FOLDABLE.search(text) else text.lower()


def literal_check(pattern: "re.Pattern[str]") -> Callable[[str], bool]:
    """One regex's `requirement` as plain substring tests, for a regex run on its own over
    many texts that mostly lack it. The check takes `fold_case(text)` and is False only where
    `pattern` cannot match."""
    need = requirement(pattern.pattern, pattern.flags)

    def may_match(folded: str) -> bool:
        return all(any(atom in folded for atom in orset) for orset in need)

    return may_match


class Prefilter:
    """Decides, for many regexes at once, which of them could match a text.

    Build it with each regex's `requirement`; `candidates(text)` finds all atoms in one
    Aho-Corasick pass and returns, in order, the indices of the regexes whose requirement the
    text meets. A regex with no requirement is always a candidate.
    """

    def __init__(self, requirements: Sequence[Requirement]) -> None:
        self._atoms: dict[str, int] = {}
        self._needs: list[tuple[frozenset[int], ...]] = [
            tuple(frozenset(self._atom(a) for a in orset) for orset in req) for req in requirements]
        self._always = [i for i, need in enumerate(self._needs) if not need]
        # A regex is looked at only when an atom of its most selective OR-set occurs; the
        # rest of its AND (`_rest`, often nothing) is checked after that.
        self._by_atom: dict[int, list[int]] = {}
        self._rest: list[tuple[frozenset[int], ...]] = []
        length = [len(a) for a in self._atoms]  # atom id -> length (ids are insertion order)
        for i, need in enumerate(self._needs):
            selective = _most_selective(need, length) if need else frozenset()
            for atom_id in selective:
                self._by_atom.setdefault(atom_id, []).append(i)
            self._rest.append(tuple(orset for orset in need if orset is not selective))
        self._automaton = ahocorasick.Automaton()
        for text, index in self._atoms.items():
            self._automaton.add_word(text, index)
        if self._atoms:
            self._automaton.make_automaton()

    def _atom(self, atom: str) -> int:
        return self._atoms.setdefault(atom, len(self._atoms))

    def found(self, text: str) -> set[int]:
        """The atoms that occur in `text`."""
        if not self._atoms:
            return set()
        return set(map(_second, self._automaton.iter(fold_case(text))))

    def candidates(self, text: str) -> list[int]:
        """Indices, in order, of the regexes that could match `text`."""
        found = self.found(text)
        hit = set(self._always)
        by_atom = self._by_atom
        for atom in found:
            regexes = by_atom.get(atom)
            if regexes:
                hit.update(regexes)
        rest = self._rest
        return [i for i in sorted(hit)
                if not rest[i] or all(not orset.isdisjoint(found) for orset in rest[i])]


class AnyOf:
    """Whether any of several regexes occurs in a text: what one alternation of them answers,
    but each text is scanned once for the literals they need (a `Prefilter`) and then only by
    the regexes whose literals it holds. Most clauses hold none, and a long alternation tried
    at every position of every clause is dear."""

    def __init__(self, patterns: Sequence[str], flags: int = re.IGNORECASE) -> None:
        self.patterns = tuple(patterns)
        self._regexes = [re.compile(p, flags) for p in self.patterns]
        self._prefilter = Prefilter([requirement(p, flags) for p in self.patterns])

    def occurs_in(self, text: str) -> bool:
        return any(self._regexes[i].search(text) for i in self._prefilter.candidates(text))
