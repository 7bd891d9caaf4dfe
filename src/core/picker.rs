//! The pickers: the people of a shared home by their photos, and a person's
//! topics by their pictures. Six to a page; more than fit go on to another
//! page, never squeezed smaller. A topic due now (a daily check-in) comes
//! first, is named when the picker opens, and can be turned down ("not now").
//!
//! Like the mat, a picker is driven by events alone and answers with what to
//! say and what was chosen; switch users scan over the items and buttons.

use super::event::{Event, Step};
use super::phrases::{Phrases, Prompt};
use super::session::{SpeakMode, Utterance};
use super::voicing::Voicing;

/// Items on one page: two rows of three, or three rows of two.
pub const PAGE_SIZE: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    People,
    /// Who is with the person: "on my own" first, then the supporters.
    Company,
    /// A mat left part-way: carry on (0) or start again (1).
    Resume,
    Topics,
    /// Back from a mat's first card: carry on with it (0) or stop for now (1).
    Leave,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerChoice {
    /// A person or a topic, by index.
    Item(usize),
    MoreTopics,
    /// Turn down the check-in that is due.
    NotNow,
    /// Back to the people of the home.
    SomeoneElse,
    SayAgain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerEffect {
    Say(Utterance),
    /// The person or topic at this index was chosen.
    Chosen(usize),
    /// The check-in due was turned down.
    Declined,
    SomeoneElse,
}

#[derive(Debug, Clone)]
pub struct Picker {
    kind: PickerKind,
    titles: Vec<String>,
    /// The item due now (a check-in's topic), shown first.
    due: Option<usize>,
    /// Whether there is someone else to switch to.
    others: bool,
    page: usize,
    highlight: Option<usize>,
    phrases: Phrases,
    auditory_cues: bool,
}

impl Picker {
    /// A picker that speaks with these words, naming what the highlight
    /// lands on when the person uses auditory scanning.
    pub fn new(kind: PickerKind, titles: Vec<String>, voicing: &Voicing) -> Picker {
        let phrases = voicing.phrases.clone();
        let auditory_cues = voicing.auditory_cues;
        Picker {
            kind,
            titles,
            due: None,
            others: false,
            page: 0,
            highlight: None,
            phrases,
            auditory_cues,
        }
    }

    /// Offers this item as due now (a check-in), or none.
    pub fn set_due(&mut self, due: Option<usize>) {
        self.due = due.filter(|&i| i < self.titles.len());
        self.page = 0;
        self.highlight = None;
    }

    pub fn due(&self) -> Option<usize> {
        self.due
    }

    /// Whether "someone else" is on offer (a home of several people).
    pub fn set_others(&mut self, others: bool) {
        self.others = others;
    }

    pub fn title(&self, item: usize) -> &str {
        &self.titles[item]
    }

    pub fn kind(&self) -> PickerKind {
        self.kind
    }

    /// What is said when the picker opens: the question, or the check-in
    /// that is due.
    pub fn greeting(&self) -> Vec<PickerEffect> {
        let text = match (self.kind, self.due) {
            (PickerKind::Topics, Some(due)) => self
                .phrases
                .get(Prompt::CheckInDue)
                .text
                .replace("{topic}", &self.titles[due]),
            (PickerKind::Topics, None) => self.phrases.get(Prompt::ChooseTopic).text.clone(),
            (PickerKind::People, _) => self.phrases.get(Prompt::ChoosePerson).text.clone(),
            (PickerKind::Company, _) => self.phrases.get(Prompt::ChooseCompany).text.clone(),
            (PickerKind::Resume, _) => self
                .phrases
                .get(Prompt::WelcomeBack)
                .text
                .replace("{topic}", &self.titles[0]),
            (PickerKind::Leave, _) => self
                .phrases
                .get(Prompt::LeaveMat)
                .text
                .replace("{topic}", &self.titles[0]),
        };
        vec![say(&text, SpeakMode::Interrupt)]
    }

    /// The items in the order shown: the one due first, then the others.
    fn order(&self) -> Vec<usize> {
        let rest = (0..self.titles.len()).filter(|&i| Some(i) != self.due);
        self.due.into_iter().chain(rest).collect()
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn pages(&self) -> usize {
        self.titles.len().div_ceil(PAGE_SIZE).max(1)
    }

    /// The indices of the items on the page shown, in the order shown.
    pub fn on_page(&self) -> Vec<usize> {
        self.order()
            .into_iter()
            .skip(self.page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect()
    }

    pub fn choices(&self) -> Vec<PickerChoice> {
        let mut choices: Vec<PickerChoice> =
            self.on_page().into_iter().map(PickerChoice::Item).collect();
        if self.pages() > 1 {
            choices.push(PickerChoice::MoreTopics);
        }
        if self.due.is_some() {
            choices.push(PickerChoice::NotNow);
        }
        if self.others {
            choices.push(PickerChoice::SomeoneElse);
        }
        choices.push(PickerChoice::SayAgain);
        choices
    }

    pub fn highlighted_choice(&self) -> Option<PickerChoice> {
        self.highlight.and_then(|i| self.choices().get(i).copied())
    }

    pub fn handle(&mut self, event: Event) -> Vec<PickerEffect> {
        match event {
            // A tap counts on the page shown, as do direct buttons and keys 1..5.
            Event::Choose(n) | Event::PlaceOn(n) => match self.on_page().get(n) {
                Some(&item) => vec![PickerEffect::Chosen(item)],
                None => Vec::new(),
            },
            Event::NextPage => self.next_page(),
            Event::NotNow if self.due.is_some() => self.decline(),
            Event::SomeoneElse if self.others => vec![PickerEffect::SomeoneElse],
            Event::MoveHighlight(step) => {
                self.move_highlight(step);
                self.cue()
                    .into_iter()
                    .map(|effect| match effect {
                        PickerEffect::Say(utterance) => PickerEffect::Say(Utterance {
                            cue: true,
                            ..utterance
                        }),
                        other => other,
                    })
                    .collect()
            }
            Event::Select => match self.highlighted_choice() {
                Some(PickerChoice::Item(item)) => vec![PickerEffect::Chosen(item)],
                Some(PickerChoice::MoreTopics) => self.next_page(),
                Some(PickerChoice::NotNow) => self.decline(),
                Some(PickerChoice::SomeoneElse) => vec![PickerEffect::SomeoneElse],
                Some(PickerChoice::SayAgain) | None => self.say_again(),
            },
            Event::SayAgain => self.say_again(),
            _ => Vec::new(),
        }
    }

    fn decline(&mut self) -> Vec<PickerEffect> {
        self.set_due(None);
        let mut effects = vec![PickerEffect::Declined];
        effects.extend(self.greeting());
        effects
    }

    fn next_page(&mut self) -> Vec<PickerEffect> {
        self.page = (self.page + 1) % self.pages();
        self.highlight = None;
        self.say_again()
    }

    /// The question, then the titles on this page.
    fn say_again(&self) -> Vec<PickerEffect> {
        let mut effects = self.greeting();
        effects.extend(
            self.on_page()
                .into_iter()
                .map(|item| say(&self.titles[item], SpeakMode::Queue)),
        );
        effects
    }

    fn move_highlight(&mut self, step: Step) {
        self.highlight = step.from(self.highlight, self.choices().len());
    }

    fn cue(&self) -> Vec<PickerEffect> {
        if !self.auditory_cues {
            return Vec::new();
        }
        let prompt = match self.highlighted_choice() {
            Some(PickerChoice::Item(item)) => {
                return vec![say(&self.titles[item], SpeakMode::Interrupt)]
            }
            Some(PickerChoice::MoreTopics) => Prompt::CueMoreTopics,
            Some(PickerChoice::NotNow) => Prompt::CueNotNow,
            Some(PickerChoice::SomeoneElse) => Prompt::CueSomeoneElse,
            Some(PickerChoice::SayAgain) => Prompt::CueSayAgain,
            None => return Vec::new(),
        };
        let text = self.phrases.get(prompt).text.clone();
        vec![say(&text, SpeakMode::Interrupt)]
    }
}

fn say(text: &str, mode: SpeakMode) -> PickerEffect {
    PickerEffect::Say(Utterance {
        text: text.to_string(),
        clip: None,
        mode,
        cue: false,
        volume: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picker(topics: usize) -> Picker {
        let titles = (1..=topics).map(|i| format!("topic {i}")).collect();
        let voicing = Voicing {
            auditory_cues: true,
            ..Voicing::default()
        };
        Picker::new(PickerKind::Topics, titles, &voicing)
    }

    fn said(effects: &[PickerEffect]) -> Vec<&str> {
        effects
            .iter()
            .filter_map(|e| match e {
                PickerEffect::Say(u) => Some(u.text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_tap_or_a_number_key_chooses() {
        let mut p = picker(3);
        assert_eq!(p.handle(Event::Choose(2)), [PickerEffect::Chosen(2)]);
        assert_eq!(p.handle(Event::PlaceOn(0)), [PickerEffect::Chosen(0)]);
        assert!(p.handle(Event::PlaceOn(3)).is_empty(), "no fourth topic");
        assert!(p.handle(Event::Choose(7)).is_empty());
    }

    #[test]
    fn more_topics_than_fit_are_paged_never_squeezed() {
        let mut p = picker(8);
        assert_eq!(p.pages(), 2);
        assert_eq!(p.on_page(), [0, 1, 2, 3, 4, 5]);
        assert_eq!(
            p.choices().len(),
            6 + 2,
            "six topics, more topics, say again"
        );
        let effects = p.handle(Event::NextPage);
        assert_eq!(p.on_page(), [6, 7]);
        assert_eq!(
            said(&effects),
            ["What would you like to talk about?", "topic 7", "topic 8"]
        );
        // Keys count on the page shown.
        assert_eq!(p.handle(Event::PlaceOn(1)), [PickerEffect::Chosen(7)]);
        p.handle(Event::NextPage);
        assert_eq!(p.page(), 0, "round to the first page again");
        assert!(!picker(6).choices().contains(&PickerChoice::MoreTopics));
    }

    #[test]
    fn scanning_names_each_topic_and_select_chooses_the_one_highlighted() {
        let mut p = picker(7);
        let cues: Vec<String> = (0..8)
            .flat_map(|_| p.handle(Event::MoveHighlight(Step::Forward)))
            .flat_map(|e| said(&[e]).into_iter().map(String::from).collect::<Vec<_>>())
            .collect();
        assert_eq!(
            cues,
            [
                "topic 1",
                "topic 2",
                "topic 3",
                "topic 4",
                "topic 5",
                "topic 6",
                "more topics",
                "say again"
            ]
        );
        p.handle(Event::MoveHighlight(Step::Forward));
        p.handle(Event::MoveHighlight(Step::Forward));
        assert_eq!(p.handle(Event::Select), [PickerEffect::Chosen(1)]);
    }

    #[test]
    fn a_check_in_due_comes_first_is_named_and_can_be_turned_down() {
        let mut p = picker(3);
        p.set_due(Some(2));
        assert_eq!(p.on_page(), [2, 0, 1]);
        assert_eq!(said(&p.greeting()), ["It's time for topic 3."]);
        assert!(p.choices().contains(&PickerChoice::NotNow));
        assert_eq!(
            p.handle(Event::PlaceOn(0)),
            [PickerEffect::Chosen(2)],
            "key 1: the topic due"
        );
        let effects = p.handle(Event::NotNow);
        assert_eq!(effects[0], PickerEffect::Declined);
        assert_eq!(said(&effects), ["What would you like to talk about?"]);
        assert_eq!(p.on_page(), [0, 1, 2], "back in the usual order");
        assert!(
            p.handle(Event::NotNow).is_empty(),
            "nothing left to turn down"
        );
    }

    #[test]
    fn someone_else_is_offered_only_in_a_home_of_several_people() {
        let mut p = picker(2);
        assert!(p.handle(Event::SomeoneElse).is_empty());
        p.set_others(true);
        assert_eq!(p.handle(Event::SomeoneElse), [PickerEffect::SomeoneElse]);
        let people = Picker::new(
            PickerKind::People,
            vec!["Alex".into(), "Sam".into()],
            &Voicing::default(),
        );
        assert_eq!(said(&people.greeting()), ["Who is here? Touch your photo."]);
    }
}
