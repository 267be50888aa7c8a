"""95% intervals of rates and mean scores, plain and with the design effect of clustered answers.

When several questions (or the rows of a matrix) are pooled, one person gives several answers, and
answers of one person (or one school) are alike: they are not independent draws. The interval is then
computed on the *effective* sample size (Kish 1965)::

    p       = Σy_i / Σm_i                                  (ratio estimate over clusters i = 1..k)
    v       = k/(k-1) · Σ(y_i − p·m_i)² / (Σm_i)²            (its linearised variance)
    deff    = v / (p(1−p)/n),   n = Σm_i
    n_eff   = n / deff,  never above n

with y_i the satisfied answers and m_i the counted answers of cluster i (a respondent, or a unit). The
Wilson interval is then taken at p with n_eff in place of n. When p is 0 or 1 the variance is 0 and
``n_eff`` = k. When every cluster gave exactly one answer there is no clustering: deff = 1 and n_eff = n
(the plain Wilson interval; the k/(k-1) factor would otherwise make it n − 1).

For a mean score the same ratio estimator gives v with y_i the sum of scores of cluster i, compared
with s²/n (s the sample standard deviation of the answers).

>>> [round(x, 4) for x in wilson_interval(46, 50)]
[0.8116, 0.9684]
>>> effective_n([2, 0, 2, 1], [2, 2, 2, 2])   # 4 people, 2 answers each
4.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

Z95 = 1.959964


def wilson_rate_interval(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion `p` observed on a (possibly effective, fractional) `n`.

    >>> [round(x, 4) for x in wilson_rate_interval(0.92, 50)]
    [0.8116, 0.9684]
    """
    if not n > 0:
        raise ValueError("the Wilson interval needs n > 0")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be between 0 and 1, got {p}")
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials (Wilson 1927).

    >>> [round(x, 4) for x in wilson_interval(46, 50)]
    [0.8116, 0.9684]
    """
    if n <= 0:
        raise ValueError("the Wilson interval needs n > 0")
    if not 0 <= k <= n:
        raise ValueError(f"k must be between 0 and n ({n}), got {k}")
    return wilson_rate_interval(k / n, n, z)


def _arrays(y: Sequence[float], m: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    y_arr = np.asarray(y, dtype="float64")
    m_arr = np.asarray(m, dtype="float64")
    if y_arr.shape != m_arr.shape or y_arr.ndim != 1:
        raise ValueError("y and m must be two lists of the same length, one entry per cluster")
    if (m_arr < 0).any():
        raise ValueError("counted answers m must not be negative")
    keep = m_arr > 0
    return y_arr[keep], m_arr[keep]


def effective_n(y: Sequence[float], m: Sequence[float], unit_variance: float | None = None) -> float:
    """The effective sample size ``n / deff`` of a ratio estimate Σy/Σm over clusters (Kish 1965).

    Parameters
    ----------
    y : per cluster, the satisfied answers (or, for a mean score, the sum of scores)
    m : per cluster, the counted answers; clusters with m = 0 are left out (they hold no answer)
    unit_variance : float, optional
        The variance of one answer under independence: p(1−p) for a proportion (the default, from p =
        Σy/Σm), s² for a mean score.

    Returns
    -------
    float
        ``n / deff``, at most n = Σm; k (the number of clusters with answers) when the answers do not vary
        (p is 0 or 1); n when every cluster gave one answer.

    >>> effective_n([1, 1, 1, 0], [1, 1, 1, 1])
    4.0
    >>> round(effective_n([3, 0], [3, 3]), 4)   # two people, each all-or-nothing: 2 effective answers
    2.0
    """
    y_arr, m_arr = _arrays(y, m)
    k = len(m_arr)
    if k == 0:
        raise ValueError("no cluster has a counted answer")
    n = float(m_arr.sum())
    if (m_arr == 1).all():
        return n
    p = float(y_arr.sum()) / n
    variance_one = p * (1 - p) if unit_variance is None else unit_variance
    if k == 1 or variance_one <= 0:
        return float(min(k, n))
    v = k / (k - 1) * float(((y_arr - p * m_arr) ** 2).sum()) / (n * n)
    if v <= 0:
        return n
    deff = v / (variance_one / n)
    return float(min(n, n / deff))


def design_effect(y: Sequence[float], m: Sequence[float]) -> float:
    """``deff`` = n / n_eff of a proportion over clusters, as :func:`effective_n` takes it (≥ 1 by the cap)."""
    y_arr, m_arr = _arrays(y, m)
    return float(m_arr.sum()) / effective_n(y_arr, m_arr)


def mean_interval(mean: float, sd: float, n_eff: float, z: float = Z95) -> tuple[float, float]:
    """mean ± z · sd / √n_eff (the normal approximation for a mean score)."""
    if not n_eff > 0:
        raise ValueError("the interval needs n > 0")
    half = z * sd / math.sqrt(n_eff)
    return mean - half, mean + half
