"""Sample sizes: how many valid responses a unit needs for a satisfaction rate with a wanted margin of error.

The needed n for a proportion at 95% confidence, with the finite population correction (the formula and a
worked example are in docs/methods-targets.md)::

    n0 = z² · p(1 − p) / e²          z = 1.959964 (95%), p = 0.5 (the most cautious guess), e = the margin
    n  = n0 / (1 + (n0 − 1) / N)     N = the people in the unit and role; n rounded up
"""

from __future__ import annotations

import math

from .satisfaction import Z95

DEFAULT_MARGIN = 0.05
"""±5 percentage points, the margin most evaluation plans ask for."""


def needed_sample_size(population: int, margin: float = DEFAULT_MARGIN, *, z: float = Z95, p: float = 0.5,
                       ) -> int:
    """Valid responses needed to estimate a proportion within ±`margin` among `population` people.

    Parameters
    ----------
    population : int
        N, the people the unit has in the role (at least 1).
    margin : float
        e, the half-width of the 95% interval as a fraction (0.05 = ±5 percentage points), 0 < e ≤ 0.5.
    z : float
        The normal quantile of the confidence level (1.959964 for 95%).
    p : float
        The expected proportion; 0.5 gives the largest n.

    Returns
    -------
    int
        n = n0 / (1 + (n0 − 1)/N) with n0 = z²·p(1−p)/e², rounded up; never more than N.

    Examples
    --------
    >>> needed_sample_size(500)
    218
    >>> needed_sample_size(10_000, 0.03)
    965
    """
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        raise ValueError(f"the population must be a whole number of at least 1, got {population!r}")
    if not 0 < margin <= 0.5:
        raise ValueError(f"the margin must be a fraction above 0 and at most 0.5, got {margin!r}")
    if not 0 < p < 1:
        raise ValueError(f"p must be between 0 and 1, got {p!r}")
    n0 = z * z * p * (1 - p) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / population)
    return min(population, math.ceil(n - 1e-9))
