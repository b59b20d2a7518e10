//! Read the metadata of the files a walk found: their kind, size and modification time.
//!
//! On Unix a file is looked up relative to its folder, which is kept open while the
//! files of one folder come by. A stat by full path walks every component of the path
//! again in the kernel, and that lookup was a fifth of a no-change re-index of a million
//! files. Only metadata: nothing here opens a file.

use std::fs;
use std::io;
use std::path::Path;
use std::time::UNIX_EPOCH;

/// What kind of thing a path is, as far as the walk cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A regular file: the only kind that is read.
    File,
    /// A folder.
    Folder,
    /// A named pipe: reading it waits for a writer.
    Pipe,
    /// A socket.
    Socket,
    /// A block or character device: it may never end.
    Device,
    /// Anything else.
    Other,
}

/// The metadata the walk uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Facts {
    /// What the path is (links followed).
    pub(super) kind: Kind,
    /// Size in bytes.
    pub(super) len: u64,
    /// Modification time, nanoseconds since the Unix epoch (0 before it or unknown).
    pub(super) modified: u64,
}

impl Facts {
    /// The facts of metadata read by std.
    pub(super) fn of(meta: &fs::Metadata) -> Facts {
        let file_type = meta.file_type();
        let kind = if file_type.is_file() {
            Kind::File
        } else if file_type.is_dir() {
            Kind::Folder
        } else {
            special_kind(&file_type)
        };
        let modified = meta
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |since| {
                u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
            });
        Facts {
            kind,
            len: meta.len(),
            modified,
        }
    }
}

#[cfg(unix)]
fn special_kind(file_type: &fs::FileType) -> Kind {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        Kind::Pipe
    } else if file_type.is_socket() {
        Kind::Socket
    } else if file_type.is_block_device() || file_type.is_char_device() {
        Kind::Device
    } else {
        Kind::Other
    }
}

#[cfg(not(unix))]
fn special_kind(_: &fs::FileType) -> Kind {
    Kind::Other
}

/// The facts of `path`, following links.
pub(super) fn by_path(path: &Path) -> io::Result<Facts> {
    fs::metadata(path).map(|meta| Facts::of(&meta))
}

/// Reads files' metadata relative to the last folder it opened, for a thread that is
/// given the files of a walk in order (so one folder's files come together).
///
/// The folder is known by its path: a folder renamed or replaced while its files are
/// being looked at could answer for the old one, the same race any walk has between
/// listing a folder and reading its files. A handle serves [`LOOKUPS_PER_HANDLE`]
/// lookups at most, so the window stays as short as a batch of the walk; a lookup that
/// fails is made again by path, so a folder made anew is seen.
#[derive(Default)]
pub(super) struct Stat {
    /// The folder of the last file, its handle, and the lookups made with it.
    #[cfg(unix)]
    folder: Option<(std::path::PathBuf, std::os::fd::OwnedFd, usize)>,
}

/// Lookups one folder handle serves before the folder is opened again: a batch of the
/// walk.
#[cfg(unix)]
const LOOKUPS_PER_HANDLE: usize = 256;

impl Stat {
    /// The facts of `path`, following links: the same answer as [`by_path`], errors too.
    pub(super) fn facts(&mut self, path: &Path) -> io::Result<Facts> {
        #[cfg(unix)]
        if let Some(facts) = self.relative(path) {
            return facts;
        }
        by_path(path)
    }

