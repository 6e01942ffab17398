//! What `gen skeleton` and `gen subskeleton` describe, gathered the way libbpf will see the object at run time:
//! it is opened by libbpf under the skeleton's name (so internal maps get the names the skeleton must give them)
//! and its data sections are read from the BTF libbpf fixed up at open (offsets and sizes the compiler left 0).

use std::path::Path;

use crate::btf::{Btf, DeclWriter, Kind};
use crate::error::{Error, ErrorKind, Result};
use crate::sys::object::OpenMapFacts;

/// BTF_VAR_STATIC: static variables are the object's own business and stay out of a skeleton.
const VAR_STATIC: u32 = 0;

#[derive(Debug)]
pub struct Skeleton {
    /// The C identifier everything is named after (`struct NAME`, `NAME__open`).
    pub name: String,
    pub maps: Vec<SkelMap>,
    pub progs: Vec<String>,
    /// One per memory-mapped data map, in map order.
    pub datasecs: Vec<DataSec>,
    /// The object file, embedded as the skeleton's ELF bytes.
    pub elf: Vec<u8>,
}

#[derive(Debug)]
pub struct SkelMap {
    /// libbpf's name for the map in this object ("name.rodata" for data maps).
    pub name: String,
    /// The section a data map holds (".rodata"): how a subskeleton finds it in whatever object links it in.
    pub section: Option<String>,
    /// Its member name in `maps` (`rodata`, `data_custom`, or the map's own name).
    pub ident: String,
    /// A data map the skeleton memory-maps (`mmaped` points at its DataSec struct).
    pub mmaped: bool,
    /// A struct_ops map, which the skeleton attaches (libbpf 1.5's `bpf_map_skeleton.link`).
    pub struct_ops: bool,
    /// A struct_ops map's shadow type (bpftool 7.5+): its struct as the loader may change it before load.
    pub shadow: Option<Shadow>,
}

/// A struct_ops map's value as a skeleton exposes it (`skel->struct_ops.NAME`): scalar members as themselves,
/// function pointers as the `struct bpf_program *` libbpf puts there, anything else opaque bytes, at the
/// members' own offsets.
#[derive(Debug)]
pub struct Shadow {
    /// The struct's name in BTF (`tcp_congestion_ops`).
    pub type_name: String,
    /// Member declarations, without indentation or `;`.
    pub members: Vec<String>,
}

#[derive(Debug)]
pub struct DataSec {
    pub ident: String,
    pub vars: Vec<DataVar>,
}

#[derive(Debug)]
pub struct DataVar {
    pub name: String,
    /// Bytes of padding to declare before it (layout assumes 32-bit alignment at most, as bpftool, so the struct
    /// is right on any host).
    pub pad_before: u32,
    /// `TYPE NAME` for the skeleton (const/volatile stripped except in .kconfig).
    pub decl: String,
    /// `TYPE *NAME` (or `typeof(TYPE[N]) *NAME` for arrays) for the subskeleton.
    pub pointer_decl: String,
    pub size: u64,
}

/// The data sections a skeleton knows by name; other internal maps (arena, custom kinds) are not mapped.
const DATA_SECTIONS: [&str; 4] = [".data", ".rodata", ".bss", ".kconfig"];

/// C identifier from any text: every byte that cannot appear in one becomes '_'.
pub fn sanitize(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `name NAME` or the object file's name without ".o", as bpftool derives it ("x.bpf.o" → "x_bpf").
pub fn skeleton_name(path: &Path, given: Option<&str>) -> Result<String> {
    if let Some(name) = given {
        let ok = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                name,
                "not a C identifier (letters, digits and '_', not starting with a digit)",
            ));
        }
        return Ok(name.to_string());
    }
    let base = path
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    Ok(sanitize(base.strip_suffix(".o").unwrap_or(&base)))
}

