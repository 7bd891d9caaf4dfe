//! A home: the people who use this kiosk, each with their own photo, topics,
//! display, access and voice settings and daily check-ins, and the
//! supporters who may sit with them. Read from `home.toml`
//! (see `docs/picture-sets.md`).
//!
//! With no home file, the kiosk has one person, with every topic and the
//! device's own settings. A problem with one person's entry (a topic that
//! does not exist, a check-in that overlaps another) is set aside with a
//! message for staff; the rest of the home still works.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use toml::Spanned;
use tracing::{error, info, warn};

use crate::access::settings::AccessSettings;
use crate::core::schedule::{CheckIn, Schedule};
use crate::core::{PersonId, PersonRef, PictureSet};
use crate::store::Journal;
use crate::voice::volume::VolumeSettings;

/// The file name inside the data directory.
pub const HOME_FILE: &str = "home.toml";

#[derive(Debug, Clone, PartialEq)]
pub struct Home {
    pub people: Vec<HomePerson>,
    /// Who may be with a person for a mat, by name.
    pub supporters: Vec<String>,
    /// A mat left untouched this long is saved as partial.
    pub idle_minutes: u32,
    /// Problems that left part of the home unused, for staff.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HomePerson {
    /// The person's id, the same on every device of the home; `None` until
    /// one is written into the home file.
    pub id: Option<PersonId>,
    pub name: String,
    pub photo: Option<PathBuf>,
    /// Indices of the person's topics in the picture set, in their order.
    pub topics: Vec<usize>,
    pub display: Display,
    /// Replaces the device's `access.toml` for this person.
    pub access: Option<AccessSettings>,
    /// Replaces the device's `voice.toml` for this person.
    pub volume: Option<VolumeSettings>,
    /// A voice pack folder of the person's own.
    pub voice_pack: Option<PathBuf>,
    pub schedule: Schedule,
}

pub use crate::core::Display;

#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("cannot read the home file {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("the home file {path} has a problem: {cause}")]
    Invalid { path: PathBuf, cause: HomeTextError },
}

impl HomeError {
    /// What is wrong, in a line for the staff line (without the path).
    pub fn reason(&self) -> String {
        match self {
            HomeError::Read { cause, .. } => cause.to_string(),
            HomeError::Invalid { cause, .. } => cause.to_string(),
        }
    }
}

/// A TOML error as one line: where it is, and what.
fn one_line(error: &toml::de::Error, text: &str) -> String {
    let what = error.message().trim().replace('\n', " ");
    match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: {what}")
        }
        None => what,
    }
}

/// Where a kiosk keeps the home file it last read whole, beside its
/// journal: a home file that cannot be read later never changes who is
/// who on this kiosk.
pub const LAST_READ_FILE: &str = "home.last-read.toml";

/// Keeps the home file at `path` as last read whole (every person with an
/// id), in `data_dir`: written whole, then put in place.
pub fn keep_last_read(path: &Path, data_dir: &Path) -> std::io::Result<()> {
    let text = std::fs::read(path)?;
    let kept = data_dir.join(LAST_READ_FILE);
    if std::fs::read(&kept).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let mut file = tempfile::NamedTempFile::new_in(data_dir)?;
    std::io::Write::write_all(&mut file, &text)?;
    file.as_file().sync_all()?;
    file.persist(&kept).map_err(|e| e.error)?;
    Ok(())
}

/// The home as last read whole, with paths relative to `root` (the home
/// file's own folder), if this kiosk ever read one.
pub fn last_read(data_dir: &Path, root: &Path, set: &PictureSet) -> Option<Home> {
    let text = std::fs::read_to_string(data_dir.join(LAST_READ_FILE)).ok()?;
    Home::from_toml(&text, root, set).ok()
}

