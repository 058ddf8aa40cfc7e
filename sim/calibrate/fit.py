"""Fitting parameters to a record: priors, the most probable point, a posterior sample.

Priors are normal and centred on the scenario's own values, so the modellers' judgement is
the prior and the record moves it as far as the data support. The maximum a posteriori
point comes from scipy.optimize; the posterior sample from emcee's affine-invariant
ensemble sampler (Foreman-Mackey et al., PASP 125, 2013), run in blocks until every
parameter's rank-normalised split R-hat (Vehtari et al., Bayesian Analysis 16, 2021, as
computed by ArviZ) is below the target and the effective sample size reaches the number of
draws asked for, or a step limit is reached.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..engine.process import signals_deferred
from ..scenario.schema import Scenario
from .likelihood import Likelihood

__all__ = [
    "DEFAULT_PRIOR_SD",
    "Fit",
    "FitSettings",
    "Prior",
    "default_paths",
    "fit",
    "log_prior",
]

# Prior SD of every fitted parameter unless given: one unit of utility multiplies a monthly
# hazard by about e, so the judgement is taken to be right within a factor of about e^2 ~ 7
# in a hazard, either way, at 95%.
DEFAULT_PRIOR_SD = 1.0


@dataclass(frozen=True)
class Prior:
    """A normal prior of one parameter (key path)."""

    path: str
    mean: float
    sd: float = DEFAULT_PRIOR_SD


@dataclass(frozen=True)
class FitSettings:
    """How long to sample; the defaults suit about ten parameters."""

    draws: int = 1000  # posterior draws kept
    walkers: int | None = None  # default: max(32, 4 x parameters), even
    block: int = 500  # steps between convergence checks
    burn: int = 500  # steps discarded first
    max_steps: int = 20_000  # give up waiting for convergence after this many
    rhat_target: float = 1.01


@dataclass(frozen=True, eq=False)
class Fit:
    """A fitted posterior: its priors, MAP point, chains and diagnostics."""

    priors: tuple[Prior, ...]
    map_point: np.ndarray  # (p,)
    chains: np.ndarray  # (walkers, steps after burn-in, p)
    draws: np.ndarray  # (draws, p), thinned evenly from the chains
    rhat: np.ndarray  # (p,)
    ess: np.ndarray  # (p,) bulk effective sample size
    acceptance: float
    steps: int  # steps run, burn-in included
    converged: bool

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p.path for p in self.priors)

    def means(self) -> dict[str, float]:
        return {p: float(v) for p, v in zip(self.paths, self.draws.mean(axis=0), strict=True)}


def default_paths(scenario: Scenario) -> list[str]:
    """Every weight and every threshold (the downgrade one only if states may step down)."""
    paths = [f"weights.{name}" for name in type(scenario.weights).model_fields]
    paths += [f"thresholds.{name}" for name in ("level_1", "level_2", "level_3")]
    if scenario.model.reversible:
        paths.append("thresholds.downgrade")
    return paths


def log_prior(theta: np.ndarray, priors: Sequence[Prior]) -> np.ndarray:
    """Sum of the normal log-densities, one value per row of ``theta`` (K, p)."""
    mean = np.array([p.mean for p in priors])
    sd = np.array([p.sd for p in priors])
    z = (theta - mean) / sd
    return -0.5 * (z * z).sum(axis=1) - np.log(sd * math.sqrt(2 * math.pi)).sum()


def _rhat_ess(chains: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank-normalised split R-hat and bulk ESS per parameter; walkers count as chains."""
    import arviz as az  # takes two seconds to import: only once there are chains

    data = az.convert_to_dataset({"theta": chains})
    rhat = az.rhat(data, method="rank")["theta"].to_numpy()
    ess = az.ess(data, method="bulk")["theta"].to_numpy()
    return np.atleast_1d(rhat), np.atleast_1d(ess)


def fit(likelihood: Likelihood, priors: Sequence[Prior], *, seed: int,
        settings: FitSettings = FitSettings(),
        progress: Callable[[int, int], None] | None = None) -> Fit:
    """MAP with L-BFGS-B, then emcee until converged; ``progress(steps_done, step_limit)``.

    Randomness: the walkers' starting ball and emcee's own generator are both seeded from
    ``seed`` (emcee takes a legacy RandomState; it is given one, never the global one).
    """
    import emcee
    from scipy.optimize import minimize

    priors = tuple(priors)
    if tuple(p.path for p in priors) != likelihood.paths:
        raise ValueError("priors and likelihood must name the same parameters in order")
    k = len(priors)

    def log_posterior(theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        return likelihood(theta) + log_prior(theta, priors)

    start = np.array([p.mean for p in priors])
    result = minimize(lambda x: -float(log_posterior(x)[0]), start, method="L-BFGS-B")
    map_point = result.x
    seeds = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(seeds[0])
    walkers = settings.walkers or max(32, 4 * k)
    walkers += walkers % 2
    scale = np.array([p.sd for p in priors]) * 1e-2
    state = map_point + scale * rng.standard_normal((walkers, k))
    # differential-evolution moves (ter Braak 2006; ter Braak and Vrugt 2008) mix faster
    # than the default stretch move across the correlated weights and thresholds here
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(walkers, k, log_posterior, moves=moves, vectorize=True)
    legacy = int(seeds[1].generate_state(1)[0])
    sampler.random_state = np.random.RandomState(legacy).get_state()
    steps, converged = 0, False
    burn = min(settings.burn, settings.max_steps // 4)
    rhat = ess = np.full(k, np.nan)
    # Ctrl-C or SIGTERM stops at the end of a step: raised inside the likelihood, it would
    # pass through emcee's wrapper, which prints a traceback to standard output first
    with signals_deferred() as check_interrupt:
        while steps < settings.max_steps:
            block = min(settings.block if steps else burn + settings.block,
                        settings.max_steps - steps)
            for current in sampler.sample(state, iterations=block):  # as run_mcmc does
                check_interrupt()
                state = current
            steps += block
            if progress is not None:
                progress(steps, settings.max_steps)
            chains = sampler.get_chain()[burn:].transpose(1, 0, 2)
            thin = max(1, chains.shape[1] // 2000)  # diagnostics on at most 2,000 steps
            rhat, ess = _rhat_ess(chains[:, ::thin])
            ess = ess * thin
            if np.all(rhat < settings.rhat_target) and np.all(ess >= settings.draws):
                converged = True
                break
    chains = sampler.get_chain()[burn:].transpose(1, 0, 2)
    flat = chains.reshape(-1, k)
    keep = np.linspace(0, len(flat) - 1, settings.draws).round().astype(int)
    return Fit(priors, map_point, chains, flat[keep], rhat, ess,
               float(np.mean(sampler.acceptance_fraction)), steps, converged)
