//! The topic picker: where a person's turn begins. Each topic is shown by its
//! picture and title, six to a page; a topic with more than fit goes on to
//! another page, never squeezed smaller. The topic that is due now (a daily
//! check-in) comes first.
//!
//! Like the mat, the picker is driven by `(event)` alone and answers with
//! what to say and which topic to start; switch users scan over the topics
//! and "more topics".

use super::event::{Event, Step};
use super::phrases::{Phrases, Prompt};
use super::session::{SpeakMode, Utterance};

/// Topics on one page: two rows of three, or three rows of two.
pub const PAGE_SIZE: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerChoice {
    Topic(usize),
    MoreTopics,
    SayAgain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerEffect {
    Say(Utterance),
    /// Start a mat on the topic at this index.
    Start(usize),
}

#[derive(Debug, Clone)]
pub struct TopicPicker {
    titles: Vec<String>,
    page: usize,
    highlight: Option<usize>,
    phrases: Phrases,
    auditory_cues: bool,
}

impl TopicPicker {
    pub fn new(titles: Vec<String>, phrases: Phrases, auditory_cues: bool) -> TopicPicker {
        TopicPicker {
            titles,
            page: 0,
            highlight: None,
            phrases,
            auditory_cues,
        }
    }

    /// What is said when the picker opens.
    pub fn greeting(&self) -> Vec<PickerEffect> {
        vec![say(
            &self.phrases.get(Prompt::ChooseTopic).text,
            SpeakMode::Interrupt,
        )]
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn pages(&self) -> usize {
        self.titles.len().div_ceil(PAGE_SIZE).max(1)
    }

    /// The indices of the topics on the page shown.
    pub fn on_page(&self) -> std::ops::Range<usize> {
        let start = self.page * PAGE_SIZE;
        start..(start + PAGE_SIZE).min(self.titles.len())
    }

    pub fn choices(&self) -> Vec<PickerChoice> {
        let mut choices: Vec<PickerChoice> = self.on_page().map(PickerChoice::Topic).collect();
        if self.pages() > 1 {
            choices.push(PickerChoice::MoreTopics);
        }
        choices.push(PickerChoice::SayAgain);
        choices
    }

    pub fn highlighted_choice(&self) -> Option<PickerChoice> {
        self.highlight.and_then(|i| self.choices().get(i).copied())
    }

    pub fn handle(&mut self, event: Event) -> Vec<PickerEffect> {
        match event {
            Event::ChooseTopic(topic) if topic < self.titles.len() => {
                vec![PickerEffect::Start(topic)]
            }
            // Direct buttons and keys 1..5 choose among the topics on the page.
            Event::PlaceOn(n) => match self.on_page().nth(n) {
                Some(topic) => vec![PickerEffect::Start(topic)],
                None => Vec::new(),
            },
            Event::NextPage => self.next_page(),
            Event::MoveHighlight(step) => {
                self.move_highlight(step);
                self.cue()
            }
            Event::Select => match self.highlighted_choice() {
                Some(PickerChoice::Topic(topic)) => vec![PickerEffect::Start(topic)],
                Some(PickerChoice::MoreTopics) => self.next_page(),
                Some(PickerChoice::SayAgain) | None => self.say_again(),
            },
            Event::SayAgain => self.say_again(),
            _ => Vec::new(),
        }
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
                .map(|topic| say(&self.titles[topic], SpeakMode::Queue)),
        );
        effects
    }

    fn move_highlight(&mut self, step: Step) {
        let count = self.choices().len();
        self.highlight = Some(match (self.highlight, step) {
            (None, Step::Forward) => 0,
            (None, Step::Back) => count - 1,
            (Some(i), Step::Forward) => (i + 1) % count,
            (Some(i), Step::Back) => (i + count - 1) % count,
        });
    }

    fn cue(&self) -> Vec<PickerEffect> {
        if !self.auditory_cues {
            return Vec::new();
        }
        let text = match self.highlighted_choice() {
            Some(PickerChoice::Topic(topic)) => self.titles[topic].clone(),
            Some(PickerChoice::MoreTopics) => self.phrases.get(Prompt::CueMoreTopics).text.clone(),
            Some(PickerChoice::SayAgain) => self.phrases.get(Prompt::CueSayAgain).text.clone(),
            None => return Vec::new(),
        };
        vec![say(&text, SpeakMode::Interrupt)]
    }
}

fn say(text: &str, mode: SpeakMode) -> PickerEffect {
    PickerEffect::Say(Utterance {
        text: text.to_string(),
        clip: None,
        mode,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picker(topics: usize) -> TopicPicker {
        let titles = (1..=topics).map(|i| format!("topic {i}")).collect();
        TopicPicker::new(titles, Phrases::default(), true)
    }

    fn said(effects: &[PickerEffect]) -> Vec<&str> {
        effects
            .iter()
            .filter_map(|e| match e {
                PickerEffect::Say(u) => Some(u.text.as_str()),
                PickerEffect::Start(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_tap_or_a_number_key_starts_a_topic() {
        let mut p = picker(3);
        assert_eq!(p.handle(Event::ChooseTopic(2)), [PickerEffect::Start(2)]);
        assert_eq!(p.handle(Event::PlaceOn(0)), [PickerEffect::Start(0)]);
        assert!(p.handle(Event::PlaceOn(3)).is_empty(), "no fourth topic");
        assert!(p.handle(Event::ChooseTopic(7)).is_empty());
    }

    #[test]
    fn more_topics_than_fit_are_paged_never_squeezed() {
        let mut p = picker(8);
        assert_eq!(p.pages(), 2);
        assert_eq!(p.on_page(), 0..6);
        assert_eq!(
            p.choices().len(),
            6 + 2,
            "six topics, more topics, say again"
        );
        let effects = p.handle(Event::NextPage);
        assert_eq!(p.on_page(), 6..8);
        assert_eq!(
            said(&effects),
            ["What would you like to talk about?", "topic 7", "topic 8"]
        );
        // Keys count on the page shown.
        assert_eq!(p.handle(Event::PlaceOn(1)), [PickerEffect::Start(7)]);
        p.handle(Event::NextPage);
        assert_eq!(p.page(), 0, "round to the first page again");
        assert!(!picker(6).choices().contains(&PickerChoice::MoreTopics));
    }

    #[test]
    fn scanning_names_each_topic_and_select_starts_the_one_highlighted() {
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
        assert_eq!(p.handle(Event::Select), [PickerEffect::Start(1)]);
    }
}
