"""The extraction pipeline: a spaCy `Language` of rule components, run per text unit.

A plan is read (read.py), cut into units (structure.py: the opening
paragraph, each section's own text, each numbered point), and every unit
goes through one spaCy pipeline: a char tokenizer (no model, no download),
then the lexicon, the entity rules, user patterns (a span ruler), the
resolver, relations and targets. Units are small and independent, which
keeps offsets local and lets documents stream.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# Importing the modules registers their factories with spaCy.
from extract import entities as _entities  # noqa: F401
from extract import lexicon as _lexicon  # noqa: F401
from extract import relations as _relations  # noqa: F401
from extract import targets as _targets  # noqa: F401
from extract.lexicon import Lexicon, load_lexicon
from extract.local import Locale, find_locale, infer_issuer, is_generic_local, issuer_from_body, qualify
from extract.normalize import clean_surface, normalize_name, simplify_chars
from extract.read import DEFAULT_LIMITS, RawDocument, ReadLimits, iter_input_files, read_capped, read_document
from extract.responsibility import read_tags
from extract.structure import Structure, parse_structure
from extract.textview import ents_of
from extract.tokenizer import CharTokenizer
from graph.errors import InputError
from graph.model import (
    DocumentMeta,
    Entity,
    EntityKey,
    Evidence,
    Extraction,
    Mention,
    Relation,
    Target,
    document_titles,
)

log = logging.getLogger(__name__)


# No name is longer: the longest real ones are documents' titles (关于…的意见, ~60
# characters); a longer 《…》 or quote is a passage, and would shrink every graph holding it
NAME_MAX = 100


def build_nlp(*, patterns: Path | str | None = None, lexicon_dir: Path | str | None = None) -> Language:
    """The policykg pipeline on a blank Chinese spaCy (char segmenter, nothing to download).

    Args:
        patterns: a JSONL file of extra patterns in spaCy's EntityRuler format
            (``{"label": "Program", "pattern": "春晖计划", "id": "春晖计划"}``).
        lexicon_dir: a folder of lexicon files replacing the shipped ones.
    """
    nlp = spacy.blank("zh")
    nlp.tokenizer = CharTokenizer(nlp.vocab)  # the same tokens, in linear time
    lexicon_cfg = {"lexicon_dir": str(lexicon_dir) if lexicon_dir else None}
    nlp.add_pipe("policykg_lexicon", config=lexicon_cfg)
    nlp.add_pipe("policykg_entity_rules", config=lexicon_cfg)
    if patterns is not None:
        ruler = nlp.add_pipe(
            "span_ruler", name="user_patterns", config={"spans_key": "user", "phrase_matcher_attr": "ORTH"}
        )
        ruler.add_patterns(read_patterns(Path(patterns)))  # type: ignore[attr-defined]
    nlp.add_pipe("policykg_entity_resolver")
    nlp.add_pipe("policykg_relations", config=lexicon_cfg)
    nlp.add_pipe("policykg_targets")
    return nlp


def read_patterns(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> list[dict[str, object]]:
    """User patterns, checked line by line so a bad line names itself.

    Lines end at "\n" only: JSON strings may hold U+2028, U+2029 or U+0085
    raw, and `str.splitlines` would cut a pattern there.

    Raises:
        InputError: the file is missing, over `limits.max_patterns_bytes`, not
            UTF-8, or a line is not a pattern.
    """
    from graph.model import ENTITY_TYPES

    if not path.exists():
        raise InputError(f"{path}: patterns file not found; pass a JSONL file of EntityRuler patterns")
    data = read_capped(path, limits.max_patterns_bytes, what="a patterns file", option=None)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: patterns file is not UTF-8 (byte {e.start}); re-save it as UTF-8") from e
    out = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(
                f"{path}:{lineno}: not valid JSON ({e.msg}); "
                'write one pattern per line like {"label": "Program", "pattern": "春晖计划"}'
            ) from e
        except RecursionError as e:
            raise InputError(f"{path}:{lineno}: nested too deeply to be a pattern; write one pattern per line") from e
        if not isinstance(obj, dict) or "label" not in obj or "pattern" not in obj:
            raise InputError(
                f'{path}:{lineno}: a pattern needs "label" and "pattern"; '
                'write it like {"label": "Program", "pattern": "春晖计划"}'
            )
        if not isinstance(obj["pattern"], str | list) or not isinstance(obj["label"], str):
            raise InputError(
                f'{path}:{lineno}: "label" is a type name and "pattern" a string or a list of token patterns; '
                'write it like {"label": "Program", "pattern": "春晖计划"}'
            )
        if obj["label"] not in ENTITY_TYPES:
            raise InputError(f"{path}:{lineno}: unknown label {obj['label']!r}; use one of {', '.join(ENTITY_TYPES)}")
        out.append(obj)
    return out


def _units(structure: Structure, *, first: bool = True) -> Iterator[tuple[str, str]]:
    """(unit id, text) for everything that can mention entities; the titles once, in the first segment."""
    titles = document_titles(structure.document) if first else ""
    if titles.strip():
        yield f"{structure.document.id}:title", titles
    if structure.cover.strip():
        yield f"{structure.document.id}:cover", structure.cover
    if structure.preamble.strip():
        yield structure.document.id, structure.preamble
    for section in structure.sections:
        if section.text.strip():
            yield section.id, section.text
    for point in structure.points:
        yield point.id, point.text


_COLLECTIVE_HEAD = re.compile(
    r"(?:学校|单位|幼儿园|学院|大学|中学|小学|中小学|高校|院校|中心学校|初中|高中|中职学校|事业单位|部门)[)）]?$"
)
_BODY_HEAD = re.compile(
    r"(?:局|厅|委|委员会|工委|政府|办|教办|处室|科室|股室|处|科|股|学区|片区|机构|中心|办公室)[)）]?$"
)


def addressee_type(name: str) -> str | None:
    """An addressee is an Agency when its head noun is an administrative body; else it is no entity.

    The gold guidelines annotate 各县(市、区)教育局, 机关各科室, 各学区 (bodies)
    but not collectives of schools or units (各直属学校(单位), 局属各单位).

    >>> addressee_type("各县(市、区)教育局"), addressee_type("直属各单位"), addressee_type("机关处室")
    ('Agency', None, 'Agency')
    """
    plain = re.sub(r"[(（][^()（）]*[)）]$", "", name)
    if _COLLECTIVE_HEAD.search(plain) or _COLLECTIVE_HEAD.search(name):
        return None
    return "Agency" if _BODY_HEAD.search(plain) else None


_TITLE_MARKS = re.compile(r"《([^《》]{2,80})》")


def own_titles(meta: DocumentMeta, cover: str) -> set[str]:
    """The document's own titles: its plan title, and what its notice and cover letter issue.

    《某市2024年工作要点》 in 现将《…》印发给你们 is this document, not a policy it cites.
    """
    found = {meta.plan_title or "", meta.title or ""}
    for text in (meta.title or "", meta.plan_title or ""):
        found.update(_TITLE_MARKS.findall(text))
        if "关于" in text:
            found.add(text[text.index("关于") :])  # 某局关于…的通知: the notice itself
    for sentence in re.split(r"[。！？]", cover):
        if "印发" in sentence or "下发" in sentence:
            found.update(_TITLE_MARKS.findall(sentence))
    return {normalize_name(t) for t in found if t}


# A document of more points than this is extracted a run of points at a time
# (see extract_segments); plans have tens to hundreds of points.
SEGMENT_POINTS = 2000


def extract_document(raw: RawDocument, nlp: Language) -> Extraction:
    """Run structure and the pipeline over one read document, as one record however long it is."""
    structure, locale = _read(raw, nlp)
    return _extract(structure, nlp, locale)


def _lexicon_of(nlp: Language) -> Lexicon:
    """The pipeline's own lexicon (a custom lexicon_dir included), or the shipped one."""
    if "policykg_lexicon" in nlp.pipe_names:
        return nlp.get_pipe("policykg_lexicon").lexicon  # type: ignore[attr-defined,no-any-return]
    return load_lexicon()