/// What is wrong with the text of a home file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HomeTextError {
    #[error("it is not valid TOML: {0}")]
    Syntax(String),
    #[error("it names nobody ([[people]])")]
    NoPeople,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HomeFile {
    #[serde(default)]
    supporters: Vec<String>,
    #[serde(default = "default_idle_minutes")]
    idle_minutes: u32,
    #[serde(default)]
    people: Vec<PersonFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFile {
    id: Option<String>,
    /// Spans say which line a problem is on, for staff.
    name: Spanned<String>,
    photo: Option<String>,
    /// Topic ids; left out: every topic of the set.
    topics: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    high_contrast: bool,
    #[serde(default)]
    large_text: bool,
    voice_pack: Option<String>,
    access: Option<AccessSettings>,
    voice: Option<VolumeSettings>,
    #[serde(default)]
    check_ins: Vec<Spanned<CheckIn>>,
}

/// How long a mat may be left untouched before it is saved as partial.
pub const DEFAULT_IDLE_MINUTES: u32 = 10;

fn default_idle_minutes() -> u32 {
    DEFAULT_IDLE_MINUTES
}

/// Which home file to use: the one given; else `home.toml` in the data
/// directory; else, with the bundled demo set, the demo home (so the demo
/// shows a shared home the first time); else none: one person.
pub fn find_home(given: Option<PathBuf>, data_dir: &Path, set: &Path) -> Option<PathBuf> {
    if given.is_some() {
        return given;
    }
    let own = data_dir.join(HOME_FILE);
    if own.is_file() {
        return Some(own);
    }
    let demo_set = super::default_set_path();
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let set_file = if set.is_dir() {
        set.join(super::SET_FILE)
    } else {
        set.to_path_buf()
    };
    let demo_home = demo_set.with_file_name(HOME_FILE);
    (same(&set_file, &demo_set) && demo_home.is_file()).then_some(demo_home)
}

impl Home {
    /// One person with every topic: the home when there is no home file.
    pub fn single(name: &str, set: &PictureSet) -> Home {
        Home {
            people: vec![HomePerson {
                id: None,
                name: name.to_string(),
                photo: None,
                topics: (0..set.topics.len()).collect(),
                display: Display::default(),
                access: None,
                volume: None,
                voice_pack: None,
                schedule: Schedule::default(),
            }],
            supporters: Vec::new(),
            idle_minutes: DEFAULT_IDLE_MINUTES,
            problems: Vec::new(),
        }
    }

    /// Reads a home file; paths in it are relative to its folder.
    pub fn load(path: &Path, set: &PictureSet) -> Result<Home, HomeError> {
        let text = std::fs::read_to_string(path).map_err(|source| HomeError::Read {
            path: path.to_path_buf(),
            cause: source,
        })?;
        let root = path.parent().unwrap_or(Path::new("."));
        Home::from_toml(&text, root, set).map_err(|source| HomeError::Invalid {
            path: path.to_path_buf(),
            cause: source,
        })
    }

    pub fn from_toml(text: &str, root: &Path, set: &PictureSet) -> Result<Home, HomeTextError> {
        let file: HomeFile =
            toml::from_str(text).map_err(|e| HomeTextError::Syntax(one_line(&e, text)))?;
        if file.people.is_empty() {
            return Err(HomeTextError::NoPeople);
        }
        let mut problems = Vec::new();
        let mut people = Vec::new();
        let line_of = |span: std::ops::Range<usize>| text[..span.start].matches('\n').count() + 1;
        for person in file.people {
            let name = person.name.get_ref().clone();
            let mut problem = |span: std::ops::Range<usize>, what: String| {
                problems.push(format!("line {}: {name}: {what}", line_of(span)));
            };
            let mut topics = Vec::new();
            match &person.topics {
                None => topics.extend(0..set.topics.len()),
                Some(ids) => {
                    for id in ids {
                        match set.topics.iter().position(|t| t.id == *id.get_ref()) {
                            Some(i) => topics.push(i),
                            None => problem(
                                id.span(),
                                format!(
                                    "topic \"{}\" is not in the picture set (or was set aside)",
                                    id.get_ref()
                                ),
                            ),
                        }
                    }
                }
            }
            if topics.is_empty() {
                problem(
                    person.name.span(),
                    "no topics left, so every topic is offered".to_string(),
                );
                topics.extend(0..set.topics.len());
            }
            let their_topics: Vec<&str> =
                topics.iter().map(|&i| set.topics[i].id.as_str()).collect();
            let spans: Vec<_> = person.check_ins.iter().map(Spanned::span).collect();
            let check_ins = person.check_ins.into_iter().map(Spanned::into_inner);
            let (schedule, set_aside) = Schedule::checked(check_ins.collect(), &their_topics);
            for check_in in set_aside {
                problem(spans[check_in.index].clone(), check_in.reason);
            }
            people.push(HomePerson {
                id: person.id.map(PersonId::new),
                photo: person.photo.map(|p| root.join(p)),
                voice_pack: person.voice_pack.map(|p| root.join(p)),
                name,
                topics,
                display: Display {
                    high_contrast: person.high_contrast,
                    large_text: person.large_text,
                },
                access: person.access,
                volume: person.voice,
                schedule,
            });
        }
        Ok(Home {
            people,
            supporters: file.supporters,
            idle_minutes: file.idle_minutes.max(1),
            problems,
        })
    }
}

/// Who a home file names (each person's id, if it has one, and name),
/// read without a picture set to check topics against: for a hub, which
/// may have none, and a kiosk checking a home file before it keeps it.
pub fn people_in(text: &str) -> Result<Vec<(Option<PersonId>, String)>, HomeTextError> {
    let file: HomeFile =
        toml::from_str(text).map_err(|e| HomeTextError::Syntax(one_line(&e, text)))?;
    if file.people.is_empty() {
        return Err(HomeTextError::NoPeople);
    }
    Ok(file
        .people
        .into_iter()
        .map(|p| (p.id.map(PersonId::new), p.name.into_inner()))
        .collect())
}

/// Gives every person of the home file at `path` who has no `id` one, and
/// writes it into the file (keeping its comments and layout), so the person
/// is the same person on every device and after any reset. `known` offers
/// the id a person already has (in this device's journal), so their history
/// stays theirs; otherwise a new one is made.
pub fn write_missing_ids(
    path: &Path,
    known: impl Fn(&str) -> Option<PersonId>,
) -> Result<usize, HomeIdError> {
    let text = std::fs::read_to_string(path)?;
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    let mut written = 0;
    if let Some(people) = doc
        .get_mut("people")
        .and_then(|p| p.as_array_of_tables_mut())
    {
        for person in people.iter_mut() {
            if person.contains_key("id") {
                continue;
            }
            let name = person.get("name").and_then(|n| n.as_str()).unwrap_or("");
            let id = known(name).unwrap_or_else(|| PersonId::new(uuid::Uuid::now_v7().to_string()));
            person.insert("id", toml_edit::value(id.as_str()));
            written += 1;
        }
    }
    if written > 0 {
        // Written whole, then put in place: a power cut leaves the old file
        // or the new one, never half of one.
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut file, doc.to_string().as_bytes())?;
        file.as_file().sync_all()?;
        file.persist(path)
            .map_err(|e| HomeIdError::Write(e.error))?;
    }
    Ok(written)
}

