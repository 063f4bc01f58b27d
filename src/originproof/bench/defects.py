"""Named defects: each makes one thing wrong in an otherwise clean dossier and says which finding a
correct verifier must give (rule, subject, status, severity) — the corpus labels.

A defect mutates the `Plan` (the `DossierSpec` knobs the renderers read, dates, claims, which
document gets which spec, video kwargs) and/or registers post-write mutations of the files or
the manifest. `variants` give several versions of one defect (language and country come from the
base dossier; document styles, video styles and the defect's own parameters from the variant).

`also` expectations are consequences rules.md makes certain (a failing visit on an offline-only
dossier also fails DIST.OFFLINE.MIN_STORES and DIST.ROUTE); they are scored like the primary one.
"""
from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

from originproof.bench import mutate
from originproof.bench.writer import Plan, render_kwargs_supported
from originproof.samples import ids
from originproof.samples.spec import Party, ProductSpec, licence_for

FAIL, WARN, UNKNOWN, PASS = "fail", "warn", "unknown", "pass"
NC, OVERDUE, FRAUD = "nonconforming", "overdue", "fraud"
SEV_ORDER = {None: 0, "none": 0, NC: 1, OVERDUE: 2, FRAUD: 3}


@dataclass
class Expect:
    rule: str
    subjects: tuple[str, ...]  # any of these
    status: str
    severity: str | None
    primary: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "subjects": list(self.subjects), "status": self.status,
                "severity": self.severity, "primary": self.primary}


@dataclass
class Case:
    plan: Plan
    variant: dict[str, Any]
    rng: random.Random
    expects: list[Expect] = field(default_factory=list)
    priors: list[Plan] = field(default_factory=list)  # dossiers checked and recorded before this one
    tolerated: bool = False  # not a defect: the dossier must be judged as a clean one

    def expect(self, rule: str, subject: str | tuple[str, ...], status: str = FAIL, severity: str | None = NC,
               primary: bool = False) -> None:
        subs = (subject,) if isinstance(subject, str) else tuple(subject)
        self.expects.append(Expect(rule, subs, status, severity if status in (FAIL, WARN) else None, primary))

    def visit_fails(self, i: int) -> None:
        """Visit i fails: on an offline-only dossier with 3 stores, too few stores remain and the route fails."""
        if self.plan.route == "offline" and len(self.plan.spec.stores) <= 3:
            self.expect("DIST.OFFLINE.MIN_STORES", "dossier", FAIL, NC)
            self.expect("DIST.ROUTE", "dossier", FAIL, NC)


@dataclass
class Defect:
    name: str
    rule: str
    status: str
    severity: str | None
    subject: str | tuple[str, ...]
    fn: Callable[[Case], Any]
    variants: list[dict[str, Any]]
    needs: Callable[[], bool] | None = None
    route: str | None = None  # force a route: offline | online | both
    note: str = ""

    def available(self) -> bool:
        return self.needs is None or bool(self.needs())

    def apply(self, plan: Plan, variant: dict[str, Any], seed: int) -> Case:
        if self.route is not None:
            plan.route = self.route
        elif plan.route == "online" and self.rule.startswith(("DIST.OFFLINE", "AUTH.IMAGE")):
            plan.route = "offline"
        case = Case(plan=plan, variant=dict(variant), rng=random.Random(f"{self.name}:{seed}:{sorted(variant.items())}"))
        subject = self.fn(case) or self.subject
        status = case.variant.get("expect_status", self.status)  # a variant whose right answer differs
        if subject != REPLACED:
            case.expects.insert(0, Expect(self.rule, (subject,) if isinstance(subject, str) else tuple(subject),
                                          status, self.severity if status in (FAIL, WARN) else None, True))
        return case


DEFECTS: dict[str, Defect] = {}
REPLACED = ("__primary_set_by_the_defect__",)  # the defect appended its own primary expectation


def defect(name: str, rule: str, status: str = FAIL, severity: str | None = NC, subject: Any = "dossier", *,
           variants: list[dict[str, Any]] | None = None, needs: Callable[[], bool] | None = None,
           route: str | None = None, note: str = "") -> Callable[[Callable[[Case], Any]], Callable[[Case], Any]]:
    def deco(fn: Callable[[Case], Any]) -> Callable[[Case], Any]:
        doc = (fn.__doc__ or "").strip().splitlines()
        DEFECTS[name] = Defect(name, rule, status, severity, subject, fn, variants or [{}], needs, route,
                               note or (doc[0] if doc else ""))
        return fn
    return deco


def expected_outcome(expects: list[Expect]) -> tuple[str, str]:
    """The verdict and severity a correct verifier gives, from the expected findings (rules.md Verdict)."""
    fails = [e for e in expects if e.status == FAIL]
    if fails:
        return "reject", max((e.severity for e in fails), key=lambda s: SEV_ORDER[s]) or NC
    if any(e.status in (WARN, UNKNOWN) for e in expects):
        return "review", "none"
    return "approve", "none"


def _video_knob(name: str) -> Callable[[], bool]:
    return lambda: name in render_kwargs_supported()


def _other_country(c: str) -> str:
    return {"JP": "KR", "KR": "JP", "US": "GB", "GB": "US", "DE": "FR", "FR": "DE", "IT": "FR", "AU": "US"}.get(c, "JP")


DOCS = {"coo": "certificate_of_origin", "licence": "factory_licence", "agreement": "production_agreement",
        "customs": "customs_declaration"}
DOC_SUBJECT = {slot: f"production.{slot}[0]" for slot in DOCS.values()}


def _doc_path(m: dict, slot: str) -> str:
    d = m["production"][slot][0]
    return d if isinstance(d, str) else d[0]


# ================================================================================ intake
@defect("manifest_bad_yaml", "INTAKE.MANIFEST",
        variants=[{"kind": "unclosed"}, {"kind": "tab_indent"}, {"kind": "not_utf8"}, {"kind": "scalar"}])
