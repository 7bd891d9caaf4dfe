//! The domain: picture sets, scales, the mat session and preference summaries.
//!
//! Architecture invariant: nothing in here does I/O. No files, no clock, no
//! randomness, no threads. Time and ids come in as arguments, and what should
//! happen in the world goes out as [`Effect`]s. So everything here can be tested
//! with plain values, and nothing here can fail on I/O.

pub mod event;
pub mod flow;
pub mod house_question;
pub mod housekeeping;
pub mod ids;
pub mod join_home;
pub mod people;
pub mod phrases;
pub mod picker;
pub mod picture_set;
pub mod preference;
pub mod record;
pub mod replay;
pub mod scale;
pub mod schedule;
pub mod session;
pub mod set_edit;
pub mod set_text;
pub mod staff_screen;
pub mod standing;
pub mod time;
pub mod told_back;
pub mod view;
pub mod voicing;

pub use event::{Event, Input, InputMethod, Spot, Step};
pub use flow::{
    ChangedTopics, Flow, FlowConfig, FlowEffect, FlowEvent, FlowMemory, FlowPerson, NewIds,
    PlanTrouble, SyncResult, Whose,
};
pub use ids::{CardId, PersonId, SessionId, TopicId};
pub use people::{find_person, FindPersonError};
pub use phrases::{Phrase, Phrases, Prompt};
pub use picker::{Picker, PickerChoice, PickerEffect, PickerKind, PAGE_SIZE};
pub use picture_set::{PictureSet, SetError, Topic};
pub use preference::{current_view, Answer, PreferenceSummary, Said};
pub use record::{Company, MatOutcome, Record, WouldHave};
pub use replay::{final_mat, replay, FinalPlacement, JournalAction, ReplayedMat};
pub use scale::{Scale, ScalePoint};
pub use session::{
    Choice, Effect, MatSession, PersonRef, Screen, SessionSettings, SpeakMode, Stage, Utterance,
    SOMETHING_ELSE_ID,
};
pub use set_text::{Card, ScaleText, SetText, TopicText};
pub use standing::{standing, Standing, Verdict};
pub use time::{Mono, Now};
pub use told_back::{ToldBack, TOLD_BACK_TOPIC};
pub use view::{HighlightedAction, KioskView, PictureRef};
pub use voicing::{Display, Voicing};
