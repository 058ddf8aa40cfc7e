"""How sure a chance is: known answers for the interval of P(de jure) (sim/results/tables.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import beta

from sim.engine.uncertainty import DRAW_BLOCK, draw_rows
from sim.results.compare import wilson_interval
from sim.results.tables import chance_interval


def hits_over_draws(chances: np.ndarray, per_draw: int, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray]:
    """``per_draw`` runs for each draw, each hitting with that draw's chance."""
    draw_row = np.repeat(np.arange(chances.size), per_draw)
    return rng.random(draw_row.size) < chances[draw_row], draw_row


def test_recovers_the_spread_of_the_chance_across_draws():
    # chances across the posterior ~ Beta(2, 6): mean 0.25, 90% interval known exactly;
    # 4000 draws of 10 runs: the moment estimate's sampling error is about 0.01 at the ends
    rng = np.random.default_rng(11)
    hit, draw_row = hits_over_draws(rng.beta(2.0, 6.0, size=4_000), DRAW_BLOCK, rng)
    low, high = chance_interval(hit, draw_row)
    true_low, true_high = beta.ppf([0.05, 0.95], 2.0, 6.0)
    assert low == pytest.approx(true_low, abs=0.02)
    assert high == pytest.approx(true_high, abs=0.03)


def test_the_interval_is_wider_than_monte_carlo_when_draws_disagree():
    rng = np.random.default_rng(12)
    hit, draw_row = hits_over_draws(rng.choice([0.1, 0.6], size=500), DRAW_BLOCK, rng)
    low, high = chance_interval(hit, draw_row)
    mc_low, mc_high = wilson_interval(int(hit.sum()), hit.size, 0.9)
    assert high - low > 5 * (mc_high - mc_low)
    assert 0.0 <= low < hit.mean() < high <= 1.0


def test_without_draws_it_is_wilsons():
    hit = np.array([True] * 30 + [False] * 70)
    assert chance_interval(hit, None) == wilson_interval(30, 100, 0.9)


def test_draws_that_agree_leave_monte_carlo_error_only():
    # every draw has the same chance: the test of a spread across draws should not reject
    # (it would in about 1% of seeds), and the interval is Wilson's, not a spurious spread
    for seed in range(20):
        rng = np.random.default_rng(seed)
        hit, draw_row = hits_over_draws(np.full(200, 0.3), DRAW_BLOCK, rng)
        expected = wilson_interval(int(hit.sum()), hit.size, 0.9)
        assert chance_interval(hit, draw_row) == expected


@pytest.mark.parametrize("value", [False, True])
def test_never_or_always_falls_back_to_wilson(value):
    hit = np.full(200, value)
    draw_row = np.repeat(np.arange(20), 10)
    assert chance_interval(hit, draw_row) == wilson_interval(int(hit.sum()), 200, 0.9)


def test_draw_rows_come_in_blocks():
    rows = draw_rows(np.random.SeedSequence(5), 95, 1_000)
    blocks = rows.reshape(-1, 5)  # any block boundary is a multiple of 5 here
    assert rows.size == 95
    for start in range(0, 95, DRAW_BLOCK):
        assert len(set(rows[start:start + DRAW_BLOCK])) == 1
    assert len(set(blocks[:, 0])) > 5  # different blocks take different rows
