//! The binary form of a manifest: compact and quick to read and write at a million files.
//!
//! ```text
//! "dossier files\n" 1                  magic and version
//! source, settings                     each a varint length and its bytes
//! count                                varint
//! per file, in walk order:
//!   shared, suffix length, suffix      the path, front-coded against the one before
//!   size, modified                     varints
//!   hash                               16 bytes, little-endian
//!   companies                          varint count, then each a varint
//! checksum                             xxh3-64 of everything before, 8 bytes
//! ```
//!
//! Walk order is the byte order of the paths with `/` before any other byte (see
//! `list::walk_order`); files of version 1 written in plain byte order read the same.
//! Sorted paths share most of their bytes with the one before (`copy001/bbc/business/`),
//! so a million files take some 40 MB where the JSON took 130 MB. The checksum tells a
//! damaged or cut file from a valid one before anything is used.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};

use super::{FileList, FileRef, Manifest};

const MAGIC: &[u8] = b"dossier files\n";
const VERSION: u8 = 1;
const CHECKSUM_BYTES: usize = 8;

/// Writes `manifest` in the binary form.
pub(super) fn encode(manifest: &Manifest, out: &mut impl Write) -> io::Result<()> {
    let mut out = Checksummed::new(out);
    out.write_all(MAGIC)?;
    out.write_all(&[VERSION])?;
    write_bytes(&mut out, &path_bytes(&manifest.source))?;
    write_bytes(&mut out, manifest.settings.as_bytes())?;
    let sorted = manifest.files.in_walk_order();
    write_varint(&mut out, sorted.len() as u64)?;
    let mut previous: &[u8] = &[];
    for (path, state) in sorted.iter() {
        let path = path.as_bytes();
        let shared = previous
            .iter()
            .zip(path)
            .take_while(|(a, b)| a == b)
            .count();
        write_varint(&mut out, shared as u64)?;
        write_bytes(&mut out, &path[shared..])?;
        write_varint(&mut out, state.size)?;
        write_varint(&mut out, state.modified)?;
        out.write_all(&state.hash.to_le_bytes())?;
        write_varint(&mut out, state.companies.len() as u64)?;
        for &company in state.companies {
            write_varint(&mut out, u64::from(company))?;
        }
        previous = path;
    }
    let checksum = out.hasher.digest();
    out.inner.write_all(&checksum.to_le_bytes())
}

/// Reads a manifest written by [`encode`]; an error for anything else, damaged or cut.
pub(super) fn decode(bytes: &[u8]) -> Result<Manifest> {
    if bytes.len() < MAGIC.len() + 1 + CHECKSUM_BYTES || !bytes.starts_with(MAGIC) {
        bail!("it is not a dossier file list");
    }
    let (body, checksum) = bytes.split_at(bytes.len() - CHECKSUM_BYTES);
    let checksum = u64::from_le_bytes(checksum.try_into().expect("eight bytes split off"));
    if xxhash_rust::xxh3::xxh3_64(body) != checksum {
        bail!("it is damaged (its checksum does not match)");
    }
    let mut input = Input {
        bytes: &body[MAGIC.len()..],
    };
    let version = input.take(1)?[0];
    if version != VERSION {
        bail!("it has version {version}, this dossier reads version {VERSION}");
    }
    let source = bytes_path(input.bytes_field()?);
    let settings = String::from_utf8(input.bytes_field()?.to_vec())?;
    let count = usize::try_from(input.varint()?)?;
    // A count larger than the bytes could hold is damage, not a reason to allocate.
    let count_room = count.min(body.len() / 20);
    // Room for the paths at once (front-coded, they take more room in memory than in the
    // file): growing a 50 MB buffer by doubling copies it again and again.
    let mut files = FileList::with_capacity(count_room, body.len().saturating_mul(2));
    let mut path: Vec<u8> = Vec::new();
    let mut companies: Vec<u32> = Vec::new();
    for _ in 0..count {
        let shared = usize::try_from(input.varint()?)?;
        if shared > path.len() {
            bail!("a path is not valid");
        }
        path.truncate(shared);
        path.extend_from_slice(input.bytes_field()?);
        let size = input.varint()?;
        let modified = input.varint()?;
        let hash = u128::from_le_bytes(input.take(16)?.try_into().expect("sixteen bytes"));
        let count = input.varint()?;
        companies.clear();
        for _ in 0..count {
            companies.push(u32::try_from(input.varint()?)?);
        }
        let state = FileRef {
            size,
            modified,
            hash,
            companies: &companies,
        };
        files.insert_ref(std::str::from_utf8(&path)?, state);
    }
    // Sorted already unless written in byte order (or damaged in a way the checksum
    // missed): a path twice keeps its last state, as a map would.
    files.sort();
    if !input.bytes.is_empty() {
        bail!("it has bytes after its last file");
    }
    Ok(Manifest {
        source,
        settings,
        files,
    })
}