#[derive(Debug, thiserror::Error)]
pub enum HomeIdError {
    #[error("cannot write the people's ids into the home file: {0}")]
    Write(#[from] std::io::Error),
    #[error("the home file is not valid TOML: {0}")]
    Syntax(#[from] toml_edit::TomlError),
}

/// How a person of the home file at `path` sees the screens (high
/// contrast, large text), read leniently: a home file that cannot be read,
/// or a person not in it, is the standard display.
pub fn display_of(path: &Path, person: &crate::core::PersonId) -> crate::core::Display {
    let people = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|table| table.get("people").and_then(|p| p.as_array()).cloned())
        .unwrap_or_default();
    let flag = |entry: &toml::Value, key: &str| {
        entry
            .get(key)
            .and_then(toml::Value::as_bool)
            .unwrap_or(false)
    };
    people
        .iter()
        .find(|entry| entry.get("id").and_then(toml::Value::as_str) == Some(person.as_str()))
        .map(|entry| crate::core::Display {
            high_contrast: flag(entry, "high_contrast"),
            large_text: flag(entry, "large_text"),
        })
        .unwrap_or_default()
}

/// The home as a kiosk starts with: read from `path` (ids written in for
/// people who have none); a home file that cannot be read leaves the
/// people as this kiosk last read them, or else the one person
/// `single` of a kiosk with no home file. What staff must be told goes
/// into `notices` (a reason may quote a name: never into the log).
pub fn load_for_kiosk(
    path: Option<&Path>,
    data_dir: &Path,
    set: &PictureSet,
    journal: Option<&Journal>,
    single: &str,
    notices: &mut Vec<String>,
) -> Home {
    let Some(path) = path else {
        return Home::single(single, set);
    };
    let root = path.parent().unwrap_or(Path::new("."));
    // Read only when the home file is not whole.
    let last_read = || last_read(data_dir, root, set);
    let loaded = load_writing_ids(path, set, journal, last_read);
    let home = match loaded.map_err(|e| (e, last_read())) {
        Ok(home) => {
            if home.people.iter().all(|p| p.id.is_some()) {
                if let Err(e) = keep_last_read(path, data_dir) {
                    warn!("cannot keep the home file as last read: {e}");
                }
            }
            home
        }
        // Who is who stays as this kiosk last read it.
        Err((e, Some(last_read))) => {
            error!("the home file ({HOME_FILE}) cannot be used; the people as last read are kept; see the staff line");
            notices.push(format!(
                "Home file not read ({}): the people as last read are kept",
                e.reason()
            ));
            last_read
        }
        Err((e, None)) => {
            error!("the home file ({HOME_FILE}) cannot be used; see the staff line");
            notices.push(format!("Home file not read ({})", e.reason()));
            Home::single(single, set)
        }
    };
    if !home.problems.is_empty() {
        warn!(
            problems = home.problems.len(),
            "part of the home file was set aside; see the staff line"
        );
    }
    for problem in &home.problems {
        notices.push(format!("Home: {problem}"));
    }
    home
}

/// Reads the home file, first writing in an id for each person who has
/// none (the one this kiosk last read for them, or its journal knows them
/// by, if any). A home file that cannot be written (a read-only share) is
/// read as it is, and its people are known by name as before.
fn load_writing_ids(
    path: &Path,
    set: &PictureSet,
    journal: Option<&Journal>,
    last_read: impl Fn() -> Option<Home>,
) -> Result<Home, HomeError> {
    let home = Home::load(path, set)?;
    if home.people.iter().all(|p| p.id.is_some()) {
        return Ok(home);
    }
    let known_people = journal.and_then(|j| j.people().ok()).unwrap_or_default();
    let last_read = last_read();
    let known = |name: &str| {
        let as_last_read = last_read
            .iter()
            .flat_map(|home| &home.people)
            .find(|p| p.name == name)
            .and_then(|p| p.id.clone());
        as_last_read.or_else(|| {
            known_people
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.id.clone())
        })
    };
    match write_missing_ids(path, known) {
        Ok(written) => {
            info!(people = written, "ids written into the home file");
            Home::load(path, set)
        }
        Err(e) => {
            warn!("{e}; its people are known by name on this device");
            Ok(home)
        }
    }
}

