"""Valid (or deliberately invalid) identifiers for generated evidence."""
from __future__ import annotations

import random

from stdnum import ean

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check_char(first17: str) -> str:
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    v = (31 - s % 31) % 31
    return USCC_CHARS[v]


def make_uscc(rng: random.Random, region: str = "310115") -> str:
    org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    body = "91" + region + org + rng.choice("0123456789")
    return body + uscc_check_char(body)


def jp_corporate_number(rng: random.Random) -> str:
    base = "".join(rng.choice("0123456789") for _ in range(12))
    digits = [int(c) for c in base][::-1]
    s = sum(d * (1 if i % 2 == 0 else 2) for i, d in enumerate(digits))
    return str(9 - s % 9) + base


def kr_brn(rng: random.Random) -> str:
    while True:
        d = [rng.randint(1, 9), rng.randint(0, 9), rng.randint(1, 9), 8, 1] + [rng.randint(0, 9) for _ in range(4)]
        if d[5:9] == [0, 0, 0, 0]:
            continue
        w = [1, 3, 7, 1, 3, 7, 1, 3, 5]
        s = sum(a * b for a, b in zip(d, w)) + (d[8] * 5) // 10
        return "".join(map(str, d)) + str((10 - s % 10) % 10)


def gtin13(rng: random.Random, prefix: str) -> str:
    body = prefix + "".join(rng.choice("0123456789") for _ in range(12 - len(prefix)))
    return body + ean.calc_check_digit(body)


def customs_number(rng: random.Random, year: int, office: str = "2244", import_flag: str = "1") -> str:
    return f"{office}{year:04d}{import_flag}{rng.randint(0, 999_999_999):09d}"


def corrupt_check_digit(value: str) -> str:
    last = value[-1]
    repl = "0" if last != "0" else "1"
    if not last.isdigit():
        repl = "1"
    return value[:-1] + repl
