"""The fills of place classes, declared once, and the check that colour-blind readers can tell
them apart: colours simulated for protanopia, deuteranopia and tritanopia (Machado, Oliveira and
Fernandes 2009, severity 1) and compared by CIEDE2000 colour difference.

Colours are Okabe and Ito's qualitative palette ("Color Universal Design", 2008), chosen so the
classes stay apart under every simulation (tests/test_palette.py holds the minimum ΔE00).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np


@dataclass(frozen=True)
class ClassColour:
    """A place class's fill, the colour's name in the legend, and what the class means."""

    area_class: str
    colour: str
    colour_name: str
    meaning: str


CLASS_PALETTE: tuple[ClassColour, ...] = (
    ClassColour("coterminous", "#009E73", "green", "coterminous with one HWB area"),
    ClassColour("within", "#56B4E9", "sky blue", "within one HWB area"),
    ClassColour("contains", "#0072B2", "dark blue", "a union of whole HWB areas"),
    ClassColour("straddles", "#D55E00", "vermilion", "straddles HWB areas"),
    ClassColour("none", "#F0E442", "yellow", "overlapping no HWB area"),
)
CLASS_COLOURS: dict[str, str] = {c.area_class: c.colour for c in CLASS_PALETTE}

#: Machado et al. (2009) simulation matrices at severity 1, on linear RGB.
CVD_MATRICES: dict[str, np.ndarray] = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
_SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                         [0.2126729, 0.7151522, 0.0721750],
                         [0.0193339, 0.1191920, 0.9503041]])
_WHITE_D65 = np.array([0.95047, 1.0, 1.08883])


def linear_rgb(hex_colour: str) -> np.ndarray:
    """sRGB ``#rrggbb`` as linear RGB in [0, 1]."""
    srgb = np.array([int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]) / 255
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def simulate(rgb_linear: np.ndarray, deficiency: str) -> np.ndarray:
    """Linear RGB as seen with the deficiency (clipped to the displayable range)."""
    return np.clip(CVD_MATRICES[deficiency] @ rgb_linear, 0.0, 1.0)


def lab(rgb_linear: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of linear RGB."""
    xyz = (_SRGB_TO_XYZ @ rgb_linear) / _WHITE_D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> float:
    """The CIEDE2000 colour difference ΔE00 (Sharma, Wu and Dalal 2005; kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = a1 * (1 + g), a2 * (1 + g)
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dl, dc = l2 - l1, c2p - c1p
    dh = 0.0 if c1p * c2p == 0 else (h2p - h1p + 180) % 360 - 180
    dh_big = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cp_bar, 1 + 0.015 * cp_bar * t
    r_t = (-2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
           * np.sin(np.radians(60 * np.exp(-(((h_bar - 275) / 25) ** 2)))))
    return float(np.sqrt((dl / s_l) ** 2 + (dc / s_c) ** 2 + (dh_big / s_h) ** 2
                         + r_t * (dc / s_c) * (dh_big / s_h)))


def min_difference(colours: list[str], deficiency: str | None = None) -> float:
    """The smallest ΔE00 between any two of the colours, as seen with the deficiency (None:
    normal vision)."""
    seen = [linear_rgb(c) if deficiency is None else simulate(linear_rgb(c), deficiency)
            for c in colours]
    return min(ciede2000(lab(x), lab(y)) for x, y in combinations(seen, 2))