/// A writer that hashes what goes through it.
struct Checksummed<'a, W: Write> {
    inner: &'a mut W,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl<'a, W: Write> Checksummed<'a, W> {
    fn new(inner: &'a mut W) -> Self {
        Checksummed {
            inner,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        }
    }
}

impl<W: Write> Write for Checksummed<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub(super) fn write_varint(out: &mut impl Write, mut value: u64) -> io::Result<()> {
    let mut buf = [0u8; 10];
    let mut len = 0;
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            buf[len] = byte;
            len += 1;
            break;
        }
        buf[len] = byte | 0x80;
        len += 1;
    }
    out.write_all(&buf[..len])
}

pub(super) fn write_bytes(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    write_varint(out, bytes.len() as u64)?;
    out.write_all(bytes)
}

/// The bytes not read yet.
pub(super) struct Input<'a> {
    pub(super) bytes: &'a [u8],
}

impl<'a> Input<'a> {
    pub(super) fn take(&mut self, count: usize) -> Result<&'a [u8]> {
        if count > self.bytes.len() {
            bail!("it ends too early");
        }
        let (taken, rest) = self.bytes.split_at(count);
        self.bytes = rest;
        Ok(taken)
    }

    pub(super) fn varint(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        bail!("a number is too long")
    }

    pub(super) fn bytes_field(&mut self) -> Result<&'a [u8]> {
        let len = usize::try_from(self.varint()?)?;
        self.take(len)
    }
}

#[cfg(unix)]
fn path_bytes(path: &std::path::Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(path: &std::path::Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
fn bytes_path(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn bytes_path(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::FileState;

    fn sample() -> Manifest {
        let mut files = FileList::default();
        for (path, size, companies) in [
            ("news/a b\nc.txt", 12, vec![3, 17]),
            ("news/ab.txt", 0, vec![]),
            ("news-2/é.txt", u64::MAX, vec![u32::MAX]),
            ("z.txt", 300, vec![1]),
        ] {
            let state = FileState {
                size,
                modified: 1_700_000_000_123_456_789,
                hash: u128::MAX - size as u128,
                companies,
            };
            files.insert(path, state);
        }
        Manifest {
            source: PathBuf::from("/docs/news"),
            settings: "0123abcd".to_string(),
            files,
        }
    }

    #[test]
    fn a_manifest_reads_back_the_same() {
        let mut bytes = Vec::new();
        encode(&sample(), &mut bytes).unwrap();
        assert_eq!(decode(&bytes).unwrap(), sample());
        let empty = Manifest::default();
        let mut bytes = Vec::new();
        encode(&empty, &mut bytes).unwrap();
        assert_eq!(decode(&bytes).unwrap(), empty);
    }

    #[test]
    fn a_cut_or_changed_file_is_an_error_never_a_wrong_list() {
        let mut bytes = Vec::new();
        encode(&sample(), &mut bytes).unwrap();
        for cut in [0, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in [MAGIC.len() + 3, bytes.len() / 2, bytes.len() - 1] {
            let mut changed = bytes.clone();
            changed[at] ^= 0x20;
            assert!(decode(&changed).is_err(), "byte {at} changed");
        }
        assert!(decode(b"[").is_err());
    }
}
