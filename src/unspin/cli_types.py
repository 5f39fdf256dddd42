"""argparse value types shared by the CLI's commands: each error message says what was wrong."""

from __future__ import annotations

import argparse
import math


def _number(value: str, kind: type) -> float:
    try:
        return kind(value)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"not {what}: {value!r}") from None


def confidence(value: str) -> float:
    x = _number(value, float)
    if math.isnan(x) or not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return x


def positive_int(value: str) -> int:
    n = int(_number(value, int))
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return n


def count(value: str) -> int:
    n = int(_number(value, int))
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return n


def seconds(value: str) -> float:
    x = _number(value, float)
    if not x >= 0 or math.isinf(x):
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, got {value}")
    return x
