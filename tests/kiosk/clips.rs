//! Recorded clips in every supported format really decode; a clip in an
//! unknown format, a damaged one or a missing one is refused with its name,
//! so the kiosk can speak the words instead.

use std::path::Path;

use sayso::voice::decode_all;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn wav_flac_ogg_and_mp3_all_decode_to_the_same_word() {
    let mut lengths = Vec::new();
    for name in ["yes.wav", "yes.flac", "yes.ogg", "yes.mp3"] {
        let decoded = decode_all(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let samples: Vec<f32> = decoded.collect();
        assert!(
            samples.iter().any(|s| s.abs() > 0.05),
            "{name} has sound in it"
        );
        lengths.push((name, samples.len()));
    }
    let wav = lengths[0].1 as f64;
    for (name, length) in &lengths {
        // Lossy formats pad a little; a wrong sample rate or channel count would be far off.
        let ratio = *length as f64 / wav;
        assert!(
            (0.9..1.2).contains(&ratio),
            "{name}: {length} samples against {wav} for the WAV"
        );
    }
}

#[test]
fn unknown_damaged_and_missing_clips_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("photo.xyz");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("images/demo/cards/tea.svg"),
        &picture,
    )
    .unwrap();
    let truncated = dir.path().join("cut-off.ogg");
    std::fs::write(
        &truncated,
        &std::fs::read(fixture("yes.ogg")).unwrap()[..60],
    )
    .unwrap();

    for path in [picture, truncated, dir.path().join("never-recorded.wav")] {
        let path = path.to_string_lossy().into_owned();
        let error = decode_all(&path)
            .err()
            .unwrap_or_else(|| panic!("{path} decoded"));
        assert!(error.to_string().contains(&path), "{error}");
    }
}

/// A clip through a real ALSA stream: ALSA's `file` plugin over its `null`
/// device, into a pipe this test reads. The card is written to only while
/// there is something to hear, so a clip is not queued behind silence: a
/// stream that ran all the time put a quarter of a second of it ahead of
/// every clip (`cargo bench --bench voice` measures the time).
#[test]
fn a_clip_reaches_the_sound_card_with_no_silence_queued_ahead_of_it() {
    use sayso::voice::{ClipVoice, SpeakMode, Utterance, Voice};
    use std::io::Read;

    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("card.pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap()
        .success());
    let conf = dir.path().join("asound.conf");
    std::fs::write(
        &conf,
        format!(
            "pcm.!default {{ type plug; slave {{ pcm \"ear\"; format S16_LE; rate 48000; channels 2 }} }}\n\
             pcm.ear {{ type file; slave.pcm \"null\"; file \"{}\"; format \"raw\" }}\n",
            pipe.display()
        ),
    )
    .unwrap();
    // No other test in this program opens a sound card.
    std::env::set_var(
        "ALSA_CONFIG_PATH",
        format!("/usr/share/alsa/alsa.conf:{}", conf.display()),
    );
    // Opened for writing too, so the pipe stays open between writers.
    let mut ear = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&pipe)
        .unwrap();
    let (heard_tx, heard) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut frame = [0u8; 4];
        let mut frames_before_sound = Some(0usize);
        // Reads on after the first sound, as a card plays a clip to its end.
        while ear.read_exact(&mut frame).is_ok() {
            let left = i16::from_le_bytes([frame[0], frame[1]]);
            match &mut frames_before_sound {
                Some(frames) if left.unsigned_abs() > 328 => {
                    let _ = heard_tx.send(*frames);
                    frames_before_sound = None;
                }
                Some(frames) => *frames += 1,
                None => {}
            }
        }
    });

    let mut voice = ClipVoice::open().expect("the file-over-null card opens");
    voice
        .speak(&Utterance {
            text: "tea".into(),
            clip: Some(concat!(env!("CARGO_MANIFEST_DIR"), "/images/demo/clips/tea.wav").into()),
            mode: SpeakMode::Interrupt,
            cue: false,
            volume: None,
        })
        .unwrap();
    assert!(voice.is_speaking());
    let frames_before_sound = heard
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the clip came out of the card");
    // tea.wav itself starts loud after 1.6 ms: 77 frames at 48 kHz.
    assert!(
        frames_before_sound < 480,
        "{frames_before_sound} frames ({} ms) of silence came out ahead of the clip",
        frames_before_sound / 48
    );

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while voice.is_speaking() {
        assert!(std::time::Instant::now() < deadline, "the clip never ended");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        voice.is_available(),
        "the card played the clip without failing"
    );
}
