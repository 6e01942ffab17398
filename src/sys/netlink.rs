//! A small rtnetlink client: dump network devices (with their IFLA_XDP state) and the filters on a clsact hook.
//! Only what `net show` needs, parsed by hand: requests are a header plus a fixed struct; replies are walked as
//! attribute lists.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const NETLINK_ROUTE: i32 = 0;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_DUMP: u16 = 0x300;
const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_NEWTFILTER: u16 = 44;
const RTM_GETTFILTER: u16 = 46;

const IFLA_IFNAME: u16 = 3;
const IFLA_XDP: u16 = 43;
const IFLA_XDP_ATTACHED: u16 = 2;
const IFLA_XDP_PROG_ID: u16 = 4;
const IFLA_XDP_DRV_PROG_ID: u16 = 5;
const IFLA_XDP_SKB_PROG_ID: u16 = 6;
const IFLA_XDP_HW_PROG_ID: u16 = 7;

const TCA_KIND: u16 = 1;
const TCA_OPTIONS: u16 = 2;
const TCA_BPF_NAME: u16 = 7;
const TCA_BPF_FLAGS: u16 = 8;
const TCA_BPF_TAG: u16 = 10;
const TCA_BPF_ID: u16 = 11;
const TCA_BPF_FLAG_ACT_DIRECT: u32 = 1;

/// Parent handles of the clsact qdisc's two hooks: TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS / EGRESS).
pub const CLSACT_INGRESS: u32 = 0xFFFF_FFF2;
pub const CLSACT_EGRESS: u32 = 0xFFFF_FFF3;

const XDP_ATTACHED_DRV: u8 = 1;
const XDP_ATTACHED_SKB: u8 = 2;
const XDP_ATTACHED_HW: u8 = 3;
const XDP_ATTACHED_MULTI: u8 = 4;

/// How an XDP program is attached to a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XdpMode {
    Driver,
    Generic,
    Offload,
}

