//! What the monitor learns about a stalled thread from `/proc`, and the stack scan that turns
//! a copy of its stack into symbolised frames. Safe code only: memory is read through
//! `/proc/self/mem` (the kernel copies it, and an unmapped address is an error, not a fault),
//! symbols come from the executable's ELF symbol table or `dladdr`.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::sync::OnceLock;

/// How far above the stack pointer the scan looks.
const STACK_WINDOW: u64 = 256 * 1024;
/// Frames kept per backtrace.
const MAX_FRAMES: usize = 64;

/// The kernel's view of a thread.
#[derive(Clone, Debug, Default)]
pub struct KernelState {
    /// The state letter from `/proc/self/task/TID/stat` (`R`, `S`, `D`, …).
    pub state: char,
    /// The letter in words: "running", "sleeping", "disk wait", ….
    pub description: &'static str,
    /// `/proc/self/task/TID/wchan`: the kernel function it waits in ("0" if running).
    pub wchan: String,
    /// `/proc/self/task/TID/syscall`: the system call number and arguments, "running", or
    /// "-1 …" for a thread interrupted outside a call.
    pub syscall: String,
}

impl KernelState {
    /// The user-space stack and instruction pointers if the thread is in a system call.
    fn syscall_sp_pc(&self) -> Option<(u64, u64)> {
        let mut fields = self.syscall.split_whitespace();
        let nr: i64 = fields.next()?.parse().ok()?;
        if nr < 0 {
            return None;
        }
        let rest: Vec<&str> = fields.collect();
        if rest.len() < 2 {
            return None;
        }
        let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok();
        Some((hex(rest[rest.len() - 2])?, hex(rest[rest.len() - 1])?))
    }
}

pub(crate) fn kernel_state(tid: i32) -> KernelState {
    let dir = format!("/proc/self/task/{tid}");
    let stat = std::fs::read_to_string(format!("{dir}/stat")).unwrap_or_default();
    // The command name may contain spaces and parentheses: the state follows the last ')'.
    let state = stat
        .rfind(')')
        .and_then(|i| stat[i + 1..].trim_start().chars().next())
        .unwrap_or('?');
    let description = match state {
        'R' => "running",
        'S' => "sleeping",
        'D' => "disk wait (uninterruptible)",
        'T' | 't' => "stopped",
        'Z' => "zombie",
        'I' => "idle",
        _ => "unknown",
    };
    let read = |f: &str| {
        std::fs::read_to_string(format!("{dir}/{f}"))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    KernelState {
        state,
        description,
        wchan: read("wchan"),
        syscall: read("syscall"),
    }
}

/// One frame of a captured backtrace.
#[derive(Clone, Debug)]
pub struct Frame {
    /// The instruction address (for frames above the first, a return address).
    pub addr: u64,
    /// The demangled function name, if a symbol covers the address.
    pub symbol: Option<String>,
}

/// A backtrace of a stalled thread, captured while it stalled.
#[derive(Clone, Debug, Default)]
pub struct Backtrace {
    /// How it was obtained (see `docs/observability.md`).
    pub method: &'static str,
    /// Innermost first.
    pub frames: Vec<Frame>,
}

impl Backtrace {
    /// True if some frame's symbol contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.frames
            .iter()
            .any(|f| f.symbol.as_deref().is_some_and(|s| s.contains(needle)))
    }
}

struct Mapping {
    start: u64,
    end: u64,
    exec: bool,
    offset: u64,
    path: String,
}

fn mappings() -> Vec<Mapping> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    maps.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let range = f.next()?;
            let perms = f.next()?;
            let offset = u64::from_str_radix(f.next()?, 16).ok()?;
            let _dev = f.next()?;
            let _inode = f.next()?;
            let path = f.collect::<Vec<_>>().join(" ");
            let (a, b) = range.split_once('-')?;
            Some(Mapping {
                start: u64::from_str_radix(a, 16).ok()?,
                end: u64::from_str_radix(b, 16).ok()?,
                exec: perms.as_bytes().get(2) == Some(&b'x'),
                offset,
                path,
            })
        })
        .collect()
}

fn read_mem(mem: &File, addr: u64, buf: &mut [u8]) -> bool {
    mem.read_exact_at(buf, addr).is_ok()
}

