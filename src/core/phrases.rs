//! The words the kiosk speaks that are not on a card or a scale point.

/// Prompts spoken by the kiosk itself. Templates use `{topic}` where a topic
/// title goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrases {
    /// Spoken when the review begins, before the summary.
    pub review_intro: String,
    /// Spoken on the review when the mat has nothing on it.
    pub review_empty: String,
    /// Spoken when the mat is finished. Deliberately neutral: the device never
    /// praises one answer over another.
    pub finished: String,
    /// Auditory-scanning cues for the buttons on screen: short, so a person
    /// scanning hears each one quickly.
    pub cue_say_again: String,
    pub cue_back: String,
    pub cue_finish: String,
    pub cue_start_again: String,
}

impl Default for Phrases {
    fn default() -> Self {
        Phrases {
            review_intro: "Let's look at your mat.".into(),
            review_empty: "Your mat is empty.".into(),
            finished: "Your mat is finished and saved.".into(),
            cue_say_again: "say again".into(),
            cue_back: "back".into(),
            cue_finish: "finish".into(),
            cue_start_again: "start again".into(),
        }
    }
}
