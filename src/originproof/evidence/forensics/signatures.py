"""Digital signatures of a PDF, validated with pyHanko: integrity, coverage, changes after signing.

Trust roots are PEM files named by `ORIGINPROOF_TRUST_ROOTS` (os.pathsep-separated) or by
`ReadContext.extra["trust_roots"]`; none by default, so an intact signature is `trusted=False`
(a person decides) until an operator configures the roots it must chain to. Never fetches
revocation data: the verifier reaches no network from here.
"""
from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import Any

from originproof.facts.base import At, SignatureState, Signal

log = logging.getLogger(__name__)
# pyHanko logs a full traceback for every signer that does not chain to a trust root; that state is
# reported as a signal here, so its own log stays at errors only.
for _name in ("pyhanko.sign.validation.generic_cms", "pyhanko_certvalidator"):
    logging.getLogger(_name).setLevel(logging.ERROR)
# Its difference analysis logs a traceback for every change it cannot explain; that outcome is the
# modification level OTHER, which `validate` examines itself.
logging.getLogger("pyhanko.sign.diff_analysis").setLevel(logging.CRITICAL)


def trust_root_paths(extra: dict[str, Any] | None = None) -> list[Path]:
    raw: list[str] = []
    if extra and extra.get("trust_roots"):
        v = extra["trust_roots"]
        raw += list(v) if isinstance(v, (list, tuple)) else str(v).split(os.pathsep)
    env = os.environ.get("ORIGINPROOF_TRUST_ROOTS")
    if env:
        raw += env.split(os.pathsep)
    return [Path(p) for p in raw if p]


def _load_roots(paths: list[Path]):
    from asn1crypto import pem, x509

    roots = []
    for p in paths:
        try:
            data = p.read_bytes()
        except OSError:
            log.warning("trust root %s unreadable", p)
            continue
        if pem.detect(data):
            for _t, _h, der in pem.unarmor(data, multiple=True):
                roots.append(x509.Certificate.load(der))
        else:
            roots.append(x509.Certificate.load(data))
    return roots


def has_signatures(data: bytes) -> bool:
    return b"/ByteRange" in data and (b"/Sig" in data or b"/DocTimeStamp" in data)


