//! The files the fs workloads read: made once under `target/weft-bench/data/`, reused while
//! their size is right. Every 4 KiB block starts with its index (u64 LE) and is then filled
//! with the index's low byte, so any read can be checked against its offset.

use std::io::Write;
use std::path::PathBuf;

/// Block size of the pattern (and of the random reads).
pub const BLOCK: usize = 4096;

/// The byte the pattern has at `pos`.
pub fn byte_at(pos: u64) -> u8 {
    let block = pos / BLOCK as u64;
    let within = (pos % BLOCK as u64) as usize;
    if within < 8 {
        block.to_le_bytes()[within]
    } else {
        block as u8
    }
}

/// Checks that `buf`, read at file offset `pos`, holds the pattern (first byte of every block
/// and the buffer's first and last bytes, which is enough to catch a wrong offset or length).
pub fn check(buf: &[u8], pos: u64) -> Result<(), String> {
    if buf.is_empty() {
        return Ok(());
    }
    let mut probes = vec![0, buf.len() - 1];
    let first_block_start = (BLOCK - (pos as usize % BLOCK)) % BLOCK;
    probes.extend((first_block_start..buf.len()).step_by(BLOCK));
    for i in probes {
        let want = byte_at(pos + i as u64);
        if buf[i] != want {
            return Err(format!(
                "byte at offset {} is {:#x}, expected {want:#x}",
                pos + i as u64,
                buf[i]
            ));
        }
    }
    Ok(())
}

/// Path of the pattern file of `bytes` bytes, created if missing or of the wrong size.
pub fn pattern_file(bytes: usize) -> Result<PathBuf, String> {
    let dir = data_dir()?;
    let path = dir.join(format!("pattern-{bytes}.bin"));
    if std::fs::metadata(&path)
        .map(|m| m.len() == bytes as u64)
        .unwrap_or(false)
    {
        return Ok(path);
    }
    // Write to a temporary name and rename, so a concurrent or interrupted run never sees a
    // half-written file under the final name.
    let tmp = dir.join(format!("pattern-{bytes}.{}.tmp", std::process::id()));
    let err = |e: std::io::Error| format!("writing {}: {e}", tmp.display());
    let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp).map_err(err)?);
    let mut block = vec![0u8; BLOCK];
    for b in 0..bytes.div_ceil(BLOCK) {
        let start = (b * BLOCK) as u64;
        block
            .iter_mut()
            .enumerate()
            .for_each(|(i, x)| *x = byte_at(start + i as u64));
        let len = BLOCK.min(bytes - b * BLOCK);
        f.write_all(&block[..len]).map_err(err)?;
    }
    f.into_inner()
        .map_err(|e| err(e.into_error()))?
        .sync_all()
        .map_err(err)?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("renaming {}: {e}", tmp.display()))?;
    Ok(path)
}

/// `target/weft-bench/data`, created.
pub fn data_dir() -> Result<PathBuf, String> {
    let dir = crate::report::target_dir().join("weft-bench").join("data");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    Ok(dir)
}

/// A fresh, empty directory for one run of the small-files workload.
pub fn scratch_dir(tag: &str) -> Result<PathBuf, String> {
    let dir = data_dir()?.join(format!("small-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    Ok(dir)
}

/// The offset of random read `i` of task `t` in a file of `bytes` bytes (4 KiB aligned, the
/// same sequence on every runtime).
pub fn random_offset(t: usize, i: usize, bytes: usize) -> u64 {
    let blocks = (bytes / BLOCK).max(1) as u64;
    let h = ((t as u64) << 32 | i as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(29);
    (h % blocks) * BLOCK as u64
}