/// A person of the home as the journal knows them: by the home's id when
/// the home file gives one, else by name (added the first time); with no
/// journal, an id for this run only.
pub fn person_ref(journal: Option<&Journal>, person: &HomePerson, now: DateTime<Utc>) -> PersonRef {
    let name = person.name.as_str();
    if let Some(id) = &person.id {
        let person = PersonRef {
            id: id.clone(),
            name: name.to_string(),
        };
        if let Some(journal) = journal {
            if let Err(e) = journal.ensure_person(&person, now) {
                error!("cannot add a person to the journal: {e}");
            }
        }
        return person;
    }
    let found =
        journal.map(
            |journal| match journal.people()?.into_iter().find(|p| p.name == name) {
                Some(person) => Ok(person),
                None => journal.add_person(name, now),
            },
        );
    match found {
        Some(Ok(person)) => person,
        Some(Err(e)) => {
            error!("cannot read the people in the journal: {e}");
            fresh_person(name)
        }
        None => fresh_person(name),
    }
}

fn fresh_person(name: &str) -> PersonRef {
    PersonRef {
        id: PersonId::new(uuid::Uuid::now_v7().to_string()),
        name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::picture_set::tests::small_set;

    const HOME: &str = r#"
        supporters = ["Jo", "Priya"]

        [[people]]
        name = "Alex"
        photo = "photos/alex.jpg"
        high_contrast = true
        [people.access]
        method = "step-scanning"
        [[people.check_ins]]
        topic = "food"
        from = "08:00"
        until = "09:00"

        [[people.check_ins]]
        topic = "food"
        from = "08:30"
        until = "10:00"

        [[people]]
        name = "Sam"
        topics = ["food", "holidays"]
        large_text = true
        [people.voice]
        volume = 40
    "#;

    #[test]
    fn a_typo_is_said_in_one_line_with_where_it_is() {
        let text = "[[people]]\nname = \"Tom\n";
        let Err(HomeTextError::Syntax(said)) = Home::from_toml(text, Path::new("."), &small_set())
        else {
            panic!("refused");
        };
        assert!(said.starts_with("line 2, column "), "{said}");
        assert!(!said.contains('\n'), "{said}");
    }

    #[test]
    fn each_person_has_their_own_topics_settings_and_check_ins() {
        let home = Home::from_toml(HOME, Path::new("/home/data"), &small_set()).unwrap();
        assert_eq!(home.supporters, ["Jo", "Priya"]);
        let [alex, sam] = &home.people[..] else {
            panic!()
        };
        assert_eq!(
            alex.photo.as_deref(),
            Some(Path::new("/home/data/photos/alex.jpg"))
        );
        assert!(alex.display.high_contrast && !alex.display.large_text);
        assert_eq!(
            alex.access.as_ref().unwrap().method,
            crate::access::settings::AccessMethod::StepScanning
        );
        assert_eq!(
            alex.schedule.check_ins.len(),
            1,
            "the overlapping one is set aside"
        );
        assert_eq!(sam.topics, [0]);
        assert!(sam.display.large_text);
        assert_eq!(sam.volume.as_ref().unwrap().volume, 40);
        assert_eq!(home.problems.len(), 2, "{:?}", home.problems);
        // Each problem says the line it is on (the text starts with a newline).
        assert!(
            home.problems[0]
                .starts_with("line 15: Alex: check-in \"food\" 08:30-10:00 is set aside"),
            "{:?}",
            home.problems
        );
        assert!(
            home.problems[1]
                .starts_with("line 22: Sam: topic \"holidays\" is not in the picture set"),
            "{:?}",
            home.problems
        );
    }

    #[test]
    fn a_home_of_nobody_or_not_toml_is_refused_with_the_reason() {
        let set = small_set();
        assert_eq!(
            Home::from_toml("supporters = []", Path::new("."), &set).unwrap_err(),
            HomeTextError::NoPeople
        );
        assert!(Home::from_toml("[[people]]\nnom = \"x\"", Path::new("."), &set).is_err());
    }
}
