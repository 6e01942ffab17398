//! `prog dump xlated|jited` and `prog profile` as bpftool prints them: the instruction listings (text and JSON),
//! the control-flow graph in DOT, and the profiler's counter readings. JSON keys and their order are bpftool's.

use serde::{Serialize, Serializer};

use super::{Render, Text};

/// The source line of an instruction (`; __u32 k = 1;`), with its place when `linum` asked for it. bpftool prints
/// every line record, even one with no text (`"src": ""`, `; `), and its JSON leaves out a zero line or column.
#[derive(Debug, Clone, Serialize)]
pub struct SourceLine {
    pub src: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "no_column")]
    pub line_num: Option<u32>,
    /// bpftool's JSON leaves out a zero column; its text prints it.
    #[serde(skip_serializing_if = "no_column")]
    pub line_col: Option<u32>,
}

fn no_column(col: &Option<u32>) -> bool {
    matches!(col, None | Some(0))
}

impl SourceLine {
    fn text(&self) -> String {
        match (&self.file, self.line_num, self.line_col) {
            (Some(f), Some(n), Some(c)) => {
                format!("; {} [file:{f} line_num:{n} line_col:{c}]", self.src)
            }
            _ => format!("; {}", self.src),
        }
    }
}

/// One translated instruction with what bpftool prints before it.
#[derive(Debug, Serialize)]
pub struct XlatedLine {
    #[serde(skip)]
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proto: Option<String>,
    #[serde(flatten)]
    pub source: Option<SourceLine>,
    pub disasm: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opcodes: Option<XlatedOpcodes>,
    #[serde(skip)]
    pub raw: Vec<u8>,
}

#[derive(Debug, Serialize)]
pub struct XlatedOpcodes {
    pub code: String,
    pub src_reg: String,
    pub dst_reg: String,
    pub off: Vec<String>,
    pub imm: Vec<String>,
}

/// `prog dump xlated`: one line per instruction (an ld_imm64 takes two slots).
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct XlatedDump(pub Vec<XlatedLine>);

impl Render for XlatedDump {
    fn render(&self, text: &mut Text) {
        for l in &self.0 {
            if let Some(p) = &l.proto {
                text.line(format!("{p}:"));
            }
            if let Some(src) = &l.source {
                text.line(src.text());
            }
            text.line(format!("{}: {}", insn_index(l.index), l.disasm));
            if l.opcodes.is_some() {
                text.line(format!("       {}", spaced_hex(&l.raw)));
            }
        }
    }
}

/// An instruction's index as bpftool prints it (`% 4d`): right-aligned in four columns, and a space before the
/// digits even when there are four or more of them (` 1000`).
fn insn_index(i: usize) -> String {
    format!("{:>4}", format!(" {i}"))
}

fn spaced_hex(bytes: &[u8]) -> String {
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    hex.join(" ")
}

/// `0x2a` for each byte, as bpftool's JSON writes raw bytes.
pub fn hex_bytes(bytes: &[u8]) -> Vec<String> {
    bytes.iter().map(|b| format!("0x{b:02x}")).collect()
}

/// What `dump … file FILE` prints after writing the raw instructions: nothing, or `null` under --json.
#[derive(Debug)]
pub struct FileWritten;

impl Serialize for FileWritten {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_none()
    }
}

impl Render for FileWritten {
    fn render(&self, _text: &mut Text) {}
}

/// One machine instruction of a JIT image.
#[derive(Debug, Serialize)]
pub struct JitedInsn {
    #[serde(flatten)]
    pub source: Option<SourceLine>,
    /// Offset in the function, `0x1f`.
    pub pc: String,
    pub operation: String,
    /// bpftool writes `[null]` for an instruction without operands.
    pub operands: Vec<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opcodes: Option<Vec<String>>,
    /// objdump's text of the instruction.
    #[serde(skip)]
    pub text: String,
    #[serde(skip)]
    pub offset: usize,
    #[serde(skip)]
    pub raw: Vec<u8>,
}

/// One function of a JIT image: its BTF prototype, its kernel symbol and its instructions.
#[derive(Debug, Serialize)]
pub struct JitedFunction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proto: Option<String>,
    pub name: String,
    pub insns: Vec<JitedInsn>,
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct JitedDump(pub Vec<JitedFunction>);

impl Render for JitedDump {
    fn render(&self, text: &mut Text) {
        for f in &self.0 {
            if let Some(p) = &f.proto {
                text.line(format!("{p}:"));
            }
            text.line(format!("{}:", f.name));
            for i in &f.insns {
                if let Some(src) = &i.source {
                    text.line(src.text());
                }
                text.line(format!("{:4x}:\t{}", i.offset, i.text));
                if i.opcodes.is_some() {
                    text.line(format!("\t{}", spaced_hex(&i.raw)));
                }
            }
            text.line("");
        }
    }
}

/// A basic block of the control-flow graph: its instructions (index from the function's start, text), or none for
/// the ENTRY (0) and EXIT (1) nodes.
#[derive(Debug)]
pub struct GraphBlock {
    pub id: usize,
    pub insns: Vec<(usize, String)>,
}

#[derive(Debug)]
pub struct GraphFunction {
    pub index: usize,
    pub blocks: Vec<GraphBlock>,
    /// (from, to) block ids, in bpftool's order.
    pub edges: Vec<(usize, usize)>,
}

/// `prog dump xlated … visual`: the graph in DOT, laid out as bpftool lays it out. Text only.
#[derive(Debug)]
pub struct ControlFlowGraph(pub Vec<GraphFunction>);

