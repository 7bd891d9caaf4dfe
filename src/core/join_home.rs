//! Joining the home's hub from the kiosk's staff screen: the hub's address
//! and the pairing code typed on a big keypad, then the hub's key shown as
//! four words for staff to compare with the hub's Kiosks page. The code is
//! given to the hub only after staff said the words are the same, and only
//! to a hub showing that key.
//!
//! No I/O: the shell reaches the hub and answers with
//! [`JoinHome::key_seen`] and [`JoinHome::joined`].

/// The hub's port when staff type none (`sayso serve`'s own).
pub const HUB_PORT: u16 = 8470;
const LONGEST_ADDRESS: usize = 64;
/// A pairing code: 12 letters and digits, shown in threes of four.
const CODE_LENGTH: usize = 12;
/// What a pairing code is made of: no 0, 1, I, L or O to mistake.
const CODE_CHARACTERS: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// The keypad's rows, as on a keyboard, with what an address may hold.
const KEYPAD: [&str; 4] = ["1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm.:"];
/// The keypad's last key, after the rows' characters.
pub const ERASE_KEY: &str = "Erase";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JoinStage {
    /// Typing the hub's address.
    #[default]
    Address,
    /// Typing the pairing code.
    Code,
    /// Asking the hub for its key.
    Reaching,
    /// The key's words, for staff to compare with the hub's page.
    Compare,
    /// Giving the code, then bringing this kiosk's mats to the hub.
    Joining,
    /// Joined: the message says what came of it.
    Joined,
}

/// What staff press on the joining screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinInput {
    /// A key of the keypad.
    Key(char),
    Erase,
    /// On to the next step (the code; asking the hub).
    Next,
    /// Back a step; from the address, back to the staff screen.
    Back,
    /// The words are the same as on the hub's page.
    Same,
    /// The words differ: join nothing.
    NotSame,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinEffect {
    /// Reach the hub at `url` and answer with the key it shows.
    ReadKey { url: String },
    /// Give the hub `code`, trusting no key but `key`; then bring this
    /// kiosk's history to it and sync with it from then on.
    Pair {
        url: String,
        code: String,
        key: String,
    },
}

/// What the shell found of the hub's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenKey {
    /// The key's fingerprint, as pinned.
    pub key: String,
    /// The same, as the four words both sides show.
    pub words: String,
}

/// Why joining did not happen, as the shell found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinTrouble {
    /// The hub could not be reached (what the network said).
    Unreached(String),
    /// The hub refused the code (its words).
    Refused(String),
    /// The hub showed another key than the one whose words staff compared.
    OtherKey,
    /// This kiosk's people are not the hub's (which one, and what to do).
    PeopleDiffer(String),
    /// The hub's address could not be kept on this kiosk (why).
    NotKept(String),
}

impl JoinTrouble {
    /// In words for staff at the kiosk.
    pub fn message(&self) -> String {
        match self {
            JoinTrouble::Unreached(why) => format!(
                "Not reached: {why}. Check the address, and that the hub is switched on and on \
                 this kiosk's network."
            ),
            JoinTrouble::Refused(words) => format!(
                "Not joined: the hub refused the code ({words}). Make a new code on the hub's \
                 Kiosks page."
            ),
            JoinTrouble::OtherKey => "Not joined: the hub showed another key than the words you \
                                      compared. Ask whoever looks after the hub."
                .to_string(),
            JoinTrouble::PeopleDiffer(why) => format!("Not joined: {why}."),
            JoinTrouble::NotKept(why) => {
                format!("Not joined: this kiosk could not keep the hub's address ({why}).")
            }
        }
    }
}

/// A kiosk that joined its hub: where, and how many of its mats went
/// there (`None`: they go with its next sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedHome {
    pub url: String,
    pub mats: Option<usize>,
}

impl JoinedHome {
    /// In words for staff at the kiosk.
    pub fn message(&self) -> String {
        let mats = match self.mats {
            Some(1) => "1 finished mat from this kiosk is in its support plan".to_string(),
            Some(n) => format!("{n} finished mats from this kiosk are in its support plan"),
            None => "This kiosk's mats go to its support plan with the next sync".to_string(),
        };
        format!(
            "Joined the home's hub at {}. {mats}, and from now on this kiosk syncs there.",
            self.url
        )
    }
}

/// What the joining screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JoinView {
    pub stage: JoinStage,
    /// The hub's address as typed.
    pub address: String,
    /// The address the kiosk will reach: `https://HOST:PORT`.
    pub url: String,
    /// The code typed so far, in groups of four.
    pub code: String,
    /// The hub's key as four words, once seen.
    pub words: String,
    pub message: String,
    /// The keypad, row by row: for the code, in capitals, with the keys a
    /// code never has not usable.
    pub keys: Vec<Vec<JoinKey>>,
}

