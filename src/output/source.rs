//! Generated source (`gen skeleton`, `gen subskeleton`): the text itself on a terminal or in a pipe, and under
//! `-j` that text as one JSON string, as `btf dump … format c` does.

use serde::Serialize;

use super::{Render, Text};

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct Source(pub String);

impl Render for Source {
    fn render(&self, text: &mut Text) {
        text.raw(&self.0);
    }
}
