//! Where one kiosk's files are: its data directory, the set, the plan, the
//! voice pack, the home file, and the program that keeps mats' pictures.

use std::path::{Path, PathBuf};

use crate::library::home::{Home, HOME_FILE};
use crate::store::{self, StoreError};
use crate::sync::{HubLink, PlanTarget, ToShare};

#[derive(Debug, Clone)]
pub struct KioskPaths {
    pub data_dir: PathBuf,
    /// The picture set file (or its folder).
    pub set: PathBuf,
    /// The support plan database; by default in the data directory.
    pub plan: PathBuf,
    /// The voice pack folder; by default the bundled English one.
    pub voice_pack: PathBuf,
    /// The home file: the people and their settings; `None`: one person.
    pub home: Option<PathBuf>,
    /// The sayso program, to draw each finished mat's picture in a process
    /// of its own (`sayso keep-mat`); `None`: no pictures are kept.
    pub keeper: Option<PathBuf>,
}

impl KioskPaths {
    /// The usual layout: journal and plan side by side in the data directory.
    pub fn in_data_dir(data_dir: &Path, set: &Path) -> KioskPaths {
        KioskPaths {
            data_dir: data_dir.to_path_buf(),
            set: set.to_path_buf(),
            plan: data_dir.join(store::PLAN_FILE),
            voice_pack: crate::voice::pack::default_pack_dir(),
            home: None,
            keeper: None,
        }
    }

    pub fn journal(&self) -> PathBuf {
        self.data_dir.join(store::JOURNAL_FILE)
    }

    /// The picture set's folder (`set` names the file or the folder).
    pub fn set_folder(&self) -> PathBuf {
        if self.set.is_dir() {
            self.set.clone()
        } else {
            self.set.with_file_name("")
        }
    }

    /// The pictures a sync from the command line carries into the plan: the
    /// set's and the home's as far as they can be read (the kiosk says on
    /// its staff line what cannot), and the kept mats.
    pub fn to_share(&self) -> ToShare {
        let set = crate::library::load_set(&self.set).ok();
        let photos = match (&self.home, &set) {
            (Some(home), Some(set)) => Home::load(home, &set.set)
                .map(|home| {
                    home.people
                        .into_iter()
                        .filter_map(|p| Some((p.id?, p.photo?)))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        ToShare {
            data_dir: self.data_dir.clone(),
            set,
            photos,
        }
    }

    /// Where the home file a hub gives is kept: the data directory's
    /// `home.toml`, unless the kiosk was started on another home file of
    /// staff's choosing (`--home`), which then stays in force. Only a hub
    /// gives one.
    pub fn home_from_hub(&self, target: &PlanTarget) -> Option<PathBuf> {
        if !matches!(target, PlanTarget::Hub(_)) {
            return None;
        }
        let own = self.data_dir.join(HOME_FILE);
        let demo = crate::library::default_set_path().with_file_name(HOME_FILE);
        match &self.home {
            Some(other) if *other != own && *other != demo => None,
            _ => Some(own),
        }
    }

    /// The home's hub when this kiosk is paired with one; else its plan
    /// file. The local plan is made on first use; a plan elsewhere must
    /// already exist, so a drive not mounted is not replaced by an empty
    /// plan.
    pub fn plan_target(&self) -> PlanTarget {
        match HubLink::load(&self.data_dir) {
            Ok(Some(hub)) => return PlanTarget::Hub(hub),
            Ok(None) => {}
            Err(StoreError::HubFile { path, reason }) => {
                return PlanTarget::HubFileUnreadable { path, reason }
            }
            Err(other) => {
                return PlanTarget::HubFileUnreadable {
                    path: self.data_dir.join(crate::sync::hub::HUB_FILE),
                    reason: other.to_string(),
                }
            }
        }
        PlanTarget::File {
            path: self.plan.clone(),
            create_if_missing: self.plan == self.data_dir.join(store::PLAN_FILE),
        }
    }
}
