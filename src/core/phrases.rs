//! The words the kiosk speaks that are not a card's or a scale point's own:
//! its prompts and cues. A voice pack (`voices/`) can reword each one and
//! give it a recorded clip; these are the English defaults.

use std::collections::BTreeMap;

/// Every prompt the kiosk speaks, by the key a voice pack uses for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Prompt {
    /// Asked on the people picker of a shared home.
    ChoosePerson,
    /// Asked before the topics when the home has supporters.
    ChooseCompany,
    /// The choice of being on one's own, on that screen.
    OnMyOwn,
    /// Said when a person comes back to a mat they left part-way;
    /// `{topic}` is its title.
    WelcomeBack,
    CarryOn,
    StartAfresh,
    /// Asked when the person goes back from a mat's first card; `{topic}`
    /// is its title.
    LeaveMat,
    /// The choice, then, of leaving the mat (kept, to carry on later).
    StopForNow,
    /// Asked on the topic picker.
    ChooseTopic,
    /// Said on the topic picker when a check-in is due; `{topic}` is its title.
    CheckInDue,
    /// How a card is offered; `{card}` is the card's name.
    Offer,
    /// Spoken when the review begins, before the summary.
    ReviewIntro,
    /// Spoken on the review when the mat has nothing on it.
    ReviewEmpty,
    /// Spoken when the mat is finished. Deliberately neutral: the device
    /// never praises one answer over another.
    Finished,
    /// Said instead when the journal cannot be written just now.
    FinishedUnsaved,
    /// The card on offer is skipped; `{card}` is its name.
    Skipped,
    /// The name of the blank card a person adds for something not offered.
    SomethingElse,
    /// A placed card was picked up to be moved; `{card}` is its name.
    PickedUp,
    /// Said for the person when they ask staff to follow a card up.
    TellMeMore,
    /// The review's last line when cards are marked; `{cards}` lists them.
    ReviewTellMeMore,
    /// Auditory-scanning cues for the buttons on screen: short, so a person
    /// scanning hears each one quickly.
    CueSayAgain,
    CueBack,
    CueFinish,
    CueStartAgain,
    CueSkip,
    CueSomethingElse,
    CueTellMeMore,
    CuePutBack,
    CueMoreTopics,
    CueNotNow,
    CueSomeoneElse,
    /// The title of a mat that tells the person what staff did about
    /// something they said.
    YouSaidWeDid,
    /// How that mat begins; `{what}` is what they said, as the review says
    /// it ("you don't like swimming").
    YouSaid,
}

impl Prompt {
    pub const ALL: [Prompt; 33] = [
        Prompt::ChoosePerson,
        Prompt::ChooseCompany,
        Prompt::OnMyOwn,
        Prompt::WelcomeBack,
        Prompt::CarryOn,
        Prompt::StartAfresh,
        Prompt::LeaveMat,
        Prompt::StopForNow,
        Prompt::ChooseTopic,
        Prompt::CheckInDue,
        Prompt::Offer,
        Prompt::ReviewIntro,
        Prompt::ReviewEmpty,
        Prompt::Finished,
        Prompt::FinishedUnsaved,
        Prompt::Skipped,
        Prompt::SomethingElse,
        Prompt::PickedUp,
        Prompt::TellMeMore,
        Prompt::ReviewTellMeMore,
        Prompt::CueSayAgain,
        Prompt::CueBack,
        Prompt::CueFinish,
        Prompt::CueStartAgain,
        Prompt::CueSkip,
        Prompt::CueSomethingElse,
        Prompt::CueTellMeMore,
        Prompt::CuePutBack,
        Prompt::CueMoreTopics,
        Prompt::CueNotNow,
        Prompt::CueSomeoneElse,
        Prompt::YouSaidWeDid,
        Prompt::YouSaid,
    ];

