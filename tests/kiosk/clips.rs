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
