//! Voice packs: a folder in `voices/` (or anywhere) with a `pack.toml` that
//! gives the language, the text-to-speech voice, rate and pitch, the words
//! of every prompt, and recorded clips for any of them.
//!
//! A pack need not be complete: every phrase it leaves out, or gets wrong,
//! comes from the default English pack, and each such problem is reported
//! once, for staff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::core::{Phrase, Phrases, Prompt};

/// The file name inside a pack's folder.
pub const PACK_FILE: &str = "pack.toml";

/// The default pack, built in so that the kiosk always has words to say.
const DEFAULT_PACK: &str = include_str!("../../voices/en-GB/pack.toml");

/// Where the default pack is: next to the sources when run from a checkout,
/// or where the Pi install puts it.
pub fn default_pack_dir() -> PathBuf {
    let installed = Path::new("/usr/share/sayso/voices/en-GB");
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR")).join("voices/en-GB");
    if checkout.is_dir() || !installed.is_dir() {
        checkout
    } else {
        installed.to_path_buf()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct VoicePack {
    pub language: String,
    pub tts: TtsPrefs,
    pub phrases: Phrases,
}

/// How text-to-speech should sound, in the speech service's own terms.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TtsPrefs {
    /// A voice name as the speech service lists it; empty for its default.
    pub voice: String,
    /// -100 (slowest) to 100 (fastest); 0 is normal.
    pub rate: f32,
    /// -100 (lowest) to 100 (highest); 0 is normal.
    pub pitch: f32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    language: String,
    #[serde(default)]
    tts: TtsPrefs,
    #[serde(default)]
    phrases: BTreeMap<String, String>,
    #[serde(default)]
    clips: BTreeMap<String, String>,
}

impl VoicePack {
    /// The built-in default English pack.
    pub fn default_pack() -> VoicePack {
        let (pack, problems) = parse(DEFAULT_PACK, None);
        debug_assert!(
            problems.is_empty(),
            "the default pack is complete: {problems:?}"
        );
        pack
    }

    /// Loads the pack in `dir`. Never fails: what cannot be used is replaced
    /// from the default pack, and said in the problems returned.
    pub fn load(dir: &Path) -> (VoicePack, Vec<String>) {
        let path = dir.join(PACK_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let (pack, problems) = parse(&text, Some(dir));
                let named = problems
                    .into_iter()
                    .map(|p| format!("voice pack {}: {p}", path.display()))
                    .collect();
                (pack, named)
            }
            Err(e) => (
                VoicePack::default_pack(),
                vec![format!(
                    "voice pack {}: {e}; using the default English pack",
                    path.display()
                )],
            ),
        }
    }
}

fn parse(text: &str, dir: Option<&Path>) -> (VoicePack, Vec<String>) {
    let file: PackFile = match toml::from_str(text) {
        Ok(file) => file,
        Err(e) => {
            let problem = format!("{}; using the default English pack", e.to_string().trim());
            return (parse(DEFAULT_PACK, None).0, vec![problem]);
        }
    };
    let mut problems = Vec::new();
    let mut phrases = Phrases::default();
    for prompt in Prompt::ALL {
        let text = match file.phrases.get(prompt.key()) {
            Some(text) if !text.trim().is_empty() => text.clone(),
            _ => {
                if dir.is_some() {
                    problems.push(format!("no phrase \"{}\"; using the default", prompt.key()));
                }
                phrases.get(prompt).text.clone()
            }
        };
        if let Some(placeholder) = prompt.placeholder() {
            if !text.contains(placeholder) {
                problems.push(format!(
                    "\"{}\" must contain {placeholder}; using the default",
                    prompt.key()
                ));
                continue;
            }
        }
        let clip = file.clips.get(prompt.key()).and_then(|clip| {
            let path = dir.map_or_else(|| PathBuf::from(clip), |dir| dir.join(clip));
            if path.is_file() {
                Some(path.to_string_lossy().into_owned())
            } else {
                problems.push(format!(
                    "clip {clip} for \"{}\" is missing; speaking it instead",
                    prompt.key()
                ));
                None
            }
        });
        phrases = phrases.with(prompt, Phrase { text, clip });
    }
    for key in file.phrases.keys().chain(file.clips.keys()) {
        if !Prompt::ALL.iter().any(|p| p.key() == key) {
            problems.push(format!(
                "\"{key}\" is not a phrase sayso speaks; it is ignored"
            ));
        }
    }
    (
        VoicePack {
            language: file.language,
            tts: file.tts,
            phrases,
        },
        problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_english_pack_is_complete_and_matches_the_built_in_words() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("voices/en-GB");
        let (pack, problems) = VoicePack::load(&dir);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(pack.phrases, Phrases::default());
        assert_eq!(pack.language, "en-GB");
    }

    #[test]
    fn a_missing_phrase_comes_from_the_default_and_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("clips")).unwrap();
        std::fs::write(dir.path().join("clips/finished.wav"), b"RIFF").unwrap();
        std::fs::write(
            dir.path().join(PACK_FILE),
            "language = \"en-GB\"\n[phrases]\noffer = \"What do you think about {card}?\"\nfinished = \"All done.\"\n\
             [clips]\nfinished = \"clips/finished.wav\"\nreview_intro = \"clips/nowhere.wav\"\n",
        )
        .unwrap();
        let (pack, problems) = VoicePack::load(dir.path());
        assert_eq!(
            pack.phrases.get(Prompt::Offer).text,
            "What do you think about {card}?"
        );
        assert_eq!(pack.phrases.get(Prompt::Finished).text, "All done.");
        assert!(pack
            .phrases
            .get(Prompt::Finished)
            .clip
            .as_deref()
            .unwrap()
            .ends_with("clips/finished.wav"));
        assert_eq!(
            pack.phrases.get(Prompt::ReviewIntro),
            &Phrase {
                text: "Let's look at your mat.".into(),
                clip: None
            }
        );
        let missing_intro: Vec<_> = problems
            .iter()
            .filter(|p| p.contains("\"review_intro\""))
            .collect();
        assert_eq!(
            missing_intro.len(),
            2,
            "no words and no clip for review_intro: {problems:?}"
        );
        assert_eq!(
            problems.iter().filter(|p| p.contains("no phrase")).count(),
            Prompt::ALL.len() - 2,
            "{problems:?}"
        );
        assert!(problems
            .iter()
            .all(|p| p.contains(&dir.path().display().to_string())));
    }

    #[test]
    fn a_broken_or_missing_pack_falls_back_to_the_default_with_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let (pack, problems) = VoicePack::load(dir.path());
        assert_eq!(pack.phrases, Phrases::default());
        assert!(problems[0].contains("pack.toml"), "{problems:?}");

        std::fs::write(dir.path().join(PACK_FILE), "language = ").unwrap();
        let (pack, problems) = VoicePack::load(dir.path());
        assert_eq!(pack.phrases, Phrases::default());
        assert!(
            problems[0].contains("using the default English pack"),
            "{problems:?}"
        );

        std::fs::write(
            dir.path().join(PACK_FILE),
            "language = \"x\"\n[phrases]\noffer = \"no card here\"\nshout = \"HEY\"\n",
        )
        .unwrap();
        let (pack, problems) = VoicePack::load(dir.path());
        assert_eq!(pack.phrases.get(Prompt::Offer).text, "{card}");
        assert!(
            problems.iter().any(|p| p.contains("must contain {card}")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("\"shout\" is not a phrase")),
            "{problems:?}"
        );
    }
}