    /// The placeholder a pack's wording must keep, if any.
    pub fn placeholder(self) -> Option<&'static str> {
        match self {
            Prompt::Offer | Prompt::Skipped | Prompt::PickedUp | Prompt::TellMeMore => {
                Some("{card}")
            }
            Prompt::ReviewTellMeMore => Some("{cards}"),
            Prompt::CheckInDue | Prompt::WelcomeBack | Prompt::LeaveMat => Some("{topic}"),
            Prompt::YouSaid => Some("{what}"),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Prompt::ChoosePerson => "choose_person",
            Prompt::ChooseCompany => "choose_company",
            Prompt::OnMyOwn => "on_my_own",
            Prompt::WelcomeBack => "welcome_back",
            Prompt::CarryOn => "carry_on",
            Prompt::StartAfresh => "start_afresh",
            Prompt::LeaveMat => "leave_mat",
            Prompt::StopForNow => "stop_for_now",
            Prompt::ChooseTopic => "choose_topic",
            Prompt::CheckInDue => "check_in_due",
            Prompt::Offer => "offer",
            Prompt::ReviewIntro => "review_intro",
            Prompt::ReviewEmpty => "review_empty",
            Prompt::Finished => "finished",
            Prompt::FinishedUnsaved => "finished_unsaved",
            Prompt::Skipped => "skipped",
            Prompt::SomethingElse => "something_else",
            Prompt::PickedUp => "picked_up",
            Prompt::TellMeMore => "tell_me_more",
            Prompt::ReviewTellMeMore => "review_tell_me_more",
            Prompt::CueSayAgain => "cue_say_again",
            Prompt::CueBack => "cue_back",
            Prompt::CueFinish => "cue_finish",
            Prompt::CueStartAgain => "cue_start_again",
            Prompt::CueSkip => "cue_skip",
            Prompt::CueSomethingElse => "cue_something_else",
            Prompt::CueTellMeMore => "cue_tell_me_more",
            Prompt::CuePutBack => "cue_put_back",
            Prompt::CueMoreTopics => "cue_more_topics",
            Prompt::CueNotNow => "cue_not_now",
            Prompt::CueSomeoneElse => "cue_someone_else",
            Prompt::YouSaidWeDid => "you_said_we_did",
            Prompt::YouSaid => "you_said",
        }
    }

    fn default_text(self) -> &'static str {
        match self {
            Prompt::ChoosePerson => "Who is here? Touch your photo.",
            Prompt::ChooseCompany => "Who is with you?",
            Prompt::OnMyOwn => "on my own",
            Prompt::WelcomeBack => "Welcome back. Carry on with {topic}, or start again?",
            Prompt::CarryOn => "carry on",
            Prompt::StartAfresh => "start again",
            Prompt::LeaveMat => "Stop {topic} for now? You can carry on later.",
            Prompt::StopForNow => "stop for now",
            Prompt::ChooseTopic => "What would you like to talk about?",
            Prompt::CheckInDue => "It's time for {topic}.",
            Prompt::Offer => "{card}",
            Prompt::ReviewIntro => "Let's look at your mat.",
            Prompt::ReviewEmpty => "Your mat is empty.",
            Prompt::Finished => "Your mat is finished and saved.",
            // Said while the journal cannot be written (a full disk): never
            // "saved" when it is not.
            Prompt::FinishedUnsaved => "Your mat is finished.",
            Prompt::Skipped => "Skip {card}.",
            Prompt::SomethingElse => "something else",
            Prompt::PickedUp => "Where does {card} go?",
            Prompt::TellMeMore => "I want to tell you more about {card}.",
            Prompt::ReviewTellMeMore => "You want to tell us more about {cards}.",
            Prompt::CueSayAgain => "say again",
            Prompt::CueBack => "back",
            Prompt::CueFinish => "finish",
            Prompt::CueStartAgain => "start again",
            Prompt::CueSkip => "skip",
            Prompt::CueSomethingElse => "something else",
            Prompt::CueTellMeMore => "tell me more",
            Prompt::CuePutBack => "leave it there",
            Prompt::CueMoreTopics => "more topics",
            Prompt::CueNotNow => "not now",
            Prompt::CueSomeoneElse => "someone else",
            Prompt::YouSaidWeDid => "You said, we did",
            Prompt::YouSaid => "You said {what}.",
        }
    }
}

/// A prompt's words, and a recorded clip of them if there is one (an
/// absolute path, or relative to the picture set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub text: String,
    pub clip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrases {
    phrases: BTreeMap<Prompt, Phrase>,
}

impl Default for Phrases {
    fn default() -> Self {
        let phrases = Prompt::ALL
            .into_iter()
            .map(|prompt| {
                (
                    prompt,
                    Phrase {
                        text: prompt.default_text().to_string(),
                        clip: None,
                    },
                )
            })
            .collect();
        Phrases { phrases }
    }
}

impl Phrases {
    pub fn get(&self, prompt: Prompt) -> &Phrase {
        &self.phrases[&prompt]
    }

    /// The defaults, with these prompts reworded.
    pub fn with(mut self, prompt: Prompt, phrase: Phrase) -> Phrases {
        self.phrases.insert(prompt, phrase);
        self
    }
}
