//! User-space executables and libraries, read with goblin: where a uprobe should go.

pub mod symbols;
