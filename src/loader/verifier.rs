//! Explaining a failed load from libbpf's messages: which program failed, the verifier's verdict and the
//! instruction it stopped at. libbpf prints the verifier log (retrying the load with logging on) as one warning
//! between "-- BEGIN PROG LOAD LOG --" and "-- END PROG LOAD LOG --".

/// What went wrong loading one program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadFailure {
    pub program: Option<String>,
    /// The verifier's last meaningful lines, oldest first.
    pub tail: Vec<String>,
    /// The whole verifier log.
    pub log: Vec<String>,
    /// The failing instruction ("12: (85) call bpf_foo#123"), when the log shows one.
    pub insn: Option<String>,
    /// libbpf's own one-line reason when there is no verifier log (e.g. "missing BPF prog type").
    pub libbpf_reason: Option<String>,
}

const TAIL_LINES: usize = 6;

impl LoadFailure {
    /// Whether the verifier ran: a log that is only its summary of zero instructions is no verdict (the kernel
    /// refused before verifying: an LSM, a policy on the attach target), and then the errno says what it was.
    pub fn verified(&self) -> bool {
        !self
            .log
            .iter()
            .all(|l| l.trim().is_empty() || l.starts_with("processed 0 insns"))
    }
}

/// Reads libbpf's warnings from a failed load.
pub fn explain(messages: &[String]) -> LoadFailure {
    let mut failure = LoadFailure {
        program: None,
        tail: Vec::new(),
        log: Vec::new(),
        insn: None,
        libbpf_reason: None,
    };
    for msg in messages {
        if let Some(start) = msg.find("-- BEGIN PROG LOAD LOG --") {
            failure.program = program_name(msg);
            let body = &msg[start + "-- BEGIN PROG LOAD LOG --".len()..];
            let body = body.split("-- END PROG LOAD LOG --").next().unwrap_or(body);
            failure.log = body
                .lines()
                .map(str::to_string)
                .filter(|l| !l.is_empty())
                .collect();
        } else if failure.libbpf_reason.is_none()
            && failure.log.is_empty()
            && msg.contains("prog '")
        {
            failure.program = program_name(msg);
            failure.libbpf_reason = Some(strip_prefix(msg));
        }
    }
    let meaningful: Vec<&String> = failure.log.iter().filter(|l| is_meaningful(l)).collect();
    failure.tail = meaningful
        .iter()
        .skip(meaningful.len().saturating_sub(TAIL_LINES))
        .map(|l| l.to_string())
        .collect();
    failure.insn = failure
        .log
        .iter()
        .rev()
        .find(|l| is_insn_line(l))
        .map(|l| l.split(" ; ").next().unwrap_or(l).trim_end().to_string());
    failure
}

/// The verifier's verdict: the last meaningful line that is not an instruction or a source comment.
pub fn verdict(failure: &LoadFailure) -> Option<&str> {
    failure
        .tail
        .iter()
        .rev()
        .find(|l| !is_insn_line(l) && !l.starts_with(';') && !l.contains("R10=fp0"))
        .map(String::as_str)
}

fn program_name(msg: &str) -> Option<String> {
    let start = msg.find("prog '")? + "prog '".len();
    let end = start + msg[start..].find('\'')?;
    Some(msg[start..end].to_string())
}

fn strip_prefix(msg: &str) -> String {
    let msg = msg.strip_prefix("libbpf: ").unwrap_or(msg);
    match msg.find("': ") {
        Some(i) if msg.starts_with("prog '") => msg[i + 3..].trim().to_string(),
        _ => msg.trim().to_string(),
    }
}

/// Statistics and timing lines say nothing about the failure.
fn is_meaningful(line: &str) -> bool {
    let line = line.trim();
    !(line.is_empty()
        || line.starts_with("processed ")
        || line.starts_with("verification time")
        || line.starts_with("stack depth")
        || line.starts_with("-- "))
}

/// "12: (85) call ..." — an instruction the verifier walked.
fn is_insn_line(line: &str) -> bool {
    let Some((num, rest)) = line.split_once(": ") else {
        return false;
    };
    !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()) && rest.starts_with('(')
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "libbpf: prog 'bad_read': -- BEGIN PROG LOAD LOG --\n\
        0: R1=ctx() R10=fp0\n\
        ; return *(int *)0; @ x.c:9\n\
        0: (b7) r1 = 0                        ; R1_w=0\n\
        1: (61) r0 = *(u32 *)(r1 +0)\n\
        R1 invalid mem access 'scalar'\n\
        processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n\
        -- END PROG LOAD LOG --";

    #[test]
    fn finds_program_verdict_and_instruction() {
        let f = explain(&[
            LOG.to_string(),
            "libbpf: prog 'bad_read': failed to load: -13".into(),
        ]);
        assert_eq!(f.program.as_deref(), Some("bad_read"));
        assert_eq!(verdict(&f), Some("R1 invalid mem access 'scalar'"));
        assert_eq!(f.insn.as_deref(), Some("1: (61) r0 = *(u32 *)(r1 +0)"));
        assert!(!f.tail.iter().any(|l| l.starts_with("processed")));
    }

    #[test]
    fn a_log_of_zero_instructions_is_no_verdict() {
        let refused = explain(&[
            "libbpf: prog 'map_iter': BPF program load failed: -EPERM".into(),
            "libbpf: prog 'map_iter': -- BEGIN PROG LOAD LOG --\nprocessed 0 insns (limit 1000000) \
             max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n-- END PROG LOAD LOG --"
                .into(),
        ]);
        assert_eq!(refused.program.as_deref(), Some("map_iter"));
        assert!(!refused.verified());
        assert!(explain(&[LOG.to_string()]).verified());
    }

    #[test]
    fn libbpf_reason_without_log() {
        let f = explain(&[
            "libbpf: prog 'p': missing BPF prog type, check ELF section name 'foo'".into(),
        ]);
        assert_eq!(f.program.as_deref(), Some("p"));
        assert_eq!(
            f.libbpf_reason.as_deref(),
            Some("missing BPF prog type, check ELF section name 'foo'")
        );
    }
}
