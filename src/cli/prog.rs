//! Programs: show, load, attach, detach, run, dump, tracelog.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

use super::ShowView;

#[derive(Debug, Subcommand)]
pub enum ProgVerb {
    /// Show loaded programs: all of them, or those a selector names
    #[command(visible_alias = "list", disable_help_subcommand = true)]
    Show {
        #[command(subcommand)]
        select: Option<ProgSelector>,
        #[command(flatten)]
        view: ShowView,
    },
    /// Which programs cost CPU right now: runs, run time and CPU share per interval, live
    Top(super::TopArgs),
    #[command(flatten)]
    Lifecycle(ProgCommand),
}

// Selector values are taken as text and checked by the command, so a malformed id or tag is reported like any
// other error: one line on stderr, a JSON error object under --json, exit status 2.

/// Which programs: `id N`, `pinned PATH`, `tag HEX` or `name NAME`.
#[derive(Debug, Clone, Subcommand)]
pub enum ProgSelector {
    /// The program with this id
    Id { id: String },
    /// The program pinned at PATH on a bpf file system
    Pinned { path: PathBuf },
    /// Programs with this tag (16 hex digits)
    Tag { tag: String },
    /// Programs with this name (the full name from BTF where the kernel keeps only 15 characters)
    Name { name: String },
}

/// How `prog pin`/`attach`/`detach` take their PROG argument: two words (`id 5`, `pinned /sys/fs/bpf/p`) that
/// are followed by more arguments, so they cannot be a clap subcommand.
#[derive(Debug, Clone, clap::Args)]
pub struct ProgRef {
    /// How PROG names the program
    #[arg(value_enum, value_name = "id|pinned|tag|name")]
    pub by: SelectorKind,
    /// The program's id, pinned path, tag or name
    #[arg(value_name = "PROG")]
    pub value: String,
}

/// A program's BPF stream (Linux 6.17): BPF_STREAM_STDOUT or BPF_STREAM_STDERR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgStream {
    Stdout,
    Stderr,
}

/// The first word of a two-word object reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SelectorKind {
    Id,
    Pinned,
    Tag,
    Name,
}

impl ProgRef {
    pub fn selector(&self) -> ProgSelector {
        let value = self.value.clone();
        match self.by {
            SelectorKind::Id => ProgSelector::Id { id: value },
            SelectorKind::Pinned => ProgSelector::Pinned { path: value.into() },
            SelectorKind::Tag => ProgSelector::Tag { tag: value },
            SelectorKind::Name => ProgSelector::Name { name: value },
        }
    }
}

