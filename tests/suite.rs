//! Every integration test in one binary: each tests/<name>.rs is module <name> here (`cargo test --release --locked
//! --target x86_64-unknown-linux-musl --test suite hostile_files::` runs one file's tests). One binary links once:
//! 53 binaries took 5.4 of the test build's 6.5 minutes, almost all of it in 53 thin-LTO links of the same standard
//! library. The tests run one at a time (RUST_TEST_THREADS=1, .cargo/config.toml): many of them compare a listing
//! of the whole system with bpftool's, which another test loading programs at the same time would change.

mod common;
mod hostile_support;
mod inspect_support;
mod lifecycle_util;
mod show_support;
mod top_support;

mod btf_dump_live;
mod btf_minimize;
mod btf_split;
mod compat_check;
mod compat_ci;
mod compat_groundtruth;
mod compat_live;
mod compat_progress;
mod feature;
mod foundation;
mod gen;
mod gen_skeleton;
mod habits_batch;
mod habits_cli;
mod habits_detach;
mod habits_select;
mod hostile_concurrency;
mod hostile_files;
mod hostile_privileges;
mod hostile_signals;
mod hostile_words;
mod inspect_bad_input;
mod inspect_btf_dump;
mod inspect_objects;
mod lifecycle_attach;
mod lifecycle_cgroup_perf;
mod lifecycle_load;
mod lifecycle_net;
mod lifecycle_sock;
mod lifecycle_struct_ops;
mod lifecycle_usdt;
mod map_admin;
mod map_contract;
mod map_data;
mod map_stream;
mod map_typed;
mod prog_dump;
mod prog_jited;
mod prog_profile;
mod prog_sign;
mod prog_stream;
mod prog_top;
mod prog_top_exit;
mod prog_visual;
mod real_objects;
mod show_btf;
mod show_errors;
mod show_link;
mod show_map;
mod show_pids;
mod show_prog;
mod token;