pub fn gather(path: &Path, name: &str) -> Result<Skeleton> {
    let label = path.display().to_string();
    let elf = crate::loader::read_object_file(path)?;
    let mut builder = libbpf_rs::ObjectBuilder::default();
    builder.name(name).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            name,
            format!("bad object name: {e}"),
        )
    })?;
    crate::sys::libbpf_log::take();
    let open = builder.open_memory(&elf).map_err(|e| {
        let said = crate::sys::libbpf_log::take().pop().unwrap_or_default();
        let said = said.trim().trim_start_matches("libbpf: ");
        Error::new(
            ErrorKind::InvalidInput,
            &label,
            format!(
                "libbpf cannot open it: {} {said}",
                crate::sys::libbpf_reason(&e)
            )
            .trim_end(),
        )
    })?;
    let progs = open
        .progs()
        .map(|p| p.name().to_string_lossy().into_owned())
        .collect();
    let facts = crate::sys::object::open_map_facts(&open);
    let btf = crate::sys::object::open_object_raw_btf(&open)
        .map(|raw| Btf::parse(&raw))
        .transpose()
        .map_err(|e| Error::new(ErrorKind::InvalidInput, &label, format!("bad BTF: {e}")))?;
    let mut maps = Vec::new();
    for fact in facts {
        let value_type = fact.btf_value_type_id;
        let Some(mut map) = skel_map(fact) else {
            continue;
        };
        if let (true, Some(btf), 1..) = (map.struct_ops, btf.as_ref(), value_type) {
            map.shadow = Some(shadow(btf, value_type).map_err(|e| {
                Error::invalid(&label, format!("struct_ops map {}: {e}", map.name))
            })?);
        }
        maps.push(map);
    }
    let datasecs = maps
        .iter()
        .filter(|m| m.mmaped)
        .map(|m| data_sec(btf.as_ref(), m, &label))
        .collect::<Result<_>>()?;
    Ok(Skeleton {
        name: name.to_string(),
        maps,
        progs,
        datasecs,
        elf,
    })
}

/// How the skeleton names a map, or None for an internal map it cannot name (which it then leaves out).
fn skel_map(m: OpenMapFacts) -> Option<SkelMap> {
    if !m.internal {
        return Some(SkelMap {
            ident: sanitize(&m.name),
            section: None,
            mmaped: false,
            struct_ops: m.map_type == libbpf_sys::BPF_MAP_TYPE_STRUCT_OPS,
            shadow: None,
            name: m.name,
        });
    }
    let at = DATA_SECTIONS.iter().filter_map(|s| m.name.find(s)).min()?;
    let section = m.name[at..].to_string();
    Some(SkelMap {
        ident: sanitize(&section[1..]),
        mmaped: m.map_flags & libbpf_sys::BPF_F_MMAPABLE != 0,
        struct_ops: false,
        shadow: None,
        section: Some(section),
        name: m.name,
    })
}

/// The shadow type of a struct_ops map whose value is struct `id`, member by member as bpftool 7.5+ writes it:
/// scalars (integers, floats, enums; modifiers and typedefs resolved), function pointers as programs, other
/// members as `__unsupported_N` bytes (declaring their types could clash between two skeletons), and padding
/// wherever the next member starts later.
fn shadow(btf: &Btf, id: u32) -> crate::btf::Result<Shadow> {
    let ty = btf.get(id)?;
    let mut decls = DeclWriter::new(btf);
    let (mut members, mut next) = (Vec::new(), 0u64);
    for (i, m) in ty.members().enumerate() {
        let resolved = btf.skip_modifiers(m.type_id, true)?;
        let offset = u64::from(m.bit_offset / 8);
        if next < offset {
            members.push(format!("char __padding_{i}[{}]", offset - next));
        }
        let (decl, size) = match btf.get(resolved)?.kind() {
            Kind::Int | Kind::Float | Kind::Enum | Kind::Enum64 => (
                decls.decl(resolved, m.name, 3, false)?,
                btf.resolve_size(resolved)?,
            ),
            // A pointer's size in user space: the skeleton is compiled for the host.
            Kind::Ptr if is_func_ptr(btf, resolved)? => (
                format!("struct bpf_program *{}", m.name),
                std::mem::size_of::<usize>() as u64,
            ),
            _ => {
                let size = btf.resolve_size(m.type_id)?;
                (format!("char __unsupported_{i}[{size}]"), size)
            }
        };
        members.push(decl);
        next = offset + size;
    }
    let size = btf.resolve_size(id)?;
    if next < size {
        members.push(format!("char __padding_end[{}]", size - next));
    }
    Ok(Shadow {
        type_name: ty.name().to_string(),
        members,
    })
}

/// Whether pointer type `ptr` points (through modifiers and typedefs) at a function prototype.
fn is_func_ptr(btf: &Btf, ptr: u32) -> crate::btf::Result<bool> {
    let target = btf.skip_modifiers(btf.get(ptr)?.type_id(), true)?;
    Ok(btf.get(target)?.kind() == Kind::FuncProto)
}