// Verbs in bpftool's order (dump, pin, load, loadall, attach, detach, tracelog, run): `prog d` is dump, `prog l`
// is list (show's alias, declared first), as in bpftool.
#[derive(Debug, Subcommand)]
pub enum ProgCommand {
    /// Disassemble a loaded program: `prog dump {xlated|jited} PROG [file FILE | opcodes | linum | visual]`
    #[command(
        after_help = "OPTIONS words: file FILE (the raw image) | opcodes | linum | visual (xlated only: the \
                      control-flow graph in DOT)"
    )]
    Dump {
        /// Which image: the kernel's translated instructions, or the JIT's machine code
        kind: DumpKind,
        #[command(flatten)]
        prog: ProgRef,
        /// At most one of: file FILE | opcodes | linum | visual
        options: Vec<String>,
    },
    /// Pin a loaded program at PATH on bpffs
    Pin {
        #[command(flatten)]
        prog: ProgRef,
        path: PathBuf,
    },
    /// Load the programs of OBJ and pin the first one at PATH (with `autoattach`: attach the first one and pin
    /// its link at PATH, as bpftool)
    #[command(after_help = LOAD_WORDS)]
    Load(LoadArgs),
    /// Load the programs of OBJ and pin each one as DIR/NAME (with `autoattach`: attach each one and pin its link
    /// as DIR/NAME)
    #[command(after_help = LOAD_WORDS)]
    Loadall(LoadArgs),
    /// Attach a program (as a BPF link where the kernel has one); see `prog attach --help` for targets
    Attach(AttachArgs),
    /// Detach a program from what `prog attach` attached it to (pins of the link are left and reported)
    Detach {
        #[command(flatten)]
        prog: ProgRef,
        /// Attach type, as for `prog attach`
        attach_type: AttachKind,
        /// Target words, as for `prog attach`
        #[arg(allow_negative_numbers = true)]
        target: Vec<String>,
    },
    /// Print the kernel's trace pipe (bpf_printk output) until Ctrl-C; with `stdout|stderr PROG`, print what
    /// that program wrote to its own BPF stream (bpf_stream_printk, the kernel's runtime errors) and exit
    #[command(override_usage = "ebpfctl prog tracelog [OPTIONS] [{stdout|stderr} PROG]")]
    Tracelog {
        /// Which stream of PROG: its stdout (printed on stdout) or its stderr (printed on stderr)
        #[arg(requires = "by")]
        stream: Option<ProgStream>,
        /// How PROG names the program
        #[arg(value_enum, value_name = "id|pinned|tag|name", requires = "value")]
        by: Option<SelectorKind>,
        /// The program's id, pinned path, tag or name
        #[arg(value_name = "PROG")]
        value: Option<String>,
    },
    /// Run a program once (or N times) on given input with BPF_PROG_TEST_RUN
    #[command(
        after_help = "OPTIONS words: data_in FILE | data_out FILE | data_size_out N | ctx_in FILE | \
                      ctx_out FILE | ctx_size_out N | repeat N   (FILE `-` is stdin/stdout)"
    )]
    Run {
        #[command(flatten)]
        prog: ProgRef,
        /// Keyword words: data_in FILE [data_out FILE] [ctx_in FILE] [ctx_out FILE] [repeat N]
        options: Vec<String>,
    },
    /// Count hardware events (or CPU time) per run of a program, from an fentry/fexit pair around it
    #[command(
        after_help = "OPTIONS words: duration SECONDS (default: until Ctrl-C) then up to 4 METRICs: cycles | \
                      instructions | l1d_loads | llc_misses | itlb_misses | dtlb_misses | cpu_clock \
                      (default: cycles instructions)"
    )]
    Profile {
        #[command(flatten)]
        prog: ProgRef,
        /// Keyword words: [duration SECONDS] [METRIC...]
        options: Vec<String>,
    },
}

const LOAD_WORDS: &str =
    "OPTIONS words: type TYPE | map {idx N|name NAME} {id N|pinned PATH|name NAME} | \
                          pinmaps DIR | {offload_dev|xdpmeta_dev} NAME | autoattach | kernel_btf FILE";

/// The images `prog dump` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DumpKind {
    Xlated,
    Jited,
}

