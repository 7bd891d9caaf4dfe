//! The view model: everything the kiosk's screen shows, as plain values made
//! from the flow by one pure function, [`Flow::view`]. The UI adapter maps it
//! to Slint field by field and decides nothing.

use std::path::PathBuf;

use chrono::TimeZone;

use super::flow::Flow;
use super::picker::{Picker, PickerChoice, PickerKind};
use super::session::{Choice, MatSession, Screen, Stage};
use super::told_back::TOLD_BACK_TOPIC;
use super::voicing::Display;

/// A picture to show: one of the set's (relative to its folder, or one of
/// sayso's own, `bundled:…`), a file (a person's photo), or none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum PictureRef {
    #[default]
    None,
    InSet(String),
    File(PathBuf),
}

impl PictureRef {
    pub fn in_set(relative: Option<&str>) -> PictureRef {
        relative.map_or(PictureRef::None, |r| PictureRef::InSet(r.to_string()))
    }
}

/// What the highlight is on, besides items, scale points and cards.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HighlightedAction {
    #[default]
    None,
    Finish,
    Undo,
    SayAgain,
    StartAgain,
    Skip,
    SomethingElse,
    TellMeMore,
    PutBack,
    MoreTopics,
    NotNow,
    SomeoneElse,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct KioskView {
    pub screen: Option<Screen>,
    pub display: Display,
    /// The person at the kiosk, or "" before anyone is chosen.
    pub person_name: String,
    /// The supporter with the person, or "" when on their own.
    pub supporter: String,
    pub helping: bool,
    pub picker: PickerView,
    pub mat: MatView,
    pub highlighted_action: HighlightedAction,
    /// The newest message for staff, or "".
    pub staff_notice: String,
    /// Filled in by the shell, which knows the voice.
    pub no_sound: bool,
    /// What the person does is being saved (false: a full disk).
    pub saving: bool,
    /// Counts presses that could do nothing: the screen answers each new one.
    pub presses_that_did_nothing: u32,
    /// One-switch scanning waits for a press: the screen says so. Filled in
    /// by the shell, which runs the scanning.
    pub press_to_scan: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PickerView {
    /// The items on the page shown, in order.
    pub items: Vec<PickerItemView>,
    /// "page 1 of 2", or "" when everything fits on one page.
    pub page_label: String,
    pub can_say_not_now: bool,
    pub can_change_person: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PickerItemView {
    pub title: String,
    pub picture: PictureRef,
    pub highlighted: bool,
    /// A check-in due now.
    pub due: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MatView {
    pub topic_title: String,
    pub points: Vec<PointView>,
    /// The card on offer, while there is one.
    pub card: Option<CardView>,
    /// While a card is picked up: "Where does tea go?"; else "".
    pub picked_prompt: String,
    /// "card 3 of 6".
    pub progress: String,
    /// On a "you said, we did" mat, what the person said, shown as well as
    /// spoken: "You said you don't like tea."; else "".
    pub said_before: String,
    /// What the finished screen says of the mat.
    pub end_words: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointView {
    pub label: String,
    pub symbol: PictureRef,
    pub rgb: (u8, u8, u8),
    pub cards: Vec<CardView>,
    pub highlighted: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardView {
    /// The card's index in the topic, for picking it up.
    pub index: usize,
    pub label: String,
    pub picture: PictureRef,
    pub marked: bool,
    pub picked: bool,
    pub highlighted: bool,
    /// How far off the centre of its point: -0.45 .. 0.45.
    pub offset: f32,
}

/// The colour of a point without a valid one of its own.
const NEUTRAL_GREY: (u8, u8, u8) = (0x55, 0x55, 0x55);

impl<Z: TimeZone> Flow<Z> {
    /// Everything the screen shows now.
    pub fn view(&self) -> KioskView {
        let company = self.company();
        let mut view = KioskView {
            screen: Some(self.screen()),
            display: self.voicing().display,
            person_name: self
                .person()
                .map(|p| p.person.name.clone())
                .unwrap_or_default(),
            supporter: company.supporter.clone().unwrap_or_default(),
            helping: company.helped,
            staff_notice: self.notices().last().cloned().unwrap_or_default(),
            saving: self.saving(),
            presses_that_did_nothing: self.presses_that_did_nothing(),
            ..KioskView::default()
        };
        match (self.picker(), self.session()) {
            (Some(picker), _) => {
                view.picker = self.picker_view(picker);
                view.highlighted_action = picker_action(picker.highlighted_choice());
            }
            (None, Some(session)) => {
                view.mat = mat_view(session, self.saving());
                view.highlighted_action = mat_action(session.highlighted_choice());
            }
            (None, None) => {}
        }
        view
    }

    fn picker_view(&self, picker: &Picker) -> PickerView {
        let highlighted = picker.highlighted_choice();
        let items = picker
            .on_page()
            .into_iter()
            .map(|i| {
                let (title, picture) = self.picker_item(picker, i);
                PickerItemView {
                    title,
                    picture,
                    highlighted: highlighted == Some(PickerChoice::Item(i)),
                    due: picker.due() == Some(i),
                }
            })
            .collect();
        let choices = picker.choices();
        PickerView {
            items,
            page_label: if picker.pages() > 1 {
                format!("page {} of {}", picker.page() + 1, picker.pages())
            } else {
                String::new()
            },
            can_say_not_now: choices.contains(&PickerChoice::NotNow),
            can_change_person: choices.contains(&PickerChoice::SomeoneElse),
        }
    }

    /// An item's title and picture: a person's photo, a topic's picture, a
    /// supporter's name, or the partial mat to carry on with.
    fn picker_item(&self, picker: &Picker, item: usize) -> (String, PictureRef) {
        let config = self.config();
        match picker.kind() {
            PickerKind::People => {
                let person = &config.people[item];
                (
                    person.person.name.clone(),
                    person
                        .photo
                        .clone()
                        .map_or(PictureRef::None, PictureRef::File),
                )
            }
            // "On my own" has a picture of its own, unlike the supporters
            // (who show the person placeholder).
            PickerKind::Company if item == 0 => (
                picker.title(item).to_string(),
                PictureRef::InSet(ON_MY_OWN_PICTURE.to_string()),
            ),
            PickerKind::Company => (picker.title(item).to_string(), PictureRef::None),
            PickerKind::Resume if item == 0 => (
                format!("Carry on: {}", picker.title(item)),
                PictureRef::in_set(self.paused_topic().and_then(|t| t.picture.as_deref())),
            ),
            PickerKind::Resume => (
                capitalised(picker.title(item)),
                PictureRef::InSet(START_AFRESH_PICTURE.to_string()),
            ),
            PickerKind::Leave if item == 0 => (
                format!("Carry on: {}", picker.title(item)),
                self.session().map_or(PictureRef::None, |s| {
                    PictureRef::in_set(s.topic().picture.as_deref())
                }),
            ),
            PickerKind::Leave => (
                capitalised(picker.title(item)),
                PictureRef::InSet(STOP_FOR_NOW_PICTURE.to_string()),
            ),
            PickerKind::Topics => {
                let topic = &config.topics[self.person_topics()[item]];
                // A topic with no picture of its own shows its first card's
                // (a family's first photo), not a blank frame.
                let picture = topic
                    .picture
                    .as_deref()
                    .or_else(|| topic.cards.iter().find_map(|c| c.picture.as_deref()));
                (topic.title.clone(), PictureRef::in_set(picture))
            }
        }
    }
}

/// A choice's words as written on its button: spoken in lower case ("stop
/// for now"), shown with a capital like the other choices beside it.
fn capitalised(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The picture of "start again", one of sayso's own.
const START_AFRESH_PICTURE: &str = "bundled:start-afresh.svg";
/// The picture of "on my own" (nobody with the person), one of sayso's own.
const ON_MY_OWN_PICTURE: &str = "bundled:on-my-own.svg";
/// The picture of "stop for now" (leaving a mat), one of sayso's own.
const STOP_FOR_NOW_PICTURE: &str = "bundled:stop-for-now.svg";

fn mat_view(session: &MatSession, saving: bool) -> MatView {
    let topic = session.topic();
    let highlighted = session.highlighted_choice();
    let card_view = |index: usize| {
        let card = &topic.cards[index];
        CardView {
            index,
            label: card.label.clone(),
            picture: PictureRef::in_set(card.picture.as_deref()),
            marked: session.is_marked(index),
            picked: session.card_picked_up() == Some(index),
            highlighted: highlighted == Some(Choice::Card(index)),
            offset: session
                .spot_of(index)
                .map_or(0.0, |spot| f32::from(spot.offset) / 100.0),
        }
    };
    let points = topic
        .scale
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| PointView {
            label: point.label.clone(),
            symbol: PictureRef::InSet(point.symbol.clone()),
            rgb: point.rgb().unwrap_or(NEUTRAL_GREY),
            cards: session.cards_on(i).into_iter().map(card_view).collect(),
            highlighted: highlighted == Some(Choice::Point(i)),
        })
        .collect();
    let card = match session.stage() {
        Stage::Offering { card } => Some(card_view(card)),
        _ => None,
    };
    let total = topic.cards.len();
    let told = topic.id.as_str() == TOLD_BACK_TOPIC;
    // Never "saved" when it is not; a "you said, we did" mat is an answer,
    // not a mat about a topic called "You said, we did".
    let end_words = match (told, saving) {
        (true, true) => "Your answer is saved.".to_string(),
        (true, false) => "Thank you for your answer.".to_string(),
        (false, true) => format!("Your mat about {} is saved.", topic.title),
        (false, false) => format!("Your mat about {} is finished.", topic.title),
    };
    MatView {
        topic_title: topic.title.clone(),
        points,
        card,
        picked_prompt: session.picked_prompt().unwrap_or_default(),
        progress: format!("card {} of {total}", (session.dealt_count() + 1).min(total)),
        said_before: if told {
            topic.question.clone()
        } else {
            String::new()
        },
        end_words,
    }
}

fn picker_action(choice: Option<PickerChoice>) -> HighlightedAction {
    match choice {
        Some(PickerChoice::MoreTopics) => HighlightedAction::MoreTopics,
        Some(PickerChoice::NotNow) => HighlightedAction::NotNow,
        Some(PickerChoice::SomeoneElse) => HighlightedAction::SomeoneElse,
        Some(PickerChoice::SayAgain) => HighlightedAction::SayAgain,
        Some(PickerChoice::Item(_)) | None => HighlightedAction::None,
    }
}

fn mat_action(choice: Option<Choice>) -> HighlightedAction {
    match choice {
        Some(Choice::Finish) => HighlightedAction::Finish,
        Some(Choice::Undo) => HighlightedAction::Undo,
        Some(Choice::SayAgain) => HighlightedAction::SayAgain,
        Some(Choice::StartAgain) => HighlightedAction::StartAgain,
        Some(Choice::Skip) => HighlightedAction::Skip,
        Some(Choice::SomethingElse) => HighlightedAction::SomethingElse,
        Some(Choice::TellMeMore) => HighlightedAction::TellMeMore,
        Some(Choice::PutBack) => HighlightedAction::PutBack,
        Some(Choice::Point(_) | Choice::Card(_)) | None => HighlightedAction::None,
    }
}