impl Serialize for ControlFlowGraph {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // The command refuses --json with `visual` before building a graph, as bpftool does.
        s.serialize_none()
    }
}

impl Render for ControlFlowGraph {
    fn render(&self, text: &mut Text) {
        let mut dot = String::from("digraph \"DOT graph for eBPF program\" {\n");
        for f in &self.0 {
            let n = f.index;
            dot.push_str(&format!(
                "subgraph \"cluster_{n}\" {{\n\tstyle=\"dashed\";\n\tcolor=\"black\";\n\tlabel=\"func_{n} ()\";\n"
            ));
            for b in &f.blocks {
                dot.push_str(&block_node(n, b));
            }
            for (from, to) in &f.edges {
                dot.push_str(&format!(
                    "\tfn_{n}_bb_{from}:s -> fn_{n}_bb_{to}:n [style=\"solid,bold\", color=black, weight=10, constraint=true];\n"
                ));
            }
            // An invisible ENTRY -> EXIT edge keeps dot's layout top to bottom (bpftool draws it too).
            dot.push_str(&format!(
                "\tfn_{n}_bb_0:s -> fn_{n}_bb_1:n [style=\"invis\", constraint=true];\n}}\n"
            ));
        }
        dot.push('}');
        text.raw(&dot);
    }
}

fn block_node(func: usize, b: &GraphBlock) -> String {
    let (shape, label) = match b.id {
        0 => ("Mdiamond", "ENTRY".to_string()),
        1 => ("Mdiamond", "EXIT".to_string()),
        _ => {
            let rows: Vec<String> = b
                .insns
                .iter()
                .map(|(i, t)| format!("{}: {}\\l\\\n", insn_index(*i), record_escape(t)))
                .collect();
            ("record", format!("{{{}}}", rows.join(" | ")))
        }
    };
    format!(
        "\tfn_{func}_bb_{} [shape={shape},style=filled,label=\"{label}\"];\n\n",
        b.id
    )
}

/// A record label's special characters escaped: bpftool escapes `< > | &`; `{ } " \` are escaped too so that no
/// instruction text can break the record (none of the verifier's notation uses them today).
fn record_escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        if matches!(c, '<' | '>' | '|' | '&' | '{' | '}' | '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One metric of `prog profile`, as bpftool's JSON has it.
#[derive(Debug, Serialize)]
pub struct MetricReading {
    pub metric: &'static str,
    pub run_cnt: u64,
    pub value: u64,
    pub enabled: u64,
    pub running: u64,
    /// The ratio bpftool's text prints beside it (`# 1.23 insns per cycle`), when its base metric was read.
    #[serde(skip)]
    pub ratio: Option<(f64, &'static str)>,
}

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct ProfileReport(pub Vec<MetricReading>);

impl Render for ProfileReport {
    fn render(&self, text: &mut Text) {
        let run_cnt = self.0.first().map_or(0, |m| m.run_cnt);
        text.line("");
        text.line(format!("{run_cnt:>18} run_cnt"));
        for m in &self.0 {
            let mut line = format!("{:>18} {:<20}", m.value, m.metric);
            match m.ratio {
                Some((r, what)) => line.push_str(&format!("# {r:8.2} {what:<30}")),
                None => line.push_str(&" ".repeat(41)),
            }
            if m.enabled > m.running {
                // The counter was multiplexed: the share of the time it actually counted.
                line.push_str(&format!(
                    "({:4.2}%)",
                    m.running as f64 * 100.0 / m.enabled as f64
                ));
            }
            text.line(line.trim_end());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_printed_as_bpftools_space_flag_does() {
        assert_eq!(insn_index(0), "   0");
        assert_eq!(insn_index(999), " 999");
        assert_eq!(insn_index(1000), " 1000");
    }

    fn render_lines<T: Render>(value: &T) -> Vec<String> {
        let mut text = Text {
            tty: false,
            color: false,
            blocks: Vec::new(),
        };
        value.render(&mut text);
        text.blocks
    }

    #[test]
    fn profile_text_is_bpftools_layout() {
        let reading = |metric, value, enabled, running| MetricReading {
            metric,
            run_cnt: 1532,
            value,
            enabled,
            running,
            ratio: None,
        };
        let mut instructions = reading("instructions", 2310554, 200, 100);
        instructions.ratio = Some((0.6, "insns per cycle"));
        let report = ProfileReport(vec![reading("cycles", 3871234, 10, 10), instructions]);
        assert_eq!(
            render_lines(&report),
            [
                "",
                "              1532 run_cnt",
                "           3871234 cycles",
                "           2310554 instructions        #     0.60 insns per cycle               (50.00%)"
            ]
        );
    }

    #[test]
    fn record_labels_escape_what_dot_would_parse() {
        assert_eq!(
            record_escape("if r1 > r2 goto pc+1"),
            "if r1 \\> r2 goto pc+1"
        );
        assert_eq!(record_escape("r1 <<= 2"), "r1 \\<\\<= 2");
    }

    #[test]
    fn jited_insns_without_operands_serialize_like_bpftool() {
        let insn = JitedInsn {
            source: None,
            pc: "0x0".into(),
            operation: "ret".into(),
            operands: vec![None],
            opcodes: None,
            text: "ret".into(),
            offset: 0,
            raw: vec![0xc3],
        };
        assert_eq!(
            serde_json::to_string(&insn).unwrap(),
            r#"{"pc":"0x0","operation":"ret","operands":[null]}"#
        );
    }
}