/// One key of the joining keypad.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinKey {
    pub label: String,
    /// False: pressing it does nothing but say why.
    pub usable: bool,
    /// The key that takes back the last character.
    pub erases: bool,
}

/// The joining screen's state, from the address typed to joined.
#[derive(Debug, Clone, Default)]
pub struct JoinHome {
    stage: JoinStage,
    address: String,
    code: String,
    seen: Option<SeenKey>,
    message: String,
}

impl JoinHome {
    pub fn stage(&self) -> JoinStage {
        self.stage
    }

    /// Waiting on the hub: the staff screen stays open meanwhile.
    pub fn waiting(&self) -> bool {
        matches!(self.stage, JoinStage::Reaching | JoinStage::Joining)
    }

    /// Staff pressed `input`: what to do, and whether the joining screen
    /// stays (false: back to the staff screen).
    pub fn input(&mut self, input: JoinInput) -> (Vec<JoinEffect>, bool) {
        let mut effects = Vec::new();
        match (self.stage, input) {
            (JoinStage::Address, JoinInput::Key(key)) => self.type_address(key),
            (JoinStage::Code, JoinInput::Key(key)) => self.type_code(key),
            (JoinStage::Address, JoinInput::Erase) => {
                self.address.pop();
                self.message.clear();
            }
            (JoinStage::Code, JoinInput::Erase) => {
                self.code.pop();
                self.message.clear();
            }
            (JoinStage::Address, JoinInput::Next) => match hub_url(&self.address) {
                Ok(_) => {
                    self.stage = JoinStage::Code;
                    self.message.clear();
                }
                Err(trouble) => self.message = trouble.message(),
            },
            (JoinStage::Code, JoinInput::Next) => {
                if self.code.len() == CODE_LENGTH {
                    self.stage = JoinStage::Reaching;
                    self.message = "Reaching the hub…".to_string();
                    effects.push(JoinEffect::ReadKey { url: self.url() });
                } else {
                    self.message = format!(
                        "A pairing code has {CODE_LENGTH} letters and digits; {} typed.",
                        self.code.len()
                    );
                }
            }
            (JoinStage::Address, JoinInput::Back) => return (effects, false),
            (JoinStage::Code, JoinInput::Back) => {
                self.stage = JoinStage::Address;
                self.message.clear();
            }
            (JoinStage::Compare, JoinInput::Same) => {
                if let Some(seen) = &self.seen {
                    effects.push(JoinEffect::Pair {
                        url: self.url(),
                        code: self.code.clone(),
                        key: seen.key.clone(),
                    });
                    self.stage = JoinStage::Joining;
                    self.message = "Joining the home: bringing this kiosk's mats to the support \
                                    plan…"
                        .to_string();
                }
            }
            (JoinStage::Compare, JoinInput::NotSame | JoinInput::Back) => {
                self.seen = None;
                self.stage = JoinStage::Address;
                self.message = "Not joined: this kiosk may not be talking to your home's hub. \
                                Check the address; if it is right, ask whoever looks after the \
                                hub before trying again."
                    .to_string();
            }
            (JoinStage::Joined, JoinInput::Next | JoinInput::Back) => return (effects, false),
            _ => {}
        }
        (effects, true)
    }

    fn type_address(&mut self, key: char) {
        let key = key.to_ascii_lowercase();
        let allowed = key.is_ascii_alphanumeric() || matches!(key, '.' | '-' | ':');
        if allowed && self.address.len() < LONGEST_ADDRESS {
            self.address.push(key);
            self.message.clear();
        }
    }

    fn type_code(&mut self, key: char) {
        let key = key.to_ascii_uppercase();
        // The code as the hub's page shows it, dashes and all.
        if matches!(key, '-' | ' ') {
            return;
        }
        if !CODE_CHARACTERS.contains(key) {
            self.message = "Pairing codes have no 0, 1, I, L or O: look at the code again (an \
                            O is a Q or a D, a 1 a 7)."
                .to_string();
            return;
        }
        if self.code.len() < CODE_LENGTH {
            self.code.push(key);
            self.message.clear();
        }
    }

    fn url(&self) -> String {
        hub_url(&self.address).unwrap_or_default()
    }

