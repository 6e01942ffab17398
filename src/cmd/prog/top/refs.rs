//! Pins and holders for `prog top`: the bpffs and /proc walks of `prog show`, run in the background and refreshed
//! every few intervals rather than every sample. With 1,000 programs a refresh costs several times a sample's CPU
//! (docs/top.md has the figures), and pins and holders change far less often than counters.

use std::thread::JoinHandle;

use crate::sys::bpf_obj::ObjKind;
use crate::sys::clock::boottime_ns;

use crate::cmd::select::refs::Refs;
use crate::cmd::Context;

/// A refresh at least this often (and no more often than every `MIN_SAMPLES` samples)...
const REFRESH_NS: u64 = 5_000_000_000;
const MIN_SAMPLES: u32 = 3;
/// ...and sooner when new programs appeared, so their pins and holders show within about a second.
const NEW_PROGRAMS_REFRESH_NS: u64 = 1_000_000_000;
const NEW_PROGRAMS_MIN_SAMPLES: u32 = 2;

/// One walk in the background: its answer and its wall time.
type Walk = JoinHandle<(Refs, u64)>;

pub struct RefsCache {
    /// Under --debug the walks name what they could not read; a screen passes a quiet context.
    ctx: Context,
    current: Option<Refs>,
    pending: Option<Walk>,
    started_ns: u64,
    samples_since: u32,
    last_wall_ns: u64,
}

fn walk(ctx: &Context) -> Walk {
    let ctx = Context {
        out: ctx.out,
        debug: ctx.debug,
        relaxed_maps: ctx.relaxed_maps,
    };
    std::thread::spawn(move || {
        let start = boottime_ns();
        let refs = Refs::start(ObjKind::Prog, true, false).finish(&ctx);
        (refs, boottime_ns().saturating_sub(start))
    })
}

impl RefsCache {
    pub fn start(ctx: &Context) -> RefsCache {
        let quiet = Context {
            out: ctx.out,
            debug: ctx.debug && !ctx.out.is_terminal(),
            relaxed_maps: ctx.relaxed_maps,
        };
        RefsCache {
            pending: Some(walk(&quiet)),
            ctx: quiet,
            current: None,
            started_ns: boottime_ns(),
            samples_since: 0,
            last_wall_ns: 0,
        }
    }

    /// The latest finished walk. The first walk is waited for, so the first frame already has pins and holders.
    pub fn current(&mut self) -> Option<&Refs> {
        let ready = self
            .pending
            .as_ref()
            .is_some_and(|w| w.is_finished() || self.current.is_none());
        if ready {
            if let Some(Ok((refs, wall))) = self.pending.take().map(JoinHandle::join) {
                self.current = Some(refs);
                self.last_wall_ns = wall;
            }
        }
        self.current.as_ref()
    }

    /// Called once per sample: starts a new walk when one is due and none is running.
    pub fn maybe_refresh(&mut self, now_ns: u64, new_programs: bool) {
        self.samples_since += 1;
        if self.pending.is_some() {
            return;
        }
        let age = now_ns.saturating_sub(self.started_ns);
        let due = (self.samples_since >= MIN_SAMPLES && age >= REFRESH_NS)
            || (new_programs
                && self.samples_since >= NEW_PROGRAMS_MIN_SAMPLES
                && age >= NEW_PROGRAMS_REFRESH_NS);
        if due {
            self.pending = Some(walk(&self.ctx));
            self.started_ns = now_ns;
            self.samples_since = 0;
        }
    }

    /// Wall time of the last finished walk.
    pub fn last_wall_ns(&self) -> u64 {
        self.last_wall_ns
    }
}