/// Whether the bytes before `ret` end with a call instruction (so `ret` is a return address).
fn follows_call(mem: &File, ret: u64) -> bool {
    let mut b = [0u8; 7];
    if ret < 7 || !read_mem(mem, ret - 7, &mut b) {
        return false;
    }
    // call rel32
    b[2] == 0xE8
        // call r/m64 (FF /2) with 0, 1, 4 or 5 bytes after the ModRM byte
        || (b[5] == 0xFF && (b[6] >> 3) & 7 == 2 && (b[6] >> 6 == 3 || b[6] >> 6 == 0))
        || (b[4] == 0xFF && (b[5] >> 3) & 7 == 2 && b[5] >> 6 == 1)
        || (b[4] == 0xFF && (b[5] >> 3) & 7 == 2 && b[5] >> 6 == 0)
        || (b[3] == 0xFF && (b[4] >> 3) & 7 == 2 && b[4] >> 6 == 1)
        || (b[1] == 0xFF && (b[2] >> 3) & 7 == 2)
        || (b[0] == 0xFF && (b[1] >> 3) & 7 == 2)
}

/// Scans the stack above `sp` for return addresses (words that point into executable
/// mappings just after a call instruction), starting with `pc`. Frames from stale stack
/// slots can appear; a frame the thread is in cannot be missed unless the window is too small.
pub(crate) fn scan(sp: u64, pc: u64, method: &'static str) -> Backtrace {
    let maps = mappings();
    let Ok(mem) = File::open("/proc/self/mem") else {
        return Backtrace {
            method,
            frames: Vec::new(),
        };
    };
    let in_exec = |a: u64| maps.iter().find(|m| m.exec && m.start <= a && a < m.end);
    let Some(stack) = maps.iter().find(|m| m.start <= sp && sp < m.end) else {
        return Backtrace {
            method,
            frames: vec![symbolize(&maps, pc)],
        };
    };
    let len = (stack.end - sp).min(STACK_WINDOW) as usize & !7;
    let mut copy = vec![0u8; len];
    let mut frames = vec![symbolize(&maps, pc)];
    if read_mem(&mem, sp, &mut copy) {
        for word in copy.chunks_exact(8) {
            let a = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            if in_exec(a).is_some() && follows_call(&mem, a) {
                frames.push(symbolize(&maps, a));
                if frames.len() >= MAX_FRAMES {
                    break;
                }
            }
        }
    }
    Backtrace { method, frames }
}

/// Reads the thread's stack and instruction pointers from `/proc` (blocked in a system call)
/// or from the capture signal (running), and scans its stack.
pub(crate) fn capture(tid: i32, state: &KernelState) -> Backtrace {
    if let Some((sp, pc)) = state.syscall_sp_pc() {
        return scan(sp, pc, "/proc syscall sp/pc + stack scan");
    }
    match super::sys::with_interrupted(tid, |sp, pc| scan(sp, pc, "signal sp/pc + stack scan")) {
        Some(bt) => bt,
        None => Backtrace {
            method: "unavailable (thread neither in a system call nor answering the signal)",
            frames: Vec::new(),
        },
    }
}

fn symbolize(maps: &[Mapping], addr: u64) -> Frame {
    // For a return address, look up the byte before it (the call), which is in the caller
    // even when the call is the function's last instruction.
    let lookup = addr.saturating_sub(1);
    let exe = exe_symbols();
    let symbol = maps
        .iter()
        .find(|m| m.start <= lookup && lookup < m.end && m.path == exe.path)
        .and_then(|m| exe.lookup(lookup - m.start + m.offset))
        .or_else(|| super::sys::dladdr(lookup).map(|(n, _)| n))
        .map(|s| format!("{:#}", rustc_demangle::demangle(&s)))
        .map(|s| strip_hash(&s));
    Frame { addr, symbol }
}

/// Drops the trailing `::h0123456789abcdef` of a legacy-mangled name.
fn strip_hash(s: &str) -> String {
    match s.rfind("::h") {
        Some(i) if s.len() - i == 19 && s[i + 3..].bytes().all(|b| b.is_ascii_hexdigit()) => {
            s[..i].to_owned()
        }
        _ => s.to_owned(),
    }
}