impl XdpMode {
    /// The mode as bpftool's `net show` names it.
    pub fn name(self) -> &'static str {
        match self {
            XdpMode::Driver => "driver",
            XdpMode::Generic => "generic",
            XdpMode::Offload => "offload",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetDevice {
    pub ifindex: u32,
    pub name: String,
    /// (mode, prog id) for each XDP program on the device.
    pub xdp: Vec<(XdpMode, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcFilter {
    pub kind: String,
    pub handle: u32,
    pub priority: u16,
    /// The bpf classifier's fields (kind "bpf" only).
    pub prog_name: Option<String>,
    pub prog_id: Option<u32>,
    pub tag: Option<String>,
    pub direct_action: bool,
}

struct Socket(OwnedFd);

impl Socket {
    fn open() -> io::Result<Socket> {
        // SAFETY: plain socket(2) call.
        let fd = unsafe {
            libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                NETLINK_ROUTE,
            )
        };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: a fresh fd we own.
        Ok(Socket(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    fn send(&self, msg: &[u8]) -> io::Result<()> {
        // SAFETY: msg is a valid buffer of msg.len() bytes; the kernel is the default destination.
        let n = unsafe { libc::send(self.0.as_raw_fd(), msg.as_ptr().cast(), msg.len(), 0) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: buf is writable for buf.len() bytes.
        let n = unsafe { libc::recv(self.0.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(n as usize)
    }

    /// Sends a dump request and hands every reply message of type `want` (its payload) to `each`.
    fn dump(&self, request: &[u8], want: u16, mut each: impl FnMut(&[u8])) -> io::Result<()> {
        self.send(request)?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = self.recv(&mut buf)?;
            let mut rest = &buf[..n];
            while rest.len() >= 16 {
                let len = u32::from_ne_bytes(rest[0..4].try_into().expect("4 bytes")) as usize;
                let kind = u16::from_ne_bytes(rest[4..6].try_into().expect("2 bytes"));
                if len < 16 || len > rest.len() {
                    return Err(io::Error::from_raw_os_error(libc::EBADMSG));
                }
                match kind {
                    NLMSG_DONE => return Ok(()),
                    NLMSG_ERROR => {
                        let errno = i32::from_ne_bytes(rest[16..20].try_into().expect("4 bytes"));
                        if errno != 0 {
                            return Err(io::Error::from_raw_os_error(-errno));
                        }
                    }
                    k if k == want => each(&rest[16..len]),
                    _ => {}
                }
                rest = &rest[align4(len).min(rest.len())..];
            }
        }
    }
}

fn align4(n: usize) -> usize {
    (n + 3) & !3
}

fn request(kind: u16, body: &[u8]) -> Vec<u8> {
    let len = 16 + body.len();
    let mut msg = Vec::with_capacity(len);
    msg.extend_from_slice(&(len as u32).to_ne_bytes());
    msg.extend_from_slice(&kind.to_ne_bytes());
    msg.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    msg.extend_from_slice(&1u32.to_ne_bytes()); // seq
    msg.extend_from_slice(&0u32.to_ne_bytes()); // pid: the kernel
    msg.extend_from_slice(body);
    msg
}

/// Walks a netlink attribute list: (type without the nested/byteorder bits, payload).
fn attrs(mut data: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        if data.len() < 4 {
            return None;
        }
        let len = u16::from_ne_bytes([data[0], data[1]]) as usize;
        let kind = u16::from_ne_bytes([data[2], data[3]]) & 0x3fff;
        if len < 4 || len > data.len() {
            return None;
        }
        let payload = &data[4..len];
        data = &data[align4(len).min(data.len())..];
        Some((kind, payload))
    })
}

fn attr_u32(payload: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(payload.get(..4)?.try_into().ok()?))
}

fn attr_str(payload: &[u8]) -> String {
    let end = payload
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(payload.len());
    String::from_utf8_lossy(&payload[..end]).into_owned()
}

/// Every network device in this network namespace, with its XDP programs.
pub fn devices() -> io::Result<Vec<NetDevice>> {
    let sock = Socket::open()?;
    let ifinfomsg = [0u8; 16]; // family AF_UNSPEC, every device
    let mut devices = Vec::new();
    sock.dump(&request(RTM_GETLINK, &ifinfomsg), RTM_NEWLINK, |payload| {
        if let Some(dev) = parse_link(payload) {
            devices.push(dev);
        }
    })?;
    Ok(devices)
}

fn parse_link(payload: &[u8]) -> Option<NetDevice> {
    let ifindex = i32::from_ne_bytes(payload.get(4..8)?.try_into().ok()?) as u32;
    let mut dev = NetDevice {
        ifindex,
        name: String::new(),
        xdp: Vec::new(),
    };
    for (kind, data) in attrs(payload.get(16..)?) {
        match kind {
            IFLA_IFNAME => dev.name = attr_str(data),
            IFLA_XDP => dev.xdp = parse_xdp(data),
            _ => {}
        }
    }
    Some(dev)
}

fn parse_xdp(data: &[u8]) -> Vec<(XdpMode, u32)> {
    let mut attached = 0u8;
    let (mut prog, mut drv, mut skb, mut hw) = (0, 0, 0, 0);
    for (kind, payload) in attrs(data) {
        match kind {
            IFLA_XDP_ATTACHED => attached = payload.first().copied().unwrap_or(0),
            IFLA_XDP_PROG_ID => prog = attr_u32(payload).unwrap_or(0),
            IFLA_XDP_DRV_PROG_ID => drv = attr_u32(payload).unwrap_or(0),
            IFLA_XDP_SKB_PROG_ID => skb = attr_u32(payload).unwrap_or(0),
            IFLA_XDP_HW_PROG_ID => hw = attr_u32(payload).unwrap_or(0),
            _ => {}
        }
    }
    match attached {
        XDP_ATTACHED_DRV => vec![(XdpMode::Driver, prog)],
        XDP_ATTACHED_SKB => vec![(XdpMode::Generic, prog)],
        XDP_ATTACHED_HW => vec![(XdpMode::Offload, prog)],
        // Several modes at once: the kernel reports each mode's program separately.
        XDP_ATTACHED_MULTI => [
            (XdpMode::Generic, skb),
            (XdpMode::Driver, drv),
            (XdpMode::Offload, hw),
        ]
        .into_iter()
        .filter(|&(_, id)| id != 0)
        .collect(),
        _ => Vec::new(),
    }
}

/// The filters on one hook (`parent`, e.g. CLSACT_INGRESS) of device `ifindex`. A device without a clsact qdisc
/// has none (the kernel answers EINVAL or ENOENT, which is read as "no filters").
pub fn tc_filters(ifindex: u32, parent: u32) -> io::Result<Vec<TcFilter>> {
    let sock = Socket::open()?;
    let mut tcmsg = [0u8; 20];
    tcmsg[4..8].copy_from_slice(&(ifindex as i32).to_ne_bytes());
    tcmsg[12..16].copy_from_slice(&parent.to_ne_bytes());
    let mut filters = Vec::new();
    let result = sock.dump(
        &request(RTM_GETTFILTER, &tcmsg),
        RTM_NEWTFILTER,
        |payload| {
            if let Some(f) = parse_filter(payload) {
                filters.push(f);
            }
        },
    );
    match result {
        Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOENT)) => Ok(Vec::new()),
        Err(e) => Err(e),
        Ok(()) => Ok(filters),
    }
}

fn parse_filter(payload: &[u8]) -> Option<TcFilter> {
    let handle = u32::from_ne_bytes(payload.get(8..12)?.try_into().ok()?);
    let info = u32::from_ne_bytes(payload.get(16..20)?.try_into().ok()?);
    let mut filter = TcFilter {
        kind: String::new(),
        handle,
        priority: (info >> 16) as u16,
        prog_name: None,
        prog_id: None,
        tag: None,
        direct_action: false,
    };
    let mut options = None;
    for (kind, data) in attrs(payload.get(20..)?) {
        match kind {
            TCA_KIND => filter.kind = attr_str(data),
            TCA_OPTIONS => options = Some(data),
            _ => {}
        }
    }
    // The dump also lists each priority's chain head without options; only real filters carry TCA_OPTIONS.
    let options = options?;
    if filter.kind == "bpf" {
        for (kind, data) in attrs(options) {
            match kind {
                TCA_BPF_NAME => filter.prog_name = Some(attr_str(data)),
                TCA_BPF_ID => filter.prog_id = attr_u32(data),
                TCA_BPF_TAG => filter.tag = Some(crate::fastfmt::hex_string(data)),
                TCA_BPF_FLAGS => {
                    filter.direct_action =
                        attr_u32(data).unwrap_or(0) & TCA_BPF_FLAG_ACT_DIRECT != 0
                }
                _ => {}
            }
        }
    }
    Some(filter)
}

/// The ifindex of device `name` in this network namespace.
pub fn ifindex_of(name: &str) -> io::Result<u32> {
    let c = std::ffi::CString::new(name).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: c is NUL-terminated.
    let idx = unsafe { libc::if_nametoindex(c.as_ptr()) };
    if idx == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_walk_stops_on_truncation() {
        let mut data = Vec::new();
        data.extend_from_slice(&8u16.to_ne_bytes());
        data.extend_from_slice(&3u16.to_ne_bytes());
        data.extend_from_slice(b"lo\0\0");
        data.extend_from_slice(&[200, 0, 1, 0]); // claims 200 bytes
        let all: Vec<_> = attrs(&data).collect();
        assert_eq!(all, vec![(3, &b"lo\0\0"[..])]);
    }

    #[test]
    fn loopback_is_listed() {
        let devs = devices().expect("rtnetlink dump");
        assert!(
            devs.iter().any(|d| d.name == "lo" && d.ifindex == 1),
            "{devs:?}"
        );
    }
}