def manifest_bad_yaml(c: Case):
    """The manifest does not parse (or is not a mapping)."""
    kind = c.variant["kind"]

    def post(root: Path, m: dict):
        p = root / "dossier.yaml"
        text = p.read_text("utf-8")
        if kind == "unclosed":
            p.write_text(text + "\nmerchant: [unclosed\n", "utf-8")
        elif kind == "tab_indent":
            p.write_text(text.replace("\n  ", "\n\t", 3), "utf-8")
        elif kind == "not_utf8":
            p.write_bytes(text.encode("utf-16"))
        else:
            p.write_text("just a sentence, not a manifest\n", "utf-8")
    c.plan.file_posts.append(post)


@defect("manifest_missing_key", "INTAKE.MANIFEST",
        variants=[{"key": "merchant.uscc"}, {"key": "brand.owner"}, {"key": "products"}, {"key": "format"},
                  {"key": "distribution"}])
def manifest_missing_key(c: Case):
    """A required manifest key is missing."""
    path = c.variant["key"].split(".")

    def post(m: dict):
        d = m
        for k in path[:-1]:
            d = d[k]
        if path[-1] == "products":
            d["products"] = []
        else:
            d.pop(path[-1], None)
    c.plan.manifest_posts.append(post)


@defect("manifest_bad_country", "INTAKE.MANIFEST", variants=[{"code": "XX"}, {"code": "JPN"}, {"code": "EU"},
                                                               {"code": "ZZ", "where": "store"}])
def manifest_bad_country(c: Case):
    """A country code that is not ISO 3166-1 alpha-2."""
    code, where = c.variant["code"], c.variant.get("where", "brand")
    c.plan.route = "offline"

    def post(m: dict):
        if where == "brand":
            m["brand"]["origin_country"] = code
        else:
            m["distribution"]["offline"][1]["store"]["country"] = code
    c.plan.manifest_posts.append(post)


@defect("manifest_unknown_key", "INTAKE.MANIFEST", status=PASS, severity=None,
        variants=[{"key": "brand.orgin_country_typo"}, {"key": "x_vendor_extension"}])
def manifest_unknown_key(c: Case):
    """Unknown keys are ignored (listed in the finding's facts), not a broken manifest."""
    c.tolerated = True
    path = c.variant["key"].split(".")

    def post(m: dict):
        d = m
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = "JP"
    c.plan.manifest_posts.append(post)


_FILE_TARGETS = {"doc": ("production.factory_licence[0]", "factory_licence"),
                 "video": ("distribution.offline[1].video", None),
                 "receipt": ("distribution.offline[0].receipt", None)}


def _target_file(m: dict, target: str) -> str:
    if target == "doc":
        return _doc_path(m, "factory_licence")
    if target == "video":
        return m["distribution"]["offline"][1]["video"]
    return m["distribution"]["offline"][0]["receipt"]


def _file_defect(c: Case, change: Callable[[Path, Path, dict], None]) -> str:
    target = c.variant.get("target", "doc")
    c.plan.route = "offline"
    c.plan.receipts = True

    def post(root: Path, m: dict):
        rel = _target_file(m, target)
        change(root, root / rel, m)
    c.plan.file_posts.append(post)
    subject = _FILE_TARGETS[target][0]
    if target == "doc":
        c.expect("PROD.FACTORY.PRESENT", "production.factory_licence", FAIL, NC)
    else:
        c.visit_fails(1 if target == "video" else 0)
    return subject


@defect("file_missing", "INTAKE.FILE", variants=[{"target": "doc"}, {"target": "video"}, {"target": "receipt"}])
def file_missing(c: Case):
    """A file named in the manifest does not exist."""
    return _file_defect(c, lambda root, p, m: p.unlink())


@defect("file_empty", "INTAKE.FILE", variants=[{"target": "doc"}, {"target": "video"}, {"target": "receipt"}])
def file_empty(c: Case):
    """A referenced file is empty (0 bytes)."""
    return _file_defect(c, lambda root, p, m: mutate.replace_bytes(p, b""))


_WRONG_CONTENT = {"text": b"This is not the document you are looking for.\n" * 20,
                  "html": b"<!doctype html><html><body>certificate</body></html>\n" * 10,
                  "zip": None, "elf": b"\x7fELF\x02\x01\x01" + b"\0" * 400}


@defect("file_wrong_magic", "INTAKE.FILE",
        variants=[{"target": "doc", "content": "text"}, {"target": "doc", "content": "jpeg_as_pdf"},
                  {"target": "video", "content": "pdf_as_mp4"}, {"target": "receipt", "content": "elf"},
                  {"target": "doc", "content": "html"}])
def file_wrong_magic(c: Case):
    """A file whose content does not match its extension / accepted types."""
    content = c.variant["content"]

    def change(root: Path, p: Path, m: dict):
        if content == "jpeg_as_pdf":
            from originproof.bench.writer import scan_jpeg
            data = scan_jpeg(p.read_bytes())[0] if p.read_bytes()[:4] == b"%PDF" else p.read_bytes()
        elif content == "pdf_as_mp4":
            data = (root / _doc_path(m, "certificate_of_origin")).read_bytes()
        else:
            data = _WRONG_CONTENT[content]
        mutate.replace_bytes(p, data)
    return _file_defect(c, change)