    /// The shell's answer to [`JoinEffect::ReadKey`]: the key, or why the
    /// hub could not be reached.
    pub fn key_seen(&mut self, seen: Result<SeenKey, JoinTrouble>) {
        if self.stage != JoinStage::Reaching {
            return;
        }
        match seen {
            Ok(seen) => {
                self.seen = Some(seen);
                self.stage = JoinStage::Compare;
                self.message.clear();
            }
            Err(trouble) => {
                self.stage = JoinStage::Address;
                self.message = trouble.message();
            }
        }
    }

    /// The shell's answer to [`JoinEffect::Pair`]: what came of it, or why
    /// it failed.
    pub fn joined(&mut self, outcome: Result<JoinedHome, JoinTrouble>) {
        if self.stage != JoinStage::Joining {
            return;
        }
        match outcome {
            Ok(joined) => {
                self.stage = JoinStage::Joined;
                self.message = joined.message();
            }
            Err(trouble) => {
                // A code refused is typed again; the address is kept.
                self.stage = JoinStage::Code;
                self.code.clear();
                self.seen = None;
                self.message = trouble.message();
            }
        }
    }

    pub fn view(&self) -> JoinView {
        let code: Vec<String> = self
            .code
            .as_bytes()
            .chunks(4)
            .map(|group| String::from_utf8_lossy(group).into_owned())
            .collect();
        JoinView {
            stage: self.stage,
            address: self.address.clone(),
            url: self.url(),
            code: code.join("-"),
            words: self
                .seen
                .as_ref()
                .map(|seen| seen.words.clone())
                .unwrap_or_default(),
            message: self.message.clone(),
            keys: self.keypad(),
        }
    }

    fn keypad(&self) -> Vec<Vec<JoinKey>> {
        let code = self.stage == JoinStage::Code;
        let mut rows: Vec<Vec<JoinKey>> = KEYPAD
            .iter()
            .map(|row| {
                row.chars()
                    .map(|key| {
                        let shown = if code { key.to_ascii_uppercase() } else { key };
                        JoinKey {
                            label: shown.to_string(),
                            usable: !code || CODE_CHARACTERS.contains(shown),
                            erases: false,
                        }
                    })
                    .collect()
            })
            .collect();
        if let Some(last) = rows.last_mut() {
            last.push(JoinKey {
                label: ERASE_KEY.to_string(),
                usable: true,
                erases: true,
            });
        }
        rows
    }
}

/// What is wrong with an address staff typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressTrouble {
    NotAHost,
    NotAPort,
}

impl AddressTrouble {
    /// In words for staff at the kiosk.
    pub fn message(self) -> String {
        match self {
            AddressTrouble::NotAHost => "Type the hub's address as its Kiosks page shows it, \
                                         for example 192.168.1.20 or rose-house.local."
                .to_string(),
            AddressTrouble::NotAPort => {
                "After the colon comes the hub's port: a number such as 8470.".to_string()
            }
        }
    }
}

