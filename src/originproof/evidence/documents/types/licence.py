"""Factory licences and registrations, and what stands in for them (GMP/ISO certificates, register
extracts, establishment declarations, facility registrations)."""
from __future__ import annotations

import re
from typing import Any

from originproof.evidence.documents.layout import DocText, norm
from originproof.evidence.documents.types.common import (date_fact, dates_in, fact, looks_like_name, name_of,
                                                         number_of, run_fact)
from originproof.evidence.layout.captions import lexicon
from originproof.evidence.layout.pairing import Fields, pair
from originproof.facts.base import Fact
from originproof.facts.documents import FactoryLicence
from originproof.text.countries import country_from_address
from originproof.text.dates import find_dates


def _scheme(doc: DocText, registry: Any, country: str | None) -> tuple[str | None, int | None]:
    """The registry scheme whose printed name the document's title carries."""
    if registry is None:
        return None, None
    head = [(i, norm(l.text)) for i, l in enumerate(doc.lines[:6])]
    toks = [(i, set(re.findall(r"\w+", l.text.casefold()))) for i, l in enumerate(doc.lines[:6])]
    best, best_len, best_line = None, 0, None
    for s in registry.licence_schemes(None):
        names = s.get("name") or []
        names = [names] if isinstance(names, str) else names
        for n in names:
            k = norm(str(n))
            if len(k) < 4:
                continue
            ntoks = set(re.findall(r"\w+", str(n).casefold()))
            for (i, t), (_i, tk) in zip(head, toks):
                hit = k in t or (len(ntoks) >= 2 and ntoks <= tk)
                if hit and (len(k) > best_len or (len(k) == best_len and country and
                                                    str(s.get("country", "")).upper() == country)):
                    if best is not None and len(k) == best_len and str(best.get("country", "")).upper() == country:
                        continue
                    best, best_len, best_line = s, len(k), i
    if best is None and country:
        # "ISO 22716" titles come in every language; the country's GMP stand-in scheme is meant.
        for i, t in head:
            if "22716" in t:
                for s in registry.licence_schemes(country):
                    if "22716" in s.get("id", "").replace("_", "") or "iso22716" in s.get("id", ""):
                        return s["id"], i
    return (best["id"], best_line) if best else (None, None)


def _companions(doc: DocText, registry: Any, country: str | None, main: str | None) -> list[tuple[str, Any]]:
    """Company-register extracts (and other schemes) titled at the top of a later page."""
    if registry is None or len({l.page for l in doc.lines}) < 2:
        return []
    found: list[tuple[str, Any]] = []
    first_page = doc.lines[0].page
    tops: dict[int, list] = {}
    for l in doc.lines:
        if l.page != first_page:
            tops.setdefault(l.page, [])
            if len(tops[l.page]) < 3:
                tops[l.page].append(l)
    for _page, lines in tops.items():
        for s in registry.licence_schemes(country):
            if s.get("id") == main:
                continue
            names = s.get("name") or []
            names = [names] if isinstance(names, str) else names
            hit = next((l for l in lines for n in names if len(norm(str(n))) >= 4 and norm(str(n)) in norm(l.text)), None)
            if hit is not None and s["id"] not in [f[0] for f in found]:
                found.append((s["id"], hit))
    return found


def _joined(lines: list[str]) -> str:
    """Value lines as one text: a word broken at the line end ("Tab" + "letten") is joined back."""
    out = ""
    for l in lines:
        l = l.strip()
        if out and re.search(r"[a-zäöüéèà]$", out) and re.match(r"^[a-zäöüéèà]", l):
            out += l
        else:
            out += (" " if out else "") + l
    return out


def _first_page_only(fields: Fields, name: str, page: int):
    return next((v for v in fields.all(name) if v.caption.page == page), None)