def _read(raw: RawDocument, nlp: Language) -> tuple[Structure, Locale]:
    """Structure, with the issuer completed and named with the document's place.

    The header gives the issuer as written (市教育局); a report without one
    names its authority in the body; failing both, the issuer is inferred
    from the scope and place (``issuer_source="inferred"``).
    """
    structure = parse_structure(raw.text, source=raw.path.name, sha256=raw.sha256, encoding=raw.encoding)
    lexicon = _lexicon_of(nlp)
    meta = structure.document
    text = simplify_chars(raw.text)
    names, source, kind, forms = meta.issuers, meta.issuer_source, meta.issuer_type, meta.issuer_forms
    locale = find_locale(text, issuers=names, doc_number=meta.doc_number, lexicon=lexicon)
    if not names:
        found = issuer_from_body(text, lexicon) or infer_issuer(text, meta.plan_title or meta.title, locale)
        if found is not None:
            names, source, kind, forms = found.names, found.source, found.type, found.forms
            locale = find_locale(text, issuers=names, doc_number=meta.doc_number, lexicon=lexicon)
    written = [normalize_name(n) for n in names]
    qualified = tuple(qualify(n, locale, meta.id) if kind == "Agency" else n for n in written)
    forms = tuple(dict.fromkeys(f for f in (*map(normalize_name, forms), *written) if f not in qualified))
    structure.document = replace(
        meta,
        issuer=qualified[0] if qualified else None,
        issuers=qualified,
        issuer_source=source,
        issuer_type=kind,
        issuer_forms=forms,
        place=locale.place,
        addressees=tuple(normalize_name(a) for a in meta.addressees),
    )
    return structure, locale


