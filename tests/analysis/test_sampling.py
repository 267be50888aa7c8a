"""The needed sample size with finite population correction, against numbers worked out by hand."""

from __future__ import annotations

import pytest

from analysis.sampling import needed_sample_size

# n0 = z² p(1-p) / e² with z = 1.959964, p = 0.5:
#   e = 0.05: 3.841459 * 0.25 / 0.0025 = 384.146
#   e = 0.03: 3.841459 * 0.25 / 0.0009 = 1067.07
#   e = 0.10: 3.841459 * 0.25 / 0.01   = 96.04
# n = n0 / (1 + (n0 - 1) / N), rounded up:
#   N = 500,   e = .05: 384.146 / (1 + 383.146/500)    = 384.146 / 1.766292 = 217.49 -> 218
#   N = 100,   e = .05: 384.146 / (1 + 383.146/100)    = 384.146 / 4.831459 =  79.51 ->  80
#   N = 10000, e = .03: 1067.07 / (1 + 1066.07/10000)  = 1067.07 / 1.106607 = 964.27 -> 965
#   N = 60,    e = .10: 96.04   / (1 + 95.04/60)       = 96.04 / 2.584     =  37.17 ->  38
#   N = 1e6,   e = .05: 384.146 / (1 + 383.146/1e6)    = 384.146 / 1.000383 = 384.00 (383.9989) -> 384
#   N = 10,    e = .05: 384.146 / (1 + 383.146/10)     = 384.146 / 39.3146  =   9.77 ->  10 (everyone)


@pytest.mark.parametrize(("population", "margin", "expected"), [
    (500, 0.05, 218), (100, 0.05, 80), (10_000, 0.03, 965), (60, 0.10, 38), (1_000_000, 0.05, 384),
    (10, 0.05, 10), (1, 0.05, 1),
])
def test_needed_sample_size(population, margin, expected):
    assert needed_sample_size(population, margin) == expected


def test_never_more_than_the_population():
    assert all(needed_sample_size(n, 0.01) <= n for n in range(1, 300))


@pytest.mark.parametrize(("population", "margin"), [(0, 0.05), (-5, 0.05), (100, 0), (100, 0.6), (2.5, 0.05),
                                                     (True, 0.05)])
def test_bad_input_is_a_value_error(population, margin):
    with pytest.raises(ValueError):
        needed_sample_size(population, margin)
