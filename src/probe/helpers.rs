//! The helper probes of a set of program specs (the default report's program types, `--extended`'s kinds) as
//! jobs for the probe pool: per spec, one job for the chained helpers (`sys::probe::chain`) and one per other
//! helper; and the answers put back in one row of verdicts per spec, aligned with the helper list.

use crate::sys::probe::{self, ChainMaps, LogBuf, ProbeEnv, ProgSpec, Verdict};

pub struct HelperPlan {
    ids: Vec<u32>,
    /// The chained helpers (positions in `ids`) and the maps their calls pass; empty when chains do not apply.
    links: Vec<probe::Link>,
    maps: Option<ChainMaps>,
    /// Positions of the helpers that end the chain's runs (see `probe_helper_chain`), and of the rest.
    tails: Vec<usize>,
    singles: Vec<usize>,
}

/// How many of the other helpers a chain job takes as tails. A type's chain takes one load plus one per helper
/// it refuses; a tail left over is probed alone by the same job, so a few more than loads cost nothing.
const TAILS: usize = 4;

/// One job: the chained helpers of a spec, or one other helper of it.
#[derive(Debug, Clone, Copy)]
pub enum HelperJob {
    Chain(ProgSpec),
    Single(ProgSpec, u32),
}

/// A job's answer: one verdict per chained helper and tail, or the single helper's.
pub enum HelperAnswer {
    Chain(Vec<Verdict>),
    Single(Verdict),
}

impl HelperPlan {
    /// The maps chains pass, when chains apply here (None: every helper is probed alone). A few dozen
    /// microseconds of map creation, which a caller may overlap with other probes.
    pub fn chain_maps(env: ProbeEnv) -> Option<ChainMaps> {
        probe::chains_apply(env).then(ChainMaps::create)
    }

    /// The plan for helpers `ids`, chaining those `maps` (from `chain_maps`) allow.
    pub fn new(ids: Vec<u32>, maps: Option<ChainMaps>) -> HelperPlan {
        let links = maps
            .as_ref()
            .map_or_else(Vec::new, |maps| probe::chainable(&ids, maps));
        let mut others: Vec<usize> = (0..ids.len())
            .filter(|&i| links.iter().all(|link| link.position != i))
            .collect();
        let tails = match links.is_empty() {
            true => Vec::new(),
            false => others.drain(..TAILS.min(others.len())).collect(),
        };
        HelperPlan {
            ids,
            links,
            maps,
            tails,
            singles: others,
        }
    }

    /// The jobs for `specs`: the chains first (the slowest jobs, so no thread is left with one at the end).
    pub fn jobs<'a>(&'a self, specs: &'a [ProgSpec]) -> impl Iterator<Item = HelperJob> + 'a {
        let chains = specs
            .iter()
            .filter(|_| !self.links.is_empty())
            .map(|&spec| HelperJob::Chain(spec));
        let singles = specs.iter().flat_map(move |&spec| {
            self.singles
                .iter()
                .map(move |&i| HelperJob::Single(spec, self.ids[i]))
        });
        chains.chain(singles)
    }

    pub fn run(&self, job: &HelperJob, env: ProbeEnv, log: &mut LogBuf) -> HelperAnswer {
        match (job, &self.maps) {
            (HelperJob::Chain(spec), Some(maps)) => {
                let tails: Vec<u32> = self.tails.iter().map(|&i| self.ids[i]).collect();
                HelperAnswer::Chain(probe::probe_helper_chain(
                    spec,
                    &self.links,
                    &tails,
                    maps,
                    env,
                    log,
                ))
            }
            (HelperJob::Chain(_), None) => HelperAnswer::Chain(Vec::new()),
            (HelperJob::Single(spec, id), _) => {
                HelperAnswer::Single(probe::probe_helper_in(spec, *id, env, log))
            }
        }
    }

    /// One row per spec from the answers of `jobs(specs)`, in job order (None: that job's thread died).
    pub fn rows(
        &self,
        specs: usize,
        answers: &mut dyn Iterator<Item = Option<HelperAnswer>>,
    ) -> Vec<Vec<Verdict>> {
        let mut rows: Vec<Vec<Option<Verdict>>> = vec![vec![None; self.ids.len()]; specs];
        if !self.links.is_empty() {
            let chained = self
                .links
                .iter()
                .map(|link| link.position)
                .chain(self.tails.iter().copied());
            for row in &mut rows {
                if let Some(HelperAnswer::Chain(verdicts)) = answers.next().flatten() {
                    for (i, verdict) in chained.clone().zip(verdicts) {
                        row[i] = Some(verdict);
                    }
                }
            }
        }
        for row in &mut rows {
            for &i in &self.singles {
                if let Some(HelperAnswer::Single(verdict)) = answers.next().flatten() {
                    row[i] = Some(verdict);
                }
            }
        }
        rows.into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|v| {
                        v.unwrap_or_else(|| {
                            Verdict::Unknown("not probed (probe thread failed)".into())
                        })
                    })
                    .collect()
            })
            .collect()
    }
}