def validate(data: bytes, file: str, extra: dict[str, Any] | None = None) -> tuple[list[SignatureState], list[Signal]]:
    if not has_signatures(data):
        return [], []
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = _load_roots(trust_root_paths(extra))
    states: list[SignatureState] = []
    signals: list[Signal] = []
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = list(reader.embedded_signatures)
    except Exception as e:  # noqa: BLE001
        signals.append(Signal(code="pdf.signature_unreadable", severity="warn", at=At(file=file),
                              detail=f"signature dictionary could not be parsed: {type(e).__name__}: {e}"[:300]))
        return states, signals
    for es in sigs:
        name = es.field_name or "?"
        # Only the configured roots: never the operating system's trust list.
        vc = ValidationContext(trust_roots=list(roots), allow_fetching=False, revocation_mode="soft-fail")
        try:
            if es.sig_object.get("/Type") == "/DocTimeStamp":
                st = validate_pdf_timestamp(es, validation_context=vc)
            else:
                st = validate_pdf_signature(es, signer_validation_context=vc)
        except Exception as e:  # noqa: BLE001 — a signature the validator cannot process is not proof of tampering
            # A digest that no longer matches is reported by pyHanko as `intact=False`, never raised; an
            # exception means a structure or algorithm it cannot handle: a person must look (warn).
            states.append(SignatureState(field=name, intact=False, covers_whole_file=False, trusted=False,
                                         modified_after_signing=False, allowed_changes_only=False))
            signals.append(Signal(code="pdf.signature_unreadable", severity="warn", at=At(file=file),
                                  detail=f"signature {name} could not be validated: {type(e).__name__}: {e}"[:300]))
            continue
        intact = bool(getattr(st, "intact", False)) and bool(getattr(st, "valid", False))
        coverage = getattr(st, "coverage", None)
        whole = coverage == SignatureCoverageLevel.ENTIRE_FILE
        level = getattr(st, "modification_level", None)
        docmdp_ok = getattr(st, "docmdp_ok", None)
        after = not whole
        allowed = True
        changes = ""
        if after:
            allowed, changes, level_note = _judge_later_changes(data, es, level, docmdp_ok)
        else:
            level_note = ""
        signer = None
        try:
            signer = st.signing_cert.subject.human_friendly
        except Exception:  # noqa: BLE001
            pass
        when = getattr(st, "signer_reported_dt", None)
        state = SignatureState(field=name, intact=intact, covers_whole_file=whole, trusted=bool(getattr(st, "trusted", False)),
                               modified_after_signing=after, allowed_changes_only=allowed is True, signer=signer,
                               signed_at=when.isoformat() if when else None,
                               modification_level=level.name if level is not None else None,
                               coverage=coverage.name if coverage is not None else None)
        states.append(state)
        if not intact:
            signals.append(Signal(code="pdf.signature_broken", severity="fraud", at=At(file=file),
                                  detail=f"signature {name} ({signer or 'unknown signer'}): the signed bytes no longer "
                                         "match the signature (content changed inside the signed range)"))
        elif after and allowed is False:
            signals.append(Signal(code="pdf.modified_after_signing", severity="fraud", at=At(file=file),
                                  detail=f"signature {name}: the file was changed after signing beyond what is allowed "
                                         f"(modification level {level.name if level is not None else 'unknown'}{level_note}): "
                                         f"{changes}"[:500]))
        elif after and allowed is None:
            signals.append(Signal(code="pdf.signed_field_changed", severity="warn", at=At(file=file),
                                  detail=f"signature {name}: a form field that was filled when signed holds another value "
                                         f"now (modification level {level.name if level is not None else 'unknown'}"
                                         f"{level_note}): {changes}"[:500]))
        elif after:
            what = {ModificationLevel.LTA_UPDATES: "validation data / timestamps",
                    ModificationLevel.FORM_FILLING: "signatures / form fields",
                    ModificationLevel.ANNOTATIONS: "annotations, signatures or form fields"}.get(level, "")
            signals.append(Signal(code="pdf.signed_then_updated", severity="info", at=At(file=file),
                                  detail=(f"signature {name}: later revisions only add {what}" if what else
                                          f"signature {name}: modification level {level.name if level is not None else 'unknown'}"
                                          f"{level_note}") + (f" — {changes}" if changes else "")))
        if intact and not state.trusted:
            signals.append(Signal(code="pdf.signature_untrusted", severity="warn", at=At(file=file),
                                  detail=f"signature {name} ({signer or 'unknown signer'}) is intact but does not chain to a "
                                         "configured trust root"))
    return states, signals


def _signed_revision(data: bytes, es) -> bytes | None:
    try:
        br = [int(x) for x in es.byte_range]
        return data[:br[2] + br[3]]
    except Exception:  # noqa: BLE001
        return None


def _judge_later_changes(data: bytes, es, level, docmdp_ok) -> tuple[bool | None, str, str]:
    """(allowed, what changed, note) for the revisions after a signature.

    pyHanko's difference analysis decides first: LTA updates, form filling and annotations are what
    a signer allows unless its DocMDP permissions say otherwise. Where it cannot account for every
    changed object (level OTHER — common with writers that re-save the page dictionary to add a note or a
    field value), the signed revision and the file as submitted are compared page by page: unchanged page
    content with only annotations, fields filled in, signatures or metadata added is allowed; a changed
    word or drawing, or a page removed, is not; a field value replaced is for a person to look at (None)."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.fields import MDPPerm

    try:
        perm = es.docmdp_level
    except Exception:  # noqa: BLE001
        perm = None
    if level is not None and level != ModificationLevel.OTHER and docmdp_ok is not False:
        return True, "", ""
    signed = _signed_revision(data, es)
    if signed is None:
        return False, "the signed revision cannot be located", ""
    try:
        import pymupdf as fitz

        from originproof.evidence.forensics.pdf import diff_revisions

        with fitz.open(stream=signed, filetype="pdf") as a, fitz.open(stream=data, filetype="pdf") as b:
            df = diff_revisions(a, b)
    except Exception as e:  # noqa: BLE001
        return False, f"the revisions cannot be compared ({type(e).__name__})", ""
    note = "; pyHanko could not account for every changed object, so the pages were compared"
    changes = df.summary()
    if df.content_changed:
        return False, changes, note
    if perm == MDPPerm.NO_CHANGES:
        return False, changes + " — the signer's certification allows no change at all", note
    if df.fields_changed:
        return None, changes, note
    return True, changes, note