    /// The facts of `path` by its name in its open folder; None when the folder cannot be
    /// opened or the lookup fails, so the stat by path gives its answer or the usual error.
    #[cfg(unix)]
    // The stat's field types differ between targets (`c_long`, `i64`, `u32`): the
    // conversions are needed on some of them.
    #[allow(clippy::useless_conversion)]
    fn relative(&mut self, path: &Path) -> Option<io::Result<Facts>> {
        use rustix::fs::{AtFlags, FileType, Mode, OFlags};

        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;

        // The walk joins a name onto its folder, so the folder is what comes before the
        // last `/`; `Path::parent` parses every component, which cost more than the stat.
        let bytes = path.as_os_str().as_bytes();
        // A path the system would refuse whole (ENAMETOOLONG) is refused as before.
        if bytes.len() >= PATH_MAX {
            return None;
        }
        let slash = bytes.iter().rposition(|&byte| byte == b'/')?;
        let (parent, name) = (&bytes[..slash], &bytes[slash + 1..]);
        if parent.is_empty() || name.is_empty() || name == b"." || name == b".." {
            return None;
        }
        let (parent, name) = (
            Path::new(OsStr::from_bytes(parent)),
            OsStr::from_bytes(name),
        );
        let reusable = matches!(&self.folder, Some((open, _, lookups))
            if open.as_os_str() == parent.as_os_str() && *lookups < LOOKUPS_PER_HANDLE);
        if !reusable {
            self.folder = None;
            // O_PATH: a handle for lookups only, which needs no read permission.
            #[cfg(any(target_os = "linux", target_os = "android"))]
            let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
            #[cfg(not(any(target_os = "linux", target_os = "android")))]
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let handle = rustix::fs::open(parent, flags, Mode::empty()).ok()?;
            self.folder = Some((parent.to_path_buf(), handle, 0));
        }
        let (_, handle, lookups) = self.folder.as_mut()?;
        *lookups += 1;
        let stat = rustix::fs::statat(handle, name, AtFlags::empty()).ok()?;
        let kind = match FileType::from_raw_mode(stat.st_mode as rustix::fs::RawMode) {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Folder,
            FileType::Fifo => Kind::Pipe,
            FileType::Socket => Kind::Socket,
            FileType::BlockDevice | FileType::CharacterDevice => Kind::Device,
            _ => Kind::Other,
        };
        // Signed on some systems, unsigned on others; i128 holds either.
        let seconds = i128::from(stat.st_mtime);
        let nanos = i128::from(stat.st_mtime_nsec);
        // Before the epoch is 0, as `Facts::of` has it.
        let modified = u64::try_from(seconds).map_or(0, |seconds| {
            seconds
                .saturating_mul(1_000_000_000)
                .saturating_add(u64::try_from(nanos).unwrap_or(0))
        });
        Some(Ok(Facts {
            kind,
            len: u64::try_from(stat.st_size).unwrap_or(0),
            modified,
        }))
    }
}

/// The longest path the system takes whole, with its final NUL (Linux's PATH_MAX).
#[cfg(unix)]
const PATH_MAX: usize = 4096;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_facts_are_the_facts_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("one.txt"), "Oil prices rose.").unwrap();
        fs::write(folder.join("two.txt"), "").unwrap();
        fs::create_dir(folder.join("sub")).unwrap();
        let mut stat = Stat::default();
        for name in ["one.txt", "two.txt", "sub"] {
            let path = folder.join(name);
            assert_eq!(
                stat.facts(&path).unwrap(),
                by_path(&path).unwrap(),
                "{name}"
            );
        }
        let one = stat.facts(&folder.join("one.txt")).unwrap();
        assert_eq!((one.kind, one.len), (Kind::File, 16));
        assert!(one.modified > 0);
        let missing = stat.facts(&folder.join("gone.txt")).unwrap_err();
        assert_eq!(
            missing.kind(),
            by_path(&folder.join("gone.txt")).unwrap_err().kind()
        );
        // A folder that is gone gives the error of a stat by path too.
        let missing = stat.facts(&dir.path().join("b/one.txt")).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
    }

    /// A folder made anew after its handle was opened: the lookup that fails there is
    /// made again by path.
    #[test]
    fn a_folder_made_anew_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("one.txt"), "1").unwrap();
        let mut stat = Stat::default();
        assert_eq!(stat.facts(&folder.join("one.txt")).unwrap().len, 1);
        fs::remove_dir_all(&folder).unwrap();
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("two.txt"), "22").unwrap();
        assert_eq!(stat.facts(&folder.join("two.txt")).unwrap().len, 2);
    }

    /// A folder replaced under a held handle answers for the old one only until the
    /// handle has served its lookups; then the folder is opened again.
    #[cfg(unix)]
    #[test]
    fn a_handle_serves_a_batch_of_lookups_then_the_folder_is_opened_again() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a");
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("one.txt"), "1").unwrap();
        let mut stat = Stat::default();
        for _ in 0..LOOKUPS_PER_HANDLE {
            assert_eq!(stat.facts(&folder.join("one.txt")).unwrap().len, 1);
        }
        fs::rename(&folder, dir.path().join("old")).unwrap();
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("one.txt"), "new").unwrap();
        assert_eq!(stat.facts(&folder.join("one.txt")).unwrap().len, 3);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_and_a_pipe_is_known_as_one() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("real.txt"), "twelve bytes").unwrap();
        std::os::unix::fs::symlink("real.txt", dir.path().join("link.txt")).unwrap();
        let mut stat = Stat::default();
        let link = stat.facts(&dir.path().join("link.txt")).unwrap();
        assert_eq!((link.kind, link.len), (Kind::File, 12));
        let pipe = dir.path().join("pipe");
        super::super::tests::mkfifo(&pipe);
        assert_eq!(stat.facts(&pipe).unwrap().kind, Kind::Pipe);
        assert_eq!(by_path(&pipe).unwrap().kind, Kind::Pipe);
    }
}