def extract_segments(raw: RawDocument, nlp: Language, *, max_points: int | None = None) -> Iterator[Extraction]:
    """One record for a document, or one per run of `max_points` points when it has more.

    A province's plans pasted into one file (50 MB, 68,000 points) would
    otherwise be one record of hundreds of MB held whole; as segments, memory
    holds the text and one segment. The first segment carries the header,
    preamble, cover and sections; every segment carries the document's
    metadata and ``segment=(index, count)``. Abbreviations and short forms
    are resolved within a segment, so a name defined in one segment and
    shortened in another stays two entities.
    """
    structure, locale = _read(raw, nlp)
    points = structure.points
    max_points = max_points or SEGMENT_POINTS
    if len(points) <= max_points:
        yield _extract(structure, nlp, locale)
        return
    count = -(-len(points) // max_points)
    for k in range(count):
        first = k == 0
        part = Structure(
            document=structure.document,
            sections=structure.sections if first else [],
            points=points[k * max_points : (k + 1) * max_points],
            preamble=structure.preamble if first else "",
            preamble_start=structure.preamble_start,
            cover=structure.cover if first else "",
            warnings=structure.warnings if first else [],
        )
        yield _extract(part, nlp, locale, segment=(k, count))


def _extract(structure: Structure, nlp: Language, locale: Locale, segment: tuple[int, int] | None = None) -> Extraction:
    meta: DocumentMeta = structure.document  # issuer and addressees in the entities' normal form (_read)
    issuer = EntityKey(meta.issuer_type, meta.issuer) if meta.issuer else None

    mentions: dict[EntityKey, list[Mention]] = defaultdict(list)
    aliases: dict[EntityKey, set[str]] = defaultdict(set)
    relations: list[Relation] = []
    targets: list[Target] = []
    for name in meta.issuers if meta.issuer_source != "inferred" else ():
        mentions.setdefault(EntityKey(meta.issuer_type, name), [])  # an inferred issuer is not in the text
    if issuer is not None:
        aliases[issuer].update(meta.issuer_forms)
    for addressee in meta.addressees:
        if (kind := addressee_type(addressee)) is not None:
            mentions.setdefault(EntityKey(kind, addressee), [])

    all_units = list(_units(structure, first=segment is None or segment[0] == 0))
    # Responsibility tags (责任科室：…) are read apart; the rules see them blanked.
    tags = read_tags(
        all_units,
        doc_id=meta.id,
        issuer=meta.issuer,
        local=lambda unit: qualify(unit, locale, meta.id) if is_generic_local(unit) else None,
    )
    units = [(unit_id, tags.blank(unit_id, text)) for unit_id, text in all_units]
    pieces = [(unit_id, offset, chunk) for unit_id, text in units for offset, chunk in _chunks(text)]
    year = document_year(meta)
    docs = nlp.pipe(
        _with_context(nlp, chunk, unit_id, issuer, part=_part(structure, unit_id), year=year)
        for unit_id, _offset, chunk in pieces
    )
    # One object per distinct surface, key and sentence: a plan of 10⁵ mentions
    # repeats a few thousand names, and a huge plan's record is held whole.
    canon: Callable[[Any, Any], Any] = {}.setdefault
    # (label, name, written form) → its key, the form and the aliases it adds: computed once per document
    seen_forms: dict[tuple[str, str, str], tuple[EntityKey | None, str, tuple[str, ...]]] = {}
    seen_mentions: set[tuple[str, str, int, int]] = set()  # duplicates come from one chunk: reset per chunk
    for (unit_id, offset, chunk), doc in zip(pieces, docs, strict=True):
        seen_mentions.clear()
        for ent in [*ents_of(doc), *doc.user_data.get("policykg_nested", ())]:
            written = chunk[ent.start_char : ent.end_char]  # Span.text walks the tokens
            form = seen_forms.get((ent.label_, ent.kb_id_, written))
            if form is None:
                surface = canon(written, written)
                new = EntityKey(ent.label_, ent.kb_id_ or normalize_name(surface))
                if new.name and len(new.name) <= NAME_MAX:
                    new = canon(new, new)
                    # 杭师大, and the traditional 國培計劃
                    extra = tuple(f for f in {normalize_name(surface), clean_surface(surface)} if f != new.name)
                    form = seen_forms[(ent.label_, ent.kb_id_, written)] = (new, surface, extra)
                else:
                    form = seen_forms[(ent.label_, ent.kb_id_, written)] = (None, surface, ())
            found, surface, extra = form
            if found is None:
                continue
            key = found
            start, end = offset + ent.start_char, offset + ent.end_char
            if tags.overlaps(unit_id, start, end):
                continue  # a name read into a blanked tag is not in the text
            if (key.type, key.name, start, end) not in seen_mentions:
                seen_mentions.add((key.type, key.name, start, end))
                mentions[key].append(Mention(unit_id, start, end, surface))
            if extra:
                aliases[key].update(extra)
        for r in doc.user_data.get("policykg_relations", ()):
            if len(r.head.name) > NAME_MAX or len(r.tail.name) > NAME_MAX:
                continue
            ev = r.evidence
            ev = Evidence(ev.point, canon(ev.sentence, ev.sentence), ev.trigger, ev.start + offset, ev.end + offset)
            relations.append(Relation(r.type, canon(r.head, r.head), canon(r.tail, r.tail), ev))
        for t in doc.user_data.get("policykg_targets", ()):
            if offset:  # only the second and later chunks of a long unit are shifted
                t = replace(t, start=t.start + offset, end=t.end + offset, id=f"{unit_id}:t{t.end + offset}")
            targets.append(t)

    _defined_abbreviations(units, mentions, aliases)
    titles = own_titles(meta, structure.cover)
    for key in [k for k in mentions if k.type not in ("Agency", "Institution", "Place") and k.name in titles]:
        del mentions[key]  # the plan itself, named in its own cover letter or title
    renamed = _local_names(mentions, meta, locale)
    _merge(mentions, aliases, renamed)
    shortened = _short_forms(mentions)
    _merge(mentions, aliases, shortened)
    renamed = {k: shortened.get(v, v) for k, v in renamed.items()} | shortened
    relations = [
        Relation(r.type, renamed.get(r.head, r.head), renamed.get(r.tail, r.tail), r.evidence)
        for r in relations
        if r.tail.name not in titles
    ]
    targets = [replace(t, about=renamed.get(t.about, t.about)) if t.about else t for t in targets]
    tags.add_entities(mentions, aliases)
    relations = tags.restore_evidence(relations)

    entities = tuple(
        Entity(type=k.type, name=k.name, aliases=tuple(sorted(aliases[k] - {k.name})), mentions=tuple(ms))
        for k, ms in mentions.items()
    )
    return Extraction(
        document=meta,
        sections=tuple(structure.sections),
        points=tags.points(structure.points),
        entities=entities,
        relations=tuple(_dedupe_relations(relations)),
        targets=tuple(targets),
        preamble=structure.preamble,
        cover=structure.cover,
        warnings=tuple(structure.warnings),
        segment=segment,
    )


def _merge(
    mentions: dict[EntityKey, list[Mention]], aliases: dict[EntityKey, set[str]], renamed: dict[EntityKey, EntityKey]
) -> None:
    """Move each renamed entity's mentions and aliases to its new key; its old name stays an alias."""
    for old, new in renamed.items():
        mentions[new].extend(mentions.pop(old, []))
        aliases[new] |= {old.name} | aliases.pop(old, set())


def _local_names(
    mentions: dict[EntityKey, list[Mention]], meta: DocumentMeta, locale: Locale
) -> dict[EntityKey, EntityKey]:
    """Generic local bodies named with the document's place, and the issuer's written forms merged into it."""
    out: dict[EntityKey, EntityKey] = {}
    issuer = EntityKey(meta.issuer_type, meta.issuer) if meta.issuer else None
    forms = set(meta.issuer_forms)
    for key in mentions:
        if key.type not in ("Agency", "Institution"):
            continue
        if issuer is not None and key.name in forms and key != issuer and key.type == issuer.type:
            out[key] = issuer
        elif is_generic_local(key.name):
            target = EntityKey(key.type, qualify(key.name, locale, meta.id))
            if target != key:
                out[key] = target
    return out


_ABBREVIATION = re.compile(r"[（(]\s*(?:以下|下)简称[:：]?\s*[“\"「]?([^”\"」）)]{2,12})[”\"」]?\s*[）)]")


def _defined_abbreviations(
    units: list[tuple[str, str]], mentions: dict[EntityKey, list[Mention]], aliases: dict[EntityKey, set[str]]
) -> None:
    """杭州师范大学（以下简称“杭师大”）: the text defines an alias; its later uses are mentions."""
    definitions = [(unit_id, m) for unit_id, text in units for m in _ABBREVIATION.finditer(simplify_chars(text))]
    if not definitions:
        return
    # mentions by unit, so each lookup reads one unit's mentions, not the document's
    by_unit: dict[str | None, list[tuple[EntityKey, Mention]]] = defaultdict(list)
    for k, ms in mentions.items():
        for x in ms:
            by_unit[x.point].append((k, x))
    simplified = [(uid, utext, simplify_chars(utext)) for uid, utext in units]
    for unit_id, m in definitions:
        short = normalize_name(m.group(1))
        owner = next((k for k, x in by_unit[unit_id] if x.end in (m.start(), m.start() - 1)), None)
        if owner is None or not short or short == owner.name:
            continue  # （下简称《》）defines nothing
        aliases[owner].add(short)
        for uid, utext, simple in simplified:
            pos = simple.find(short)
            while pos >= 0:
                taken = any(x.start < pos + len(short) and pos < x.end for _k, x in by_unit[uid])
                if not taken:
                    mention = Mention(uid, pos, pos + len(short), utext[pos : pos + len(short)])
                    mentions[owner].append(mention)
                    by_unit[uid].append((owner, mention))
                pos = simple.find(short, pos + len(short))


def _order(m: Mention) -> tuple[int, int, int]:
    """Reading order of a mention: cover, opening, sections, points (by number), offset."""
    unit = m.point or ""
    if unit.endswith((":cover", ":title")):
        rank = (0, 0)
    elif ":" not in unit:
        rank = (1, 0)
    else:
        tail = unit.rsplit(":", 1)[1]
        rank = (2 if tail.startswith("s") else 3, int(tail[1:]) if tail[1:].isdigit() else 0)
    return (*rank, m.start)


def _short_forms(mentions: dict[EntityKey, list[Mention]]) -> dict[EntityKey, EntityKey]:
    """Later short mentions of a name already written in full: 市域产教联合体 → 新能源市域产教联合体.

    Only when the short form ends the full name, is at least four characters,
    has the same type, and exactly one full name fits; never for places
    (白城市 inside 白城市教育局 is a different thing).
    """
    out: dict[EntityKey, EntityKey] = {}
    first = {k: min(_order(m) for m in ms) for k, ms in mentions.items() if ms and k.type != "Place"}
    # every ending of four or more characters → the names ending so (linear in names, not quadratic)
    endings: dict[tuple[str, str], list[EntityKey]] = defaultdict(list)
    for k in first:
        for n in range(4, len(k.name)):
            endings[(k.type, k.name[-n:])].append(k)
    for short, first_short in first.items():
        if len(short.name) < 4:
            continue
        fulls = [k for k in endings.get((short.type, short.name), ()) if first[k] < first_short]
        if len(fulls) == 1:
            out[short] = fulls[0]
    return out


CHUNK = 20_000


def _chunks(text: str, size: int = CHUNK) -> Iterator[tuple[int, str]]:
    """A unit in pieces of about `size` characters, cut after a sentence end.

    Points are a few hundred characters; only a plan without numbering (or a
    broken one) yields a unit of megabytes, which must not become one spaCy
    Doc. Names rarely cross a sentence end, so little is lost at the cuts.

    >>> [(o, len(c)) for o, c in _chunks("甲。" * 6, size=4)]
    [(0, 4), (4, 4), (8, 4)]
    """
    start = 0
    while len(text) - start > size:
        cut = max(text.rfind(ch, start, start + size) for ch in "。；！？\n")
        end = cut + 1 if cut > start else start + size
        yield start, text[start:end]
        start = end
    yield start, text[start:]


def _part(structure: Structure, unit_id: str) -> str | None:
    """The kind of writing a unit is; a cover letter and the titles are of the document's opening."""
    if unit_id.endswith((":cover", ":title")):
        return structure.parts.get(unit_id, structure.parts.get(structure.document.id))
    return structure.parts.get(unit_id)


def document_year(meta: DocumentMeta) -> int | None:
    """The year a document speaks for: the latest year in its titles, else its dates.

    >>> document_year(DocumentMeta("d", "x", "0", title="关于印发2022年工作总结和2023年工作要点的通知"))
    2023
    """
    years = [int(y) for t in (meta.title, meta.plan_title) if t for y in re.findall(r"((?:19|20)\d\d)\s*年", t)]
    if years:
        return max(years)
    date = meta.issued_date or meta.published_date
    return int(date[:4]) if date else None


def _with_context(
    nlp: Language,
    text: str,
    unit_id: str,
    issuer: EntityKey | None,
    *,
    part: str | None = None,
    year: int | None = None,
) -> Doc:
    doc = nlp.make_doc(text)
    doc.user_data["policykg_text"] = text
    doc.user_data["policykg_unit"] = unit_id
    doc.user_data["policykg_issuer"] = issuer
    doc.user_data["policykg_part"] = part  # None: a plan; summary; report
    doc.user_data["policykg_year"] = year
    return doc


def _dedupe_relations(relations: Iterable[Relation]) -> Iterator[Relation]:
    """One relation per (type, head, tail, unit, sentence): evidence kept, repeats dropped."""
    seen: set[tuple[str, EntityKey, EntityKey, str | None, str]] = set()
    for r in relations:
        key = (r.type, r.head, r.tail, r.evidence.point, r.evidence.sentence)
        if key not in seen and r.head != r.tail:
            seen.add(key)
            yield r


def extract_paths(
    paths: Iterable[Path | str], *, nlp: Language | None = None, patterns: Path | None = None
) -> Iterator[Extraction]:
    """Read and extract every plan under `paths`, one document at a time.

    Documents stream: each is read, extracted and yielded before the next is
    read. A file whose bytes equal an earlier one (same sha256) is skipped.
    """
    nlp = nlp or build_nlp(patterns=patterns)
    seen: set[str] = set()
    for path in iter_input_files(paths):
        raw = read_document(path)
        if raw.sha256 in seen:
            log.warning("%s: same content as an earlier file; skipped", path)
            continue
        seen.add(raw.sha256)
        yield from extract_segments(raw, nlp)


__all__ = ["build_nlp", "extract_document", "extract_paths", "extract_segments"]
