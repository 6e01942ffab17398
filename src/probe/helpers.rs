//! The helper probes of a set of program specs (the default report's program types, `--extended`'s kinds) as
//! jobs for the probe pool: per spec, one job for the chained helpers (`sys::probe::chain`) and one per other
//! helper; and the answers put back in one row of verdicts per spec, aligned with the helper list.

use crate::sys::probe::{self, ChainMaps, LogBuf, ProbeEnv, ProgSpec, Verdict};

pub struct HelperPlan {
    ids: Vec<u32>,
    /// The chained helpers (positions in `ids`) and the maps their calls pass; empty when chains do not apply.
    links: Vec<probe::Link>,
    maps: Option<ChainMaps>,
    chained: Vec<bool>,
}

/// One job: the chained helpers of a spec, or one other helper of it.
#[derive(Debug, Clone, Copy)]
pub enum HelperJob {
    Chain(ProgSpec),
    Single(ProgSpec, u32),
}

/// A job's answer: one verdict per chained helper, or the single helper's.
pub enum HelperAnswer {
    Chain(Vec<Verdict>),
    Single(Verdict),
}

impl HelperPlan {
    /// The plan for helpers `ids`; `any_specs` false (no spec to probe) creates no maps.
    pub fn new(ids: Vec<u32>, env: ProbeEnv, any_specs: bool) -> HelperPlan {
        let maps = (any_specs && probe::chains_apply(env)).then(ChainMaps::create);
        let links = maps
            .as_ref()
            .map_or_else(Vec::new, |maps| probe::chainable(&ids, maps));
        let mut chained = vec![false; ids.len()];
        for link in &links {
            chained[link.position] = true;
        }
        HelperPlan {
            ids,
            links,
            maps,
            chained,
        }
    }

    /// The jobs for `specs`: the chains first (the slowest jobs, so no thread is left with one at the end).
    pub fn jobs<'a>(&'a self, specs: &'a [ProgSpec]) -> impl Iterator<Item = HelperJob> + 'a {
        let chains = specs
            .iter()
            .filter(|_| !self.links.is_empty())
            .map(|&spec| HelperJob::Chain(spec));
        let singles = specs.iter().flat_map(move |&spec| {
            self.ids
                .iter()
                .zip(&self.chained)
                .filter(|(_, chained)| !**chained)
                .map(move |(&id, _)| HelperJob::Single(spec, id))
        });
        chains.chain(singles)
    }

    pub fn run(&self, job: &HelperJob, env: ProbeEnv, log: &mut LogBuf) -> HelperAnswer {
        match (job, &self.maps) {
            (HelperJob::Chain(spec), Some(maps)) => {
                HelperAnswer::Chain(probe::probe_helper_chain(spec, &self.links, maps, env, log))
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
            for row in &mut rows {
                if let Some(HelperAnswer::Chain(verdicts)) = answers.next().flatten() {
                    for (link, verdict) in self.links.iter().zip(verdicts) {
                        row[link.position] = Some(verdict);
                    }
                }
            }
        }
        for row in &mut rows {
            for (slot, _) in row.iter_mut().zip(&self.chained).filter(|(_, c)| !**c) {
                if let Some(HelperAnswer::Single(verdict)) = answers.next().flatten() {
                    *slot = Some(verdict);
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