/// The variables of a data map's DATASEC (none when the BTF has no such section, e.g. a map of compiler
/// string constants only: the skeleton still maps it, as an empty struct).
fn data_sec(btf: Option<&Btf>, map: &SkelMap, label: &str) -> Result<DataSec> {
    let mut sec = DataSec {
        ident: map.ident.clone(),
        vars: Vec::new(),
    };
    let section = map.section.as_deref().unwrap_or_default();
    let Some(btf) = btf else {
        return Ok(sec);
    };
    let Some(id) = btf.find_by_name(section, Kind::Datasec) else {
        return Ok(sec);
    };
    let bad = |why: String| Error::new(ErrorKind::InvalidInput, label, format!("{section}: {why}"));
    let mut decls = DeclWriter::new(btf);
    let keep_mods = section == ".kconfig";
    let mut end = 0u32;
    for info in btf.get(id).map_err(|e| bad(e.to_string()))?.datasec_vars() {
        let var = btf.get(info.type_id).map_err(|e| bad(e.to_string()))?;
        if var.kind() != Kind::Var || var.var_linkage() == VAR_STATIC {
            continue;
        }
        if info.offset < end {
            return Err(bad(format!(
                "variable {} overlaps the one before it",
                var.name()
            )));
        }
        let ty = var.type_id();
        let align = btf
            .align_of(ty)
            .map_err(|e| bad(e.to_string()))?
            .clamp(1, 4);
        let aligned = end.div_ceil(align) * align;
        let name = sanitize(var.name());
        let decl = decls
            .decl(ty, &name, 2, !keep_mods)
            .map_err(|e| bad(e.to_string()))?;
        let pointer_decl = if btf.get(ty).is_ok_and(|t| t.kind() == Kind::Array) {
            let bare = decls
                .decl(ty, "", 2, !keep_mods)
                .map_err(|e| bad(e.to_string()))?;
            format!("typeof({bare}) *{name}")
        } else {
            decls
                .decl(ty, &format!("*{name}"), 2, !keep_mods)
                .map_err(|e| bad(e.to_string()))?
        };
        sec.vars.push(DataVar {
            pad_before: if aligned == info.offset {
                0
            } else {
                info.offset - end
            },
            size: btf.resolve_size(ty).map_err(|e| bad(e.to_string()))?,
            name,
            decl,
            pointer_decl,
        });
        end = info.offset.saturating_add(info.size);
    }
    Ok(sec)
}

/// What a light skeleton (`gen skeleton -L`) is made of: the names and data sections of a skeleton and libbpf's
/// loader program for the object, whose context has one slot per map of the object and per program it loads.
pub struct Light {
    pub skel: Skeleton,
    pub image: crate::sys::loader_prog::LoaderImage,
    /// A signed skeleton's CMS signature over the loader's instructions.
    pub signature: Option<Vec<u8>>,
}

/// The loader is recorded under the skeleton's name, so its data maps are named as the skeleton names them; and
/// with `signer`, made to check its data's hash and signed.
pub fn gather_light(
    path: &Path,
    name: &str,
    signer: Option<&crate::signing::Signer>,
) -> Result<Light> {
    let skel = gather(path, name)?;
    let label = path.display().to_string();
    // From the bytes the skeleton embeds: the names checked below and the loader come from one reading.
    let image =
        crate::cmd::prog::signed::generate_from(&label, &skel.elf, None, signer.is_some(), name)?;
    // The loader writes map fds at the index libbpf gave each map: the struct must name every one, in order.
    let named = skel.maps.len() == image.maps.len()
        && skel
            .maps
            .iter()
            .zip(&image.maps)
            .all(|(s, l)| s.name == l.name);
    if !named {
        let unnamed: Vec<&str> = image
            .maps
            .iter()
            .filter(|l| !skel.maps.iter().any(|s| s.name == l.name))
            .map(|l| l.name.as_str())
            .collect();
        return Err(Error::new(
            ErrorKind::InvalidInput,
            &label,
            format!(
                "a light skeleton must name every map the loader creates, and cannot name {}",
                unnamed.join(", ")
            ),
        ));
    }
    if image.maps.is_empty() && image.programs.is_empty() {
        return Err(Error::invalid(
            &label,
            "the object has no map or program to load",
        ));
    }
    let signature = signer
        .map(|s| s.sign(&image.insns))
        .transpose()
        .map_err(|e| Error::invalid(&label, e))?;
    Ok(Light {
        skel,
        image,
        signature,
    })
}