#[derive(Debug, Clone, clap::Args)]
pub struct LoadArgs {
    /// The BPF object file (.bpf.o)
    pub object: PathBuf,
    /// Where to pin: the program (load), or the directory of programs (loadall)
    pub path: PathBuf,
    /// Keyword words: type TYPE | map {idx N|name NAME} MAP | pinmaps DIR | {offload_dev|xdpmeta_dev} NAME |
    /// autoattach | kernel_btf FILE
    pub options: Vec<String>,
    /// Relocate CO-RE against this BTF file instead of the running kernel's
    #[arg(long, value_name = "FILE")]
    pub btf: Option<PathBuf>,
    /// Set a global variable (.rodata/.data/.bss) before load, typed by its BTF
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Sign (bpftool 7.7's -S): load through libbpf's loader program, signed with -k and -i; the certificate
    /// goes into the session keyring, where the kernel (6.18+) verifies the signature
    #[arg(short = 'S', long = "sign", requires_all = ["key", "cert"])]
    pub sign: bool,
    /// Load through libbpf's loader program, unsigned (bpftool's -L/--use-loader; -S implies it)
    #[arg(short = 'L', long = "use-loader")]
    pub use_loader: bool,
    /// Private key for -S: RSA or ECDSA P-256, PEM (PKCS#8, PKCS#1 or SEC1)
    #[arg(short = 'k', value_name = "KEY.pem", requires = "sign")]
    pub key: Option<PathBuf>,
    /// X.509 certificate of the key for -S, PEM or DER
    #[arg(short = 'i', value_name = "CERT", requires = "sign")]
    pub cert: Option<PathBuf>,
}

#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "TARGET words by type:\n  \
  tracepoint CATEGORY/NAME | raw_tracepoint NAME | kprobe FUNC[+OFF] | kprobe_multi SYM[,SYM...]\n  \
  uprobe BINARY {SYMBOL|0xOFFSET} [pid N] | perf_event [cpu N] [freq HZ] [pid N]\n  \
  xdp|xdpgeneric|xdpdrv|xdpoffload|tcx_ingress|tcx_egress|tc_ingress|tc_egress|netkit_primary|netkit_peer dev NAME\n  \
  cgroup_* CGROUP_PATH | sk_msg_verdict|sk_skb_* MAP | flow_dissector|sk_lookup [netns PATH]\n  \
  netfilter {ipv4|ipv6} {prerouting|input|forward|output|postrouting} [prio N]\n  \
  tp_btf|fentry|fexit|fmod_ret|lsm (no target: the one chosen at load)")]
pub struct AttachArgs {
    #[command(flatten)]
    pub prog: ProgRef,
    /// What to attach to
    pub attach_type: AttachKind,
    /// Target words (see below); negative numbers are values (netfilter `prio -100`)
    #[arg(allow_negative_numbers = true)]
    pub target: Vec<String>,
    /// Pin the link at PATH on bpffs so it outlives ebpfctl
    #[arg(long, value_name = "PATH")]
    pub pin: Option<PathBuf>,
    /// Keep the link until Ctrl-C or SIGTERM instead of pinning it
    #[arg(long)]
    pub wait: bool,
    /// BPF cookie for perf-event based links (tracepoint, kprobe, uprobe)
    #[arg(long)]
    pub cookie: Option<u64>,
}

/// Attach types for `prog attach`/`prog detach`, by libbpf's section-name conventions and bpftool's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AttachKind {
    Tracepoint,
    #[value(alias = "raw_tp")]
    RawTracepoint,
    TpBtf,
    Kprobe,
    Kretprobe,
    KprobeMulti,
    KretprobeMulti,
    Uprobe,
    Uretprobe,
    Usdt,
    Fentry,
    Fexit,
    FmodRet,
    Lsm,
    PerfEvent,
    Xdp,
    Xdpgeneric,
    Xdpdrv,
    Xdpoffload,
    TcxIngress,
    TcxEgress,
    TcIngress,
    TcEgress,
    NetkitPrimary,
    NetkitPeer,
    // bpftool's traditional names for the sockmap attach types, still accepted by bpftool 7.7.
    #[value(alias = "msg_verdict")]
    SkMsgVerdict,
    #[value(alias = "stream_parser")]
    SkSkbStreamParser,
    #[value(alias = "stream_verdict")]
    SkSkbStreamVerdict,
    #[value(alias = "skb_verdict")]
    SkSkbVerdict,
    FlowDissector,
    SkLookup,
    Netfilter,
    CgroupInetIngress,
    CgroupInetEgress,
    CgroupInetSockCreate,
    CgroupInetSockRelease,
    CgroupSockOps,
    CgroupDevice,
    CgroupInet4Bind,
    CgroupInet6Bind,
    CgroupInet4Connect,
    CgroupInet6Connect,
    CgroupInet4PostBind,
    CgroupInet6PostBind,
    CgroupUdp4Sendmsg,
    CgroupUdp6Sendmsg,
    CgroupUdp4Recvmsg,
    CgroupUdp6Recvmsg,
    CgroupSysctl,
    CgroupGetsockopt,
    CgroupSetsockopt,
    CgroupInet4Getpeername,
    CgroupInet6Getpeername,
    CgroupInet4Getsockname,
    CgroupInet6Getsockname,
}
