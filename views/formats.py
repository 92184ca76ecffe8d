"""Numbers as the figures and readouts show them: compact JSON lists and readout texts."""

from __future__ import annotations

from typing import Any

import numpy as np


def rounded(a: Any, decimals: int = 3) -> list:
    """A numpy array (or scalar) as nested lists of floats rounded for a compact JSON payload."""
    return np.round(np.asarray(a, dtype=np.float64), decimals).tolist()


def compact(values: list[float]) -> list[float | int]:
    """Rounded floats with the whole ones as ints: ``0``/``50`` instead of ``0.0``/``50.0`` in the JSON."""
    return [int(v) if v.is_integer() else v for v in values]


def fmt_percent(v: float) -> str:
    """An error rate in percent for a readout."""
    return f"{v:.2f} %"


def fmt_num(v: float, digits: int = 3) -> str:
    """A number for a readout with ``digits`` significant digits."""
    return f"{v:.{digits}g}"


def fmt_angle(theta: float) -> str:
    """An angle in radians as degrees (and radians) for a readout."""
    return f"{np.degrees(theta):.1f}° ({theta:.3f} rad)"


def lambda_label(lam: float) -> str:
    """λ as 10^e text, e.g. '10^-2.0'."""
    return f"10^{np.log10(lam):.1f}"


def fmt_lambda(lam: float) -> str:
    """The λ readout: '10^-2.0 = 0.01'."""
    return f"{lambda_label(lam)} = {lam:.3g}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(v: float, digits: int = 1) -> str:
    """A number as a slider announces it: '1.0 × 10⁻²' (``digits`` decimals in the mantissa)."""
    if v == 0 or not np.isfinite(v):
        return f"{v:g}"
    mantissa, exponent = f"{v:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def power_of_ten(exponent: float, digits: int = 2) -> str:
    """10 to a slider's exponent as text: '10^-2.25' (the slider's marks write powers the same way)."""
    return f"10^{exponent:.{digits}f}"


def signed(v: float, digits: int = 2) -> str:
    """A signed number with a true minus sign: '−0.60', '+0.30'."""
    return f"{v:+.{digits}f}".replace("-", "−")