/// The hub's address as the kiosk reaches it, from what staff typed: a
/// host name or an IP address, with or without a port (8470 if none).
pub fn hub_url(typed: &str) -> Result<String, AddressTrouble> {
    let typed = typed.trim().to_ascii_lowercase();
    let typed = typed.strip_prefix("https://").unwrap_or(&typed);
    let typed = typed.trim_end_matches('/');
    let (host, port) = match typed.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (typed, None),
    };
    let host_fits = !host.is_empty()
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-'])
        && !host.contains("..")
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !host_fits {
        return Err(AddressTrouble::NotAHost);
    }
    let port = match port {
        None => HUB_PORT,
        Some(port) => match port.parse::<u16>() {
            Ok(port) if port > 0 => port,
            _ => return Err(AddressTrouble::NotAPort),
        },
    };
    Ok(format!("https://{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(join: &mut JoinHome, keys: &str) {
        for key in keys.chars() {
            join.input(JoinInput::Key(key));
        }
    }

    #[test]
    fn the_address_becomes_the_hubs_https_url_on_its_port() {
        assert_eq!(
            hub_url("192.168.1.20").unwrap(),
            "https://192.168.1.20:8470"
        );
        assert_eq!(
            hub_url("Rose-House.local:9000").unwrap(),
            "https://rose-house.local:9000"
        );
        assert_eq!(hub_url("https://hub:8470/").unwrap(), "https://hub:8470");
        for wrong in ["", ".", "hub..local", "hub-", "hub:", "hub:99999", "hub:x"] {
            assert!(hub_url(wrong).is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn the_code_is_given_only_after_staff_say_the_words_are_the_same() {
        let mut join = JoinHome::default();
        typed(&mut join, "rose.local");
        assert_eq!(join.view().url, "https://rose.local:8470");
        join.input(JoinInput::Next);
        assert_eq!(join.stage(), JoinStage::Code);
        typed(&mut join, "abcd2345");
        join.input(JoinInput::Next);
        assert!(join.view().message.contains("8 typed"), "too short");
        typed(&mut join, "wxyz9");
        assert_eq!(join.view().code, "ABCD-2345-WXYZ", "no more than twelve");
        let (effects, open) = join.input(JoinInput::Next);
        assert!(open);
        assert_eq!(
            effects,
            [JoinEffect::ReadKey {
                url: "https://rose.local:8470".into()
            }]
        );
        assert!(join.waiting());
        join.key_seen(Ok(SeenKey {
            key: "ab12".into(),
            words: "hammer rocket salt violin".into(),
        }));
        assert_eq!(join.stage(), JoinStage::Compare);
        assert_eq!(join.view().words, "hammer rocket salt violin");
        let (effects, _) = join.input(JoinInput::Same);
        assert_eq!(
            effects,
            [JoinEffect::Pair {
                url: "https://rose.local:8470".into(),
                code: "ABCD2345WXYZ".into(),
                key: "ab12".into()
            }]
        );
        join.joined(Ok(JoinedHome {
            url: "https://rose.local:8470".into(),
            mats: Some(1),
        }));
        assert_eq!(join.stage(), JoinStage::Joined);
        assert!(join
            .view()
            .message
            .contains("1 finished mat from this kiosk is in its support plan"));
        let (_, open) = join.input(JoinInput::Next);
        assert!(!open, "done: back to the staff screen");
    }

    #[test]
    fn the_keypad_greys_the_keys_a_code_never_has() {
        let mut join = JoinHome::default();
        let usable = |join: &JoinHome, label: &str| {
            join.view()
                .keys
                .iter()
                .flatten()
                .find(|key| key.label == label)
                .map(|key| key.usable)
        };
        assert_eq!(usable(&join, "o"), Some(true), "an address may hold an o");
        assert_eq!(usable(&join, "."), Some(true));
        typed(&mut join, "hub");
        join.input(JoinInput::Next);
        for never in ["0", "1", "I", "L", "O", ".", ":", "-"] {
            assert_eq!(usable(&join, never), Some(false), "{never}");
        }
        assert_eq!(usable(&join, "Q"), Some(true));
        assert_eq!(usable(&join, ERASE_KEY), Some(true));
        assert_eq!(join.view().keys.iter().map(Vec::len).sum::<usize>(), 40);
    }

    #[test]
    fn words_that_differ_join_nothing_and_a_refused_code_is_typed_again() {
        let mut join = JoinHome::default();
        typed(&mut join, "hub");
        join.input(JoinInput::Next);
        typed(&mut join, "O");
        assert!(join.view().message.contains("no 0, 1, I, L or O"));
        assert_eq!(join.view().code, "");
        typed(&mut join, "ABCD2345WXYZ");
        join.input(JoinInput::Next);
        join.key_seen(Ok(SeenKey {
            key: "ab12".into(),
            words: "w".into(),
        }));
        let (effects, open) = join.input(JoinInput::NotSame);
        assert!(effects.is_empty() && open);
        assert_eq!(join.stage(), JoinStage::Address);
        assert!(join.view().message.starts_with("Not joined"));
        assert_eq!(join.view().words, "", "the key is forgotten");

        join.input(JoinInput::Next);
        typed(&mut join, "ABCD2345WXYZ");
        join.input(JoinInput::Next);
        join.key_seen(Err(JoinTrouble::Unreached("cannot connect".into())));
        assert_eq!(join.stage(), JoinStage::Address);
        assert!(join
            .view()
            .message
            .starts_with("Not reached: cannot connect."));
        assert_eq!(join.view().address, "hub", "what was typed is kept");

        join.input(JoinInput::Next);
        join.input(JoinInput::Next);
        join.key_seen(Ok(SeenKey {
            key: "ab12".into(),
            words: "w".into(),
        }));
        join.input(JoinInput::Same);
        join.joined(Err(JoinTrouble::Refused("used already".into())));
        assert!(join
            .view()
            .message
            .contains("refused the code (used already)"));
        assert_eq!(join.stage(), JoinStage::Code);
        assert_eq!(join.view().code, "", "typed again");
        // An answer that comes late, to a question no longer asked, is dropped.
        join.key_seen(Ok(SeenKey {
            key: "ab12".into(),
            words: "w".into(),
        }));
        assert_eq!(join.stage(), JoinStage::Code);
    }
}