def parse_licence(doc: DocText, registry: Any = None) -> FactoryLicence:
    lex = lexicon("factory_licence")
    fields = pair(doc.models, lex)
    country = doc.country
    out = FactoryLicence()
    sid, sline = _scheme(doc, registry, country)
    if sid:
        out.scheme = doc.fact(sid, doc.lines[sline])
    support = _companions(doc, registry, country, sid)
    if support:
        out.supporting_schemes = doc.union_fact([s for s, _l in support], [l for _s, l in support])
    # The licence itself is on the first page; later pages are companions (register extracts, translations).
    page = doc.lines[0].page if doc.lines else 1

    def first(name: str):
        return _first_page_only(fields, name, page) or fields.first(name)
    v = first("licence_number")
    num = number_of(v.text) if v is not None else None
    if num:
        # OCR spaces out "제 5035 호"; the number is the same without the spaces.
        out.licence_number = fact(doc, v, re.sub(r"\s+", "", num) if re.search(r"[제第호号]", num) else num)
    v = first("holder")
    if v is not None:
        head = name_of(v.text)
        if looks_like_name(head, lex):
            out.holder = fact(doc, v, head, runs=v.runs[:1] or None)
    v = first("registration_number")
    if v is not None:
        # Register numbers run from four digits with a prefix ("HRB 4668") to fourteen (SIRET).
        m = re.search(r"[A-Z]{0,3}\s?\d[\d\s\-]{2,}\d", v.text)
        if m:
            out.holder_registration_number = fact(doc, v, m.group(0).strip())
    if out.licence_number is None and out.holder_registration_number is not None:
        # A company-register extract is numbered by the register entry itself ("Nummer der Firma").
        scheme = registry.licence_scheme(sid) if registry is not None else None
        pattern = (scheme or {}).get("number_pattern")
        if (scheme or {}).get("kind") == "company_register" and pattern \
                and re.match(pattern, out.holder_registration_number.value):
            out.licence_number = out.holder_registration_number
    v = _best_address(fields.all("address"), page, country)
    if v is not None:
        addr = _joined(v.lines)
        out.address = fact(doc, v, addr)
        c, conf = country_from_address(addr, country)
        if c:
            out.country = fact(doc, v, c, conf=conf)
    v = first("activities")
    if v is not None:
        text = _joined(v.lines)
        # "·" joins one Korean activity (식품제조·가공업), it is no list separator.
        items = [a.strip() for a in re.split(r"[、,;／]|\s/\s|\s{3,}", text) if a.strip()]
        out.activities = fact(doc, v, items)
    out.issue_date = date_fact(doc, first("issue_date"), country)
    out.expiry_date = date_fact(doc, first("expiry_date"), country)
    validity = first("validity")
    if validity is not None:
        found = dates_in(validity, country)
        if out.issue_date is None and found:
            out.issue_date = fact(doc, validity, found[0].value.isoformat(), conf=found[0].confidence)
        if out.expiry_date is None and len(found) >= 2:
            out.expiry_date = fact(doc, validity, found[1].value.isoformat(), conf=found[1].confidence)
        elif out.expiry_date is None and len(found) == 1 and out.issue_date is not None \
                and found[0].value.isoformat() > out.issue_date.value:
            # "許可の有効期間 令和11年11月16日": a validity given by its last day alone.
            out.expiry_date = fact(doc, validity, found[0].value.isoformat(), conf=found[0].confidence)
    if out.issue_date is None:
        out.issue_date = _footer_date(doc, fields, page, country)
    v = first("authority")
    if v is not None and looks_like_name(v.lines[0], lex):
        out.authority = fact(doc, v, v.lines[0].strip())
    return out


def _best_address(values: list[Any], page: int, country: str | None) -> Any:
    """Extracts print a seat ("Sitz: Frankfurt am Main") beside the full business address: the address
    that places itself best (street, postcode, country) wins; on a tie, the first of the licence's page."""
    def rank(v: Any) -> tuple[float, int, int]:
        _c, conf = country_from_address(_joined(v.lines), country)
        return (conf, int(v.caption.page == page), -values.index(v))
    return max(values, key=rank) if values else None


def _footer_date(doc: DocText, fields: Fields, page: int, country: str | None) -> Fact | None:
    """A licence dated only at its foot (the issuing office's line): the lowest date of the page
    that is no other field's value. Not cross-checked, so not fully confident."""
    taken = {id(r) for vs in fields.values.values() for v in vs for r in v.runs}
    best = None
    for m in doc.models:
        if m.page != page:
            continue
        for r in m.runs:
            if id(r) in taken or fields.is_caption(r):
                continue
            found = find_dates(r.text, country)
            if found and (best is None or r.bbox[1] > best[0].bbox[1]):
                best = (r, found[0])
    if best is None:
        return None
    return run_fact(doc, best[0], best[1].value.isoformat(), conf=min(0.85, best[1].confidence))