@defect("file_truncated", "INTAKE.FILE", variants=[{"target": "video"}])
def file_truncated(c: Case):
    """A video cut off mid-file (an interrupted upload) does not decode."""
    def change(root: Path, p: Path, m: dict):
        data = p.read_bytes()
        mutate.replace_bytes(p, data[: len(data) // 3])
    return _file_defect(c, change)


@defect("path_traversal", "INTAKE.FILE", subject="production.certificate_of_origin[0]",
        variants=[{"path": "../outside.pdf"}, {"path": "evidence/../../outside.pdf"}, {"path": "/etc/hosts"}])
def path_traversal(c: Case):
    """A manifest path that leaves the dossier root."""
    rel = c.variant["path"]

    def post(root: Path, m: dict):
        shutil.copyfile(root / _doc_path(m, "certificate_of_origin"), root.parent / "outside.pdf")
        m["production"]["certificate_of_origin"] = [rel]
        import yaml
        (root / "dossier.yaml").write_text(yaml.safe_dump(m, allow_unicode=True, sort_keys=False), "utf-8")
    c.plan.file_posts.append(post)
    c.expect("PROD.COO.PRESENT", "production.certificate_of_origin", FAIL, NC)


@defect("symlink_out", "INTAKE.FILE", variants=[{"target": "doc"}, {"target": "receipt"}])
def symlink_out(c: Case):
    """A referenced file is a symbolic link to a file outside the dossier."""
    def change(root: Path, p: Path, m: dict):
        outside = root.parent / f"outside{p.suffix}"
        shutil.copyfile(p, outside)
        p.unlink()
        p.symlink_to(Path("../" * (len(p.relative_to(root).parts))) / outside.name)
    return _file_defect(c, change)


@defect("zip_bomb", "INTAKE.MANIFEST", variants=[{"mb": 30}, {"mb": 60}])
def zip_bomb(c: Case):
    """The dossier arrives as a zip that inflates beyond 100× its size."""

    def post(root: Path, m: dict):
        out = mutate.zip_bomb(root, root.parent / "dossier.zip", c.variant["mb"])
        shutil.rmtree(root)
        return out
    c.plan.file_posts.append(post)


@defect("zip_traversal", "INTAKE.MANIFEST", variants=[{"member": "../evil.txt"}, {"member": "/abs/evil.txt"}])
def zip_traversal(c: Case):
    """A zip member whose path leaves the archive root."""
    def post(root: Path, m: dict):
        out = mutate.zip_dossier(root, root.parent / "dossier.zip", extra={c.variant["member"]: b"x"})
        shutil.rmtree(root)
        return out
    c.plan.file_posts.append(post)


# ================================================================================ process
@defect("deadline_passed", "PROCESS.DEADLINE", severity=OVERDUE,
        variants=[{"late": {"minutes": 1}}, {"late": {"days": 1}}, {"late": {"days": 30}}])
def deadline_passed(c: Case):
    """Submitted after the platform's deadline."""
    s = c.plan.spec
    c.plan.spec = s.with_(deadline=s.submitted_at - timedelta(**c.variant["late"]))


# ================================================================================ offline route
@defect("two_stores", "DIST.OFFLINE.MIN_STORES", route="offline",
        variants=[{"mode": "drop_third"}, {"mode": "same_store_twice"}])
def two_stores(c: Case):
    """Fewer than 3 distinct stores."""
    s = c.plan.spec
    if c.variant["mode"] == "drop_third":
        c.plan.spec = s.with_(stores=s.stores[:2])
    else:
        c.plan.spec = s.with_(stores=[s.stores[0], s.stores[1], s.stores[0]])
    c.expect("DIST.ROUTE", "dossier", FAIL, NC)


@defect("store_claimed_abroad", "DIST.OFFLINE.STORE_COUNTRY", subject="distribution.offline[1]", route="offline",
        variants=[{"where": "neighbour"}, {"where": "CN"}])
def store_claimed_abroad(c: Case):
    """A store visit claimed in another country than the brand's origin."""
    s = c.plan.spec
    where = _other_country(s.country) if c.variant["where"] == "neighbour" else "CN"
    st = replace(s.stores[1], country=where)
    c.plan.spec = s.with_(stores=[s.stores[0], st, *s.stores[2:]])
    c.visit_fails(1)


@defect("store_unqualified", "DIST.OFFLINE.STORE_QUALIFIED", subject="distribution.offline[2]", route="offline",
        variants=[{"chain": "local_shop"}, {"chain": "foreign_chain"}])
def store_unqualified(c: Case):
    """A store that is not a registered large supermarket or well-known chain pharmacy."""
    s = c.plan.spec
    if c.variant["chain"] == "local_shop":
        name = {"JP": ("Tanaka Shoten", "田中商店"), "KR": ("Kim's Corner Mart", "김씨네 슈퍼")}.get(
            s.country, ("Corner Kiosk Miller", "Corner Kiosk Miller"))
    else:
        name = ("Walgreens", "Walgreens") if s.country != "US" else ("Boots", "Boots")
    st = replace(s.stores[2], chain=name[0], chain_local=name[1])
    c.plan.spec = s.with_(stores=[*s.stores[:2], st])
    c.visit_fails(2)


@defect("gps_abroad", "DIST.OFFLINE.VIDEO_ORIGINAL", severity=FRAUD, subject="distribution.offline[0]",
        route="offline", variants=[{"to": "other"}, {"to": "CN"}])
def gps_abroad(c: Case):
    """The video's recorded location is in another country than the claimed store's."""
    coords = {"JP": (35.68, 139.76), "KR": (37.57, 126.98), "US": (40.71, -74.0), "GB": (51.51, -0.13),
              "FR": (48.86, 2.35), "DE": (52.52, 13.40), "IT": (41.9, 12.5), "AU": (-33.87, 151.21),
              "CN": (31.23, 121.47)}
    s = c.plan.spec
    to = _other_country(s.country) if c.variant["to"] == "other" else "CN"
    c.plan.visit_kw[0] = {"location": coords[to]}
    c.expect("DIST.OFFLINE.STORE_COUNTRY", "distribution.offline[0]", FAIL, NC)
    c.visit_fails(0)


@defect("video_after_submission", "DIST.OFFLINE.VIDEO_ORIGINAL", severity=FRAUD, subject="distribution.offline[1]",
        route="offline", variants=[{"days": 2}, {"days": 30}])
def video_after_submission(c: Case):
    """The video says it was recorded after the dossier was submitted."""
    s = c.plan.spec
    c.plan.visit_kw[1] = {"created_at": s.submitted_at + timedelta(days=c.variant["days"])}
    c.visit_fails(1)


@defect("video_editing_tool", "DIST.OFFLINE.VIDEO_ORIGINAL", status=WARN, severity=NC,
        subject="distribution.offline[2]", route="offline", needs=_video_knob("software"),
        variants=[{"software": "CapCut 12.1.0"}, {"software": "Adobe Premiere Pro 2024"}])
def video_editing_tool(c: Case):
    """The video carries an editing tool's trace (a warn: a person looks)."""
    c.plan.visit_kw[2] = {"software": c.variant["software"]}


@defect("video_spliced", "DIST.OFFLINE.VIDEO_CONTINUOUS", severity=FRAUD, subject="distribution.offline[0]",
        route="offline", needs=_video_knob("splice"), variants=[{"how": "splice"}, {"how": "pts_gap"}])
def video_spliced(c: Case):
    """The video is two takes joined (a hard cut), or footage was cut out (a timestamp jump)."""
    c.plan.visit_kw[0] = {"splice": True} if c.variant["how"] == "splice" else {"pts_gap": 2.5}
    c.visit_fails(0)


@defect("video_stages_missing", "DIST.OFFLINE.VIDEO_STAGES", subject="distribution.offline[1]", route="offline",
        needs=_video_knob("stages"),
        variants=[{"stages": ["store", "shelf_pick", "payment"]}, {"stages": ["shelf_pick", "payment", "receipt"]},
                  {"stages": ["store", "payment", "shelf_pick", "receipt"]}])
def video_stages_missing(c: Case):
    """The purchase is not shown whole and in order."""
    c.plan.visit_kw[1] = {"stages": list(c.variant["stages"])}
    c.visit_fails(1)


@defect("receipt_mismatch", "DIST.OFFLINE.RECEIPT", subject="distribution.offline[2]", route="offline",
        variants=[{"what": "chain"}, {"what": "date"}, {"what": "item"}])
def receipt_mismatch(c: Case):
    """The receipt's store, date or item does not match the visit."""
    s = c.plan.spec
    what = c.variant["what"]
    if what == "chain":
        other = s.stores[0].chain_local if s.stores[0].chain_local != s.stores[2].chain_local else "7-Eleven"
        vs = s.with_(extras={**s.extras, "receipt_chain": other})
    elif what == "date":
        vs = s.with_(extras={**s.extras, "receipt_date": s.submitted_at.date() - timedelta(days=75)})
    else:
        alien = ProductSpec(sku="X-1", name="Acme Dish Soap 500 ml", name_local="Acme Dish Soap 500 ml",
                            category="other", hs_code="3402500000", gtin=ids.gtin13(c.rng, "0"), price="3.00")
        vs = s.with_(products=[alien, *s.products[1:]])
    c.plan.visit_specs[2] = vs
    c.visit_fails(2)


@defect("video_duplicate_within", "DIST.OFFLINE.VIDEO_UNIQUE", severity=FRAUD,
        subject=("distribution.offline[2]", "distribution.offline[0]"), route="offline",
        variants=[{"how": "copy"}, {"how": "reencode"}])
def video_duplicate_within(c: Case):
    """Two visits of one dossier use the same footage."""
    how = c.variant["how"]

    def post(root: Path, m: dict):
        src = root / m["distribution"]["offline"][0]["video"]
        dst = root / m["distribution"]["offline"][2]["video"]
        if how == "copy":
            mutate.replace_bytes(dst, src.read_bytes())
        else:
            from originproof.samples import video as sv
            if hasattr(sv, "reencode_video"):
                tmp = dst.with_name("reenc.tmp.mp4")
                sv.reencode_video(src, tmp, size=(512, 288), crf=30)
                tmp.replace(dst)
            else:
                mutate.replace_bytes(dst, src.read_bytes())
    c.plan.file_posts.append(post)


# ================================================================================ online route
_SEARCH = {"JP": "https://www.amazon.co.jp/s?k=", "KR": "https://www.coupang.com/np/search?q=",
           "US": "https://www.amazon.com/s?k=", "DE": "https://www.amazon.de/s?k=", "FR": "https://www.amazon.fr/s?k=",
           "GB": "https://www.amazon.co.uk/s?k=", "IT": "https://www.amazon.it/s?k=",
           "AU": "https://www.amazon.com.au/s?k="}
_FOREIGN = {"US": "https://www.amazon.de/dp/B0E1234567"}


def _set_listing(c: Case, url: str, index: int = 1) -> str:
    s = c.plan.spec
    urls = list(s.listings)
    urls[index] = url
    c.plan.spec = s.with_(listings=urls)
    return f"distribution.online[{index}]"


@defect("listing_not_platform", "DIST.ONLINE.PLATFORM", route="both",
        variants=[{"url": "https://www.{brand}-official-shop.com/products/{n}"},
                  {"url": "https://shop.example.net/item/{n}"}, {"url": "ftp://files.example.org/{n}.html"}])
def listing_not_platform(c: Case):
    """A listing link on a host that is not a registered well-known platform."""
    s = c.plan.spec
    brand = "".join(ch for ch in s.brand.lower() if ch.isalnum())
    return _set_listing(c, c.variant["url"].format(brand=brand, n=c.rng.randint(1000, 9999)))


@defect("listing_foreign_platform", "DIST.ONLINE.PLATFORM", route="both", variants=[{}])
def listing_foreign_platform(c: Case):
    """A listing on a well-known platform of another country."""
    s = c.plan.spec
    return _set_listing(c, _FOREIGN.get(s.country, f"https://www.amazon.com/dp/B0D{c.rng.randint(10000, 99999)}AB"))


@defect("listing_not_product_page", "DIST.ONLINE.PLATFORM", route="both", variants=[{}])
def listing_not_product_page(c: Case):
    """A search page on a registered platform instead of the product's page."""
    s = c.plan.spec
    c.plan.listing_kw[0] = {"page": "search"}  # what the platform shows at that address
    return _set_listing(c, _SEARCH[s.country] + "".join(ch for ch in s.brand if ch.isalnum()), index=0)


@defect("no_route_passes", "DIST.ROUTE", route="online", variants=[{}])
def no_route_passes(c: Case):
    """Online route only, and none of its listings is on a registered platform."""
    s = c.plan.spec
    brand = "".join(ch for ch in s.brand.lower() if ch.isalnum())
    c.plan.spec = s.with_(listings=[f"https://www.{brand}.example.com/p/1", f"https://{brand}.example.org/item/2"])
    for i in range(2):
        c.expect("DIST.ONLINE.PLATFORM", f"distribution.online[{i}]", FAIL, NC)


def _has_listing_scenarios() -> bool:
    from originproof.bench.writer import listing_writer

    return listing_writer() is not None


@defect("listing_not_offered", "DIST.ONLINE.LISTING", subject="distribution.online[0]", route="online",
        needs=_has_listing_scenarios,
        variants=[{"scenario": "now_oos"}, {"scenario": "now_gone"}, {"other_brand": True}])
def listing_not_offered(c: Case):
    """The observed page does not offer the brand's product in stock (out of stock, removed, another brand)."""
    if c.variant.get("other_brand"):
        c.plan.listing_kw[0] = {"brand": "Brightway", "title": "Brightway Kitchen Sponge 6 pcs"}
    else:
        c.plan.listing_kw[0] = {"scenario": c.variant["scenario"]}
        c.expect("DIST.ONLINE.STABLE", "distribution.online[0]", FAIL, NC)
    c.expect("DIST.ROUTE", "dossier", FAIL, NC)


@defect("listing_unstable", "DIST.ONLINE.STABLE", subject="distribution.online[1]", route="online",
        needs=_has_listing_scenarios,
        variants=[{"scenario": "gap"}, {"scenario": "gap_gone"}, {"scenario": "too_old", "expect_status": UNKNOWN},
                  {"scenario": "too_few", "expect_status": UNKNOWN}, {"scenario": "short_span", "expect_status": UNKNOWN}])
def listing_unstable(c: Case):
    """The listing was not observed live ≥ 3 times over ≥ 14 days, recently, without a gap (a history too
    short, too thin or too old is not yet decidable — the monitor keeps observing — so `unknown`, not `fail`;
    a gone / out-of-stock observation in between is a `fail`)."""
    c.plan.listing_kw[1] = {"scenario": c.variant["scenario"]}
    undecided = c.variant.get("expect_status") == UNKNOWN
    c.expect("DIST.ROUTE", "dossier", UNKNOWN if undecided else FAIL, None if undecided else NC)


# ================================================================================ production documents
def _slot_missing(slot: str, rule: str):
    def fn(c: Case):
        how = c.variant["how"]

        def post(m: dict):
            if how == "key_absent":
                m["production"].pop(slot, None)
            else:
                m["production"][slot] = []
        c.plan.manifest_posts.append(post)
    fn.__doc__ = f"No {slot.replace('_', ' ')} supplied."
    defect(f"{slot}_missing", rule, subject=f"production.{slot}",
           variants=[{"how": "key_absent"}, {"how": "empty_list"}])(fn)


for _slot, _rule in (("certificate_of_origin", "PROD.COO.PRESENT"), ("factory_licence", "PROD.FACTORY.PRESENT"),
                     ("production_agreement", "PROD.AGREEMENT.PRESENT"), ("customs_declaration", "PROD.CUSTOMS.PRESENT")):
    _slot_missing(_slot, _rule)


@defect("wrong_document_in_slot", "PROD.COO.PRESENT", subject="production.certificate_of_origin",
        variants=[{"instead": "production_agreement"}, {"instead": "factory_licence"}])
def wrong_document_in_slot(c: Case):
    """Another document filed as the certificate of origin."""
    instead = c.variant["instead"]

    def post(root: Path, m: dict):
        src = root / _doc_path(m, instead)
        dst = root / _doc_path(m, "certificate_of_origin")
        mutate.replace_bytes(dst, src.read_bytes())
    c.plan.file_posts.append(post)


def _doc(c: Case, slot: str, **changes: Any) -> None:
    """Render one document from a changed spec (the rest of the dossier stays as it was)."""
    base = c.plan.doc_specs.get(slot, c.plan.spec)
    extras = changes.pop("extras", None)
    if extras:
        changes["extras"] = {**base.extras, **extras}
    c.plan.doc_specs[slot] = base.with_(**changes)


@defect("coo_issuer_unofficial", "PROD.COO.ISSUER", subject=DOC_SUBJECT["certificate_of_origin"],
        variants=[{"how": "trading_company"}, {"how": "no_number"}])
def coo_issuer_unofficial(c: Case):
    """A certificate of origin not issued by an official body, or without a certificate number."""
    s = c.plan.spec
    if c.variant["how"] == "trading_company":
        _doc(c, "certificate_of_origin", coo_issuer=f"{s.owner.name_en} Export Department")
    else:
        _doc(c, "certificate_of_origin", extras={"coo_number": ""})


@defect("coo_origin_other", "PROD.COO.ORIGIN", severity=FRAUD, subject=DOC_SUBJECT["certificate_of_origin"],
        variants=[{"name": "PEOPLE'S REPUBLIC OF CHINA"}, {"name": "VIET NAM"}])
def coo_origin_other(c: Case):
    """The certificate of origin certifies another country."""
    _doc(c, "certificate_of_origin", extras={"coo_origin_name": c.variant["name"]})
    c.expect("CHAIN.ORIGIN", "dossier", FAIL, FRAUD)


@defect("coo_goods_other", "PROD.COO.GOODS", subject=DOC_SUBJECT["certificate_of_origin"], variants=[{}])
def coo_goods_other(c: Case):
    """The certificate of origin covers other goods."""
    alien = [ProductSpec(sku="X-1", name="Nitrile Examination Gloves 100 pcs", name_local="Nitrile Gloves",
                         category="other", hs_code="4015190000", gtin=ids.gtin13(c.rng, "0"), price="9.00")]
    _doc(c, "certificate_of_origin", extras={"coo_products": alien})
    c.expect("CHAIN.PRODUCTS", "dossier", FAIL, NC)


@defect("licence_invalid", "PROD.FACTORY.VALID", subject=DOC_SUBJECT["factory_licence"],
        variants=[{"how": "expired"}, {"how": "not_yet_issued"}])
def licence_invalid(c: Case):
    """The factory licence is expired, or issued only after submission."""
    s = c.plan.spec
    d0 = s.submitted_at.date()
    if c.variant["how"] == "expired" and s.licence_expires is not None:
        _doc(c, "factory_licence", extras={"licence_expires": d0 - timedelta(days=20)})
    else:
        _doc(c, "factory_licence", licence_issued=d0 + timedelta(days=10))


@defect("licence_scope", "PROD.FACTORY.SCOPE", subject=DOC_SUBJECT["factory_licence"], variants=[{}])
def licence_scope(c: Case):
    """The licensed activity does not cover the products' category."""
    s = c.plan.spec
    cat = s.products[0].category
    other = "food" if cat in ("cosmetics", "personal_care", "other") else "cosmetics"
    acts = licence_for(s.country, other)[3]
    if other == "cosmetics" and acts == s.licence_activities:
        acts = ["Herstellung von Kosmetika"] if s.lang == "de" else ["manufacture of cosmetic products"]
    _doc(c, "factory_licence", extras={"licence_activities": list(acts)})


@defect("factory_abroad", "PROD.FACTORY.COUNTRY", severity=FRAUD, subject=DOC_SUBJECT["factory_licence"],
        variants=[{"to": "CN"}, {"to": "VN"}])
def factory_abroad(c: Case):
    """The licensed factory is in another country."""
    addr = {"CN": "广东省广州市白云区太和镇工业园 8 号 Guangzhou, Guangdong, China",
            "VN": "Lô C2, KCN Tân Bình, TP. Hồ Chí Minh, Vietnam"}[c.variant["to"]]
    _doc(c, "factory_licence", extras={"factory_address": addr})
    c.expect("CHAIN.ORIGIN", "dossier", FAIL, FRAUD)


@defect("agreement_wrong_party", "PROD.AGREEMENT.PARTIES", subject=DOC_SUBJECT["production_agreement"],
        variants=[{"who": "owner"}])
def agreement_wrong_party(c: Case):
    """The agreement's client is not the brand owner."""
    _doc(c, "production_agreement", extras={"agreement_owner": "Greenfield Trading Partners Ltd."},
         owner=Party("Greenfield Trading Partners Ltd.", "Greenfield Trading Partners Ltd.", c.plan.spec.owner.address,
                     c.plan.spec.country))


@defect("manufacturer_mismatch", "CHAIN.MANUFACTURER", severity=FRAUD,
        variants=[{"where": "agreement"}, {"where": "coo"}, {"where": "licence"}])
def manufacturer_mismatch(c: Case):
    """The manufacturer differs between the certificate, the licence and the agreement."""
    s = c.plan.spec
    other = Party("Fujimi Contract Packing Co.", "Fujimi Contract Packing Co.", s.factory.address, s.country)
    where = c.variant["where"]
    if where == "agreement":
        _doc(c, "production_agreement", factory=other, extras={"agreement_factory": other.name})
        c.expect("PROD.AGREEMENT.PARTIES", DOC_SUBJECT["production_agreement"], FAIL, NC)
    elif where == "coo":
        _doc(c, "certificate_of_origin", extras={"coo_producer": other.name_en})
    else:
        _doc(c, "factory_licence", extras={"licence_holder": other.name})


@defect("agreement_term", "PROD.AGREEMENT.TERM", subject=DOC_SUBJECT["production_agreement"],
        variants=[{"how": "unsigned"}, {"how": "ended"}])
def agreement_term(c: Case):
    """The agreement is unsigned, or its term ended before submission."""
    s = c.plan.spec
    if c.variant["how"] == "unsigned":
        _doc(c, "production_agreement", extras={"agreement_unsigned": True})
    else:
        _doc(c, "production_agreement", agreement_end=s.submitted_at.date() - timedelta(days=40))


@defect("agreement_other_products", "PROD.AGREEMENT.PRODUCTS", subject=DOC_SUBJECT["production_agreement"],
        variants=[{}])
def agreement_other_products(c: Case):
    """The agreement covers another brand's products."""
    alien = [ProductSpec(sku="X-1", name="Brightway Kitchen Sponge 6 pcs", name_local="Brightway Kitchen Sponge 6 pcs",
                         category="other", hs_code="3924900000", gtin=ids.gtin13(c.rng, "0"), price="4.00")]
    _doc(c, "production_agreement", brand="Brightway", brand_local="Brightway", products=alien)
    c.expect("CHAIN.PRODUCTS", "dossier", FAIL, NC)


@defect("customs_old", "PROD.CUSTOMS.RECENT", subject=DOC_SUBJECT["customs_declaration"],
        variants=[{"days": 91}, {"days": 150}, {"days": -5}])
def customs_old(c: Case):
    """The customs declaration is older than 90 days (or dated after submission)."""
    s = c.plan.spec
    _doc(c, "customs_declaration", extras={"customs_declared": s.submitted_at.date() - timedelta(days=c.variant["days"])})


@defect("customs_number_malformed", "PROD.CUSTOMS.FORM", subject=DOC_SUBJECT["customs_declaration"],
        variants=[{"how": "short"}, {"how": "export_flag"}, {"how": "letters"}])
def customs_number_malformed(c: Case):
    """The declaration number is not a well-formed import 报关单 number."""
    s = c.plan.spec
    n = s.customs_number
    bad = {"short": n[:-1], "export_flag": n[:8] + "0" + n[9:], "letters": n[:10] + "AB" + n[12:]}[c.variant["how"]]
    _doc(c, "customs_declaration", extras={"customs_number": bad})


@defect("customs_uscc_check_digit", "AUTH.IDENTIFIERS", severity=FRAUD, subject=DOC_SUBJECT["customs_declaration"],
        variants=[{}])
def customs_uscc_check_digit(c: Case):
    """The consignee USCC printed on the customs form has an impossible check digit."""
    _doc(c, "customs_declaration", extras={"consignee_uscc": ids.corrupt_check_digit(c.plan.spec.merchant_uscc)})
    c.expect("PROD.CUSTOMS.FORM", DOC_SUBJECT["customs_declaration"], FAIL, NC)


@defect("customs_origin_other", "PROD.CUSTOMS.GOODS", severity=FRAUD, subject=DOC_SUBJECT["customs_declaration"],
        variants=[{"origin": "CN"}, {"origin": "VN"}])
def customs_origin_other(c: Case):
    """The customs lines give another country of origin."""
    _doc(c, "customs_declaration", extras={"customs_origin": c.variant["origin"]})
    c.expect("CHAIN.ORIGIN", "dossier", FAIL, FRAUD)


@defect("customs_importer_other", "PROD.CUSTOMS.IMPORTER", status=WARN, severity=NC,
        subject=DOC_SUBJECT["customs_declaration"], variants=[{}])
def customs_importer_other(c: Case):
    """The consignee is another company than the merchant (a warn: it may be an unnamed agent)."""
    _doc(c, "customs_declaration", extras={"consignee_uscc": ids.make_uscc(c.rng, "440106")})


@defect("timeline_incoherent", "CHAIN.TIMELINE", variants=[{"how": "agreement_after_coo"}, {"how": "coo_after_customs"}])
def timeline_incoherent(c: Case):
    """The documents' dates do not cohere (agreement after the certificate; certificate after customs)."""
    s = c.plan.spec
    if c.variant["how"] == "agreement_after_coo":
        signed = s.coo_date + timedelta(days=7)
        _doc(c, "production_agreement", agreement_signed=signed, agreement_start=signed)
    else:
        _doc(c, "certificate_of_origin", coo_date=s.customs_declared + timedelta(days=3))


@defect("origin_disagrees", "CHAIN.ORIGIN", severity=FRAUD,
        variants=[{"where": "customs"}, {"where": "coo"}, {"where": "factory"}])
def origin_disagrees(c: Case):
    """One production document names another country of origin than the brand claim and the others."""
    where = c.variant["where"]
    if where == "customs":
        _doc(c, "customs_declaration", extras={"customs_origin": "TH"})
        c.expect("PROD.CUSTOMS.GOODS", DOC_SUBJECT["customs_declaration"], FAIL, FRAUD)
    elif where == "coo":
        _doc(c, "certificate_of_origin", extras={"coo_origin_name": "THAILAND"})
        c.expect("PROD.COO.ORIGIN", DOC_SUBJECT["certificate_of_origin"], FAIL, FRAUD)
    else:
        _doc(c, "factory_licence", extras={"factory_address": "88 Moo 4, Bang Na-Trat Road, Samut Prakan 10540, Thailand"})
        c.expect("PROD.FACTORY.COUNTRY", DOC_SUBJECT["factory_licence"], FAIL, FRAUD)


@defect("products_disagree", "CHAIN.PRODUCTS", variants=[{"where": "customs"}, {"where": "coo_hs"}])
def products_disagree(c: Case):
    """The goods differ across documents (customs lines for other goods; an HS heading of another category)."""
    s = c.plan.spec
    if c.variant["where"] == "customs":
        alien = [ProductSpec(sku="X-1", name="Brightway Kitchen Sponge 6 pcs", name_local="Brightway Kitchen Sponge",
                             category="other", hs_code="3924900000", gtin=ids.gtin13(c.rng, "0"), price="4.00")]
        _doc(c, "customs_declaration", products=alien)
        c.expect("PROD.CUSTOMS.GOODS", DOC_SUBJECT["customs_declaration"], FAIL, NC)
    else:
        wrong = [replace(p, hs_code="8471300000") for p in s.products]  # portable computers
        _doc(c, "certificate_of_origin", extras={"coo_products": wrong})
        c.expect("PROD.COO.GOODS", DOC_SUBJECT["certificate_of_origin"], FAIL, NC)


# ================================================================================ authenticity
@defect("pdf_edited", "AUTH.PDF_EDITED", severity=FRAUD, subject=DOC_SUBJECT["customs_declaration"],
        variants=[{"doc": "customs"}, {"doc": "coo"}, {"doc": "agreement"}])
def pdf_edited(c: Case):
    """A text PDF edited after issue (incremental revision painting over a date)."""
    slot = DOCS[c.variant["doc"]]
    c.plan.doc_style[slot] = "text"

    def post(root: Path, m: dict):
        mutate.pdf_incremental_edit(root / _doc_path(m, slot), "2026-06-01")
    c.plan.file_posts.append(post)
    if slot == "production_agreement":  # not an official document: a warn
        c.expects.append(Expect("AUTH.PDF_EDITED", (DOC_SUBJECT[slot],), WARN, NC, True))
        return REPLACED
    return DOC_SUBJECT[slot]


@defect("image_edited", "AUTH.IMAGE_EDITED", severity=FRAUD, subject=DOC_SUBJECT["factory_licence"],
        variants=[{"target": "licence_scan", "software": True}, {"target": "licence_scan", "software": False},
                  {"target": "receipt", "software": True}])
def image_edited(c: Case):
    """A scanned official document or a receipt photo retouched locally."""
    target, sw = c.variant["target"], c.variant["software"]
    soft = "Adobe Photoshop 25.0 (Windows)" if sw else None
    if target == "licence_scan":
        c.plan.doc_style["factory_licence"] = "scan_jpg"

        def post(root: Path, m: dict):
            mutate.image_local_edit(root / _doc_path(m, "factory_licence"), soft)
        c.plan.file_posts.append(post)
        return DOC_SUBJECT["factory_licence"]
    c.plan.route = "offline"
    c.plan.receipts = True

    def post_r(root: Path, m: dict):
        mutate.image_local_edit(root / m["distribution"]["offline"][0]["receipt"], soft, box=(0.05, 0.3, 0.9, 0.4))
    c.plan.file_posts.append(post_r)
    c.expects.append(Expect("AUTH.IMAGE_EDITED", ("distribution.offline[0]",), WARN, NC, True))
    return REPLACED


def _has_signing() -> bool:
    try:
        from originproof.samples import tamper
    except Exception:  # noqa: BLE001 — the tamper samples (forensics teammate) may not be there
        return False
    return all(callable(getattr(tamper, n, None)) for n in ("sign_pdf", "signed_modified", "signed_broken"))


@defect("signature_broken", "AUTH.SIGNATURE", severity=FRAUD, subject=DOC_SUBJECT["certificate_of_origin"],
        needs=_has_signing, variants=[{"how": "changed_after_signing"}, {"how": "bytes_altered"},
                                      {"how": "intact_untrusted", "expect_status": WARN}])
def signature_broken(c: Case):
    """A digitally signed certificate of origin changed after signing (or a signed range altered); an
    intact signature that chains to no configured trust root is a warn."""
    how = c.variant["how"]
    c.plan.doc_style["certificate_of_origin"] = "text"

    def post(root: Path, m: dict):
        from originproof.samples import tamper
        p = root / _doc_path(m, "certificate_of_origin")
        data = p.read_bytes()
        if how == "changed_after_signing":
            out = tamper.signed_modified(data, random.Random(c.rng.random()))
        elif how == "bytes_altered":
            out = tamper.signed_broken(data, random.Random(c.rng.random()))
        else:
            out = tamper.sign_pdf(data)
        mutate.replace_bytes(p, out)
    c.plan.file_posts.append(post)
    if how == "intact_untrusted":
        c.expects.append(Expect("AUTH.SIGNATURE", (DOC_SUBJECT["certificate_of_origin"],), WARN, NC, True))
        return REPLACED
    if how == "changed_after_signing":  # the later revision paints over the page: an edit after issue too
        c.expect("AUTH.PDF_EDITED", DOC_SUBJECT["certificate_of_origin"], FAIL, FRAUD)


def _other_merchant(plan: Plan, rng: random.Random, route: str = "offline") -> Plan:
    """Another seller's dossier for another brand, built on the same base (its files are its own)."""
    s = plan.spec
    other = s.with_(merchant_id=f"M-9{rng.randint(10000, 99999)}", merchant_name="深圳前海优品跨境电商有限公司",
                    merchant_uscc=ids.make_uscc(rng, "440300"), brand=s.brand + " Lab", brand_local=s.brand_local,
                    seed=s.seed + 7919)
    return Plan(spec=other, route=route, video=plan.video, receipts=plan.receipts)


@defect("document_reused", "AUTH.DUPLICATE", severity=FRAUD, subject=DOC_SUBJECT["certificate_of_origin"],
        variants=[{"doc": "certificate_of_origin", "how": "copy"}, {"doc": "customs_declaration", "how": "copy"},
                  {"doc": "certificate_of_origin", "how": "template"}])
def document_reused(c: Case):
    """A certificate / customs form already seen in another merchant's dossier (a copy or a template edit)."""
    slot, how = c.variant["doc"], c.variant["how"]
    prior = _other_merchant(c.plan, c.rng, route="online")  # no videos: only its documents matter here
    mine = c.plan.doc_specs.get(slot, c.plan.spec)
    if how == "copy":
        prior.doc_specs[slot] = mine
    else:  # the other seller's certificate with this dossier's names typed over: same form, other numbers/dates
        prior.doc_specs[slot] = mine.with_(coo_number=mine.coo_number[:-3] + "417",
                                           coo_date=mine.coo_date - timedelta(days=9),
                                           invoice_number=mine.invoice_number[:-2] + "77")
    c.priors.append(prior)
    return DOC_SUBJECT[slot]


@defect("video_reused_other_merchant", "DIST.OFFLINE.VIDEO_UNIQUE", severity=FRAUD, subject="distribution.offline[0]",
        route="offline", variants=[{}])
def video_reused_other_merchant(c: Case):
    """A store video already submitted by another merchant for another brand."""
    prior = _other_merchant(c.plan, c.rng)
    prior.visit_specs[0] = c.plan.visit_specs.get(0, c.plan.spec)
    prior.visit_kw[0] = dict(c.plan.visit_kw.get(0, {}))
    c.priors.append(prior)
    c.visit_fails(0)


# Defects of rules.md we cannot make yet (no renderer knob and no post-write equivalent here), so the
# corpus has no must-fail dossier for them; `bench eval` lists them.
NOT_COVERED: dict[str, str] = {} if _has_signing() else {
    "AUTH.SIGNATURE": "needs samples/tamper.py (a signed PDF changed after signing)",
}


def defects_for_rule(rule: str) -> list[Defect]:
    return [d for d in DEFECTS.values() if d.rule == rule]