/// The executable's function symbols, by file offset.
struct ExeSymbols {
    path: String,
    /// (file offset of start, size, name), sorted by start.
    funcs: Vec<(u64, u64, String)>,
}

impl ExeSymbols {
    fn lookup(&self, file_off: u64) -> Option<String> {
        let i = self.funcs.partition_point(|f| f.0 <= file_off);
        let (start, size, name) = self.funcs.get(i.checked_sub(1)?)?;
        (file_off < start + (*size).max(1)).then(|| name.clone())
    }
}

fn exe_symbols() -> &'static ExeSymbols {
    static SYMS: OnceLock<ExeSymbols> = OnceLock::new();
    SYMS.get_or_init(|| {
        let path = std::fs::read_link("/proc/self/exe")
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let funcs = load_elf_funcs(&path).unwrap_or_default();
        ExeSymbols { path, funcs }
    })
}

fn load_elf_funcs(path: &str) -> Option<Vec<(u64, u64, String)>> {
    let mut f = File::open(path).ok()?;
    let mut eh = [0u8; 64];
    f.read_exact(&mut eh).ok()?;
    if &eh[..4] != b"\x7fELF" || eh[4] != 2 || eh[5] != 1 {
        return None;
    }
    let u16_at = |b: &[u8], o: usize| u16::from_le_bytes([b[o], b[o + 1]]);
    let u32_at = |b: &[u8], o: usize| u32::from_le_bytes(b[o..o + 4].try_into().expect("4"));
    let u64_at = |b: &[u8], o: usize| u64::from_le_bytes(b[o..o + 8].try_into().expect("8"));
    let read = |f: &mut File, off: u64, len: u64| -> Option<Vec<u8>> {
        let mut v = vec![0u8; usize::try_from(len).ok()?];
        f.seek(SeekFrom::Start(off)).ok()?;
        f.read_exact(&mut v).ok()?;
        Some(v)
    };
    // Program headers: to turn a symbol's virtual address into a file offset.
    let (phoff, phentsize, phnum) = (u64_at(&eh, 0x20), u16_at(&eh, 0x36), u16_at(&eh, 0x38));
    let ph = read(&mut f, phoff, u64::from(phentsize) * u64::from(phnum))?;
    let loads: Vec<(u64, u64, u64)> = ph
        .chunks_exact(usize::from(phentsize))
        .filter(|p| u32_at(p, 0) == 1)
        .map(|p| (u64_at(p, 0x10), u64_at(p, 0x28), u64_at(p, 8))) // vaddr, memsz, offset
        .collect();
    let to_file = |v: u64| {
        loads
            .iter()
            .find(|(va, sz, _)| *va <= v && v < va + sz)
            .map(|(va, _, off)| v - va + off)
    };
    let (shoff, shentsize, shnum) = (u64_at(&eh, 0x28), u16_at(&eh, 0x3A), u16_at(&eh, 0x3C));
    let sh = read(&mut f, shoff, u64::from(shentsize) * u64::from(shnum))?;
    let sections: Vec<&[u8]> = sh.chunks_exact(usize::from(shentsize)).collect();
    let symtab = sections.iter().find(|s| u32_at(s, 4) == 2)?;
    let strtab = sections.get(u32_at(symtab, 0x28) as usize)?;
    let syms = read(&mut f, u64_at(symtab, 0x18), u64_at(symtab, 0x20))?;
    let strs = read(&mut f, u64_at(strtab, 0x18), u64_at(strtab, 0x20))?;
    let mut funcs: Vec<(u64, u64, String)> = syms
        .chunks_exact(24)
        .filter(|s| s[4] & 0xf == 2 && u64_at(s, 8) != 0)
        .filter_map(|s| {
            let name_off = u32_at(s, 0) as usize;
            let end = strs[name_off..].iter().position(|&b| b == 0)? + name_off;
            let name = String::from_utf8_lossy(&strs[name_off..end]).into_owned();
            Some((to_file(u64_at(s, 8))?, u64_at(s, 16), name))
        })
        .collect();
    funcs.sort_unstable_by_key(|f| f.0);
    Some(funcs)
}
