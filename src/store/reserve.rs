//! Space kept aside for the journal. When something else (logs, pictures)
//! fills the disk, the reserve is given up so that the person's answers can
//! still be written; it is taken again when there is room.

use std::io::Write;
use std::path::{Path, PathBuf};

/// How much is kept: a few thousand placements' worth.
pub const RESERVE_BYTES: u64 = 4 * 1024 * 1024;

/// The file name inside the data directory.
pub const RESERVE_FILE: &str = "journal.reserve";

pub struct Reserve {
    path: PathBuf,
}

impl Reserve {
    pub fn in_data_dir(data_dir: &Path) -> Reserve {
        Reserve {
            path: data_dir.join(RESERVE_FILE),
        }
    }

    /// Whether the space is held now.
    pub fn is_held(&self) -> bool {
        std::fs::metadata(&self.path).is_ok_and(|m| m.len() >= RESERVE_BYTES)
    }

    /// Takes the space, written out for real (a sparse file would hold
    /// nothing). A half-written reserve is removed again.
    pub fn take(&self) -> std::io::Result<()> {
        if self.is_held() {
            return Ok(());
        }
        let written = (|| {
            let mut file = std::fs::File::create(&self.path)?;
            let chunk = vec![0u8; 64 * 1024];
            for _ in 0..RESERVE_BYTES / chunk.len() as u64 {
                file.write_all(&chunk)?;
            }
            file.sync_all()
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&self.path);
        }
        written
    }

    /// Gives the space back to the disk; true if there was any to give.
    pub fn release(&self) -> bool {
        std::fs::remove_file(&self.path).is_ok()
    }
}
