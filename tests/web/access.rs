//! Looks and access, measured: the colours of the style sheet against WCAG
//! 2.2 AA, and every page in a real browser at a phone's width, used with
//! the keyboard alone (every control reached with Tab, in order, with a
//! focus ring that shows) and by touch (every control at least 44 px).

use fantoccini::key::Key;
use fantoccini::{Client, Locator};

use super::browser::{click_and_wait, open_browser, photograph, serve, Driver};
use super::fixture::{self, ALEX, JO_PASSPHRASE};

const STYLE: &str = include_str!("../../src/web/sayso.css");

/// A colour of the style sheet's `:root`, by its variable's name.
fn colour(name: &str) -> [u8; 3] {
    let at = STYLE
        .find(&format!("--{name}:"))
        .unwrap_or_else(|| panic!("--{name} in the style sheet"));
    let value = STYLE[at..].split(':').nth(1).unwrap();
    let hex = value.trim().trim_start_matches('#');
    let hex = &hex[..6];
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    [byte(0), byte(2), byte(4)]
}

fn hex_colour(hex: &str) -> [u8; 3] {
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    [byte(1), byte(3), byte(5)]
}

/// WCAG 2.2 relative luminance and contrast ratio.
fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let luminance = |c: [u8; 3]| {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.040_45 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn the_contrast_formula_gives_the_known_ratios() {
    assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
    assert!((contrast([255, 255, 255], [255, 255, 255]) - 1.0).abs() < 1e-9);
    // #767676 on white is the usual example of just passing 4.5:1.
    assert!((contrast(hex_colour("#767676"), [255; 3]) - 4.54).abs() < 0.01);
}

#[test]
fn every_colour_pair_the_pages_use_meets_wcag_aa() {
    let white = [255u8; 3];
    let quiet = {
        let at = STYLE.find(".hint, .quiet { color: ").unwrap() + ".hint, .quiet { color: ".len();
        hex_colour(&STYLE[at..at + 7])
    };
    // Text: at least 4.5:1, on every background it is set on.
    for (text, name) in [
        (colour("ink"), "ink"),
        (colour("accent"), "links"),
        (colour("warn"), "warnings"),
        (colour("good"), "confirmed"),
        (quiet, "hints"),
    ] {
        for (background, on) in [(colour("paper"), "paper"), (colour("soft"), "soft")] {
            let ratio = contrast(text, background);
            assert!(ratio >= 4.5, "{name} on {on}: {ratio:.2}:1");
        }
    }
    let on_primary = contrast(white, colour("accent"));
    assert!(on_primary >= 4.5, "primary buttons: {on_primary:.2}:1");
    // Borders of controls and the focus ring's inner ring: at least 3:1.
    assert!(
        STYLE.contains("outline: 3px solid var(--ink)"),
        "the focus ring is ink"
    );
    for (part, name) in [(colour("line"), "borders"), (colour("ink"), "focus ring")] {
        for background in [colour("paper"), colour("soft")] {
            let ratio = contrast(part, background);
            assert!(ratio >= 3.0, "{name}: {ratio:.2}:1");
        }
    }
}

/// Numbers every control a person could reach on the page, and says how
/// many are shown (a control inside a closed `details` is not).
async fn number_the_controls(browser: &Client) -> u64 {
    browser
        .execute(
            "let shown = 0;
             document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')
               .forEach(e => { if (e.checkVisibility()) { e.dataset.control = shown++; } });
             return shown;",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap()
}

/// With Tab alone from the top of the page: every control is reached, in
/// the order of the page, each with a focus ring at least 3 px wide.
async fn tab_through(browser: &Client, page: &str) {
    let controls = number_the_controls(browser).await;
    assert!(controls > 0, "{page}: nothing to reach");
    browser
        .execute(
            "document.activeElement.blur(); window.scrollTo(0, 0);",
            vec![],
        )
        .await
        .unwrap();
    let body = browser.find(Locator::Css("body")).await.unwrap();
    let mut reached: Vec<i64> = Vec::new();
    // A date field takes a Tab for each of its parts: the same control.
    for _ in 0..controls * 4 {
        if reached.len() == usize::try_from(controls).unwrap() {
            break;
        }
        body.send_keys(&Key::Tab.to_string()).await.unwrap();
        let focused = browser
            .execute(
                "const e = document.activeElement;
                 const style = getComputedStyle(e);
                 return [e.dataset.control === undefined ? -1 : Number(e.dataset.control),
                         style.outlineStyle, parseFloat(style.outlineWidth),
                         e.outerHTML.slice(0, 80)];",
                vec![],
            )
            .await
            .unwrap();
        let focused = focused.as_array().unwrap();
        let which = focused[0].as_i64().unwrap();
        let what = focused[3].as_str().unwrap();
        assert!(
            which >= 0,
            "{page}: Tab left the page after {reached:?} of {controls} controls"
        );
        assert!(
            focused[1].as_str() != Some("none") && focused[2].as_f64().unwrap() >= 3.0,
            "{page}: no focus ring on {what}"
        );
        if reached.last() != Some(&which) {
            reached.push(which);
        }
    }
    let in_order: Vec<i64> = (0..i64::try_from(controls).unwrap()).collect();
    assert_eq!(
        reached, in_order,
        "{page}: Tab reaches each control in turn"
    );
}

/// Every control at least 44 px tall and wide; a link inside a sentence at
/// least 24 px (WCAG 2.5.8 lets it be smaller; these pages keep it usable).
async fn targets_big_enough(browser: &Client, page: &str) {
    let small = browser
        .execute(
            "const small = [];
             document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')
               .forEach(e => {
                 if (!e.checkVisibility()) return;
                 const r = e.getBoundingClientRect();
                 const inSentence = e.tagName === 'A' && getComputedStyle(e).display === 'inline';
                 const least = inSentence ? 24 : 44;
                 if (r.height < least || r.width < least) {
                   small.push(Math.round(r.width) + 'x' + Math.round(r.height) + ' ' + e.outerHTML.slice(0, 70));
                 }
               });
             return small;",
            vec![],
        )
        .await
        .unwrap();
    let small: Vec<&str> = small
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(small.is_empty(), "{page}: too small to touch: {small:#?}");
}

#[test]
fn every_page_works_with_the_keyboard_alone_and_by_touch_on_a_phone() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_pictures(&plan);
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    let runtime = super::browser::runtime();
    let site = serve(&runtime, &plan);
    let driver = Driver::start();
    runtime.block_on(async {
        let browser = open_browser(&driver).await;
        browser.set_window_size(360, 800).await.unwrap();
        browser.goto(&format!("{site}/signin")).await.unwrap();
        targets_big_enough(&browser, "sign in").await;
        tab_through(&browser, "sign in").await;
        // Signing in with the keyboard alone: type, Enter.
        browser
            .find(Locator::Id("name"))
            .await
            .unwrap()
            .send_keys("Jo")
            .await
            .unwrap();
        let passphrase = browser.find(Locator::Id("passphrase")).await.unwrap();
        passphrase.send_keys(JO_PASSPHRASE).await.unwrap();
        browser
            .execute("window.saysoOldPage = true;", vec![])
            .await
            .unwrap();
        passphrase.send_keys(&Key::Enter.to_string()).await.unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while browser
            .find(Locator::Css("a[href='/account']"))
            .await
            .is_err()
        {
            assert!(std::time::Instant::now() < deadline, "signed in by Enter");
            tokio::task::yield_now().await;
        }
        let person = format!("/people/{}", ALEX);
        for (path, name) in [
            ("/".to_string(), "What's new"),
            (person.clone(), "a person's page"),
            (format!("{person}/profile"), "the profile"),
            (format!("{person}/report"), "the report"),
            ("/account".to_string(), "your account"),
            ("/accounts".to_string(), "the accounts"),
        ] {
            browser.set_window_size(360, 800).await.unwrap();
            browser.goto(&format!("{site}{path}")).await.unwrap();
            targets_big_enough(&browser, name).await;
            tab_through(&browser, name).await;
            fits_a_phone(&browser, name).await;
            photograph(&browser, &name.replace(' ', "-")).await;
        }
        // A closed "Confirm, dispute or add a note" opens from the keyboard,
        // and its controls are reached next.
        browser.goto(&format!("{site}{person}")).await.unwrap();
        let summary = browser
            .find(Locator::Css("article.card details summary"))
            .await
            .unwrap();
        browser
            .execute(
                "arguments[0].focus();",
                vec![serde_json::to_value(&summary).unwrap()],
            )
            .await
            .unwrap();
        summary.send_keys(&Key::Enter.to_string()).await.unwrap();
        let open = browser
            .execute(
                "return document.querySelector('article.card details').open;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(open.as_bool(), Some(true), "Enter opens it");
        summary.send_keys(&Key::Tab.to_string()).await.unwrap();
        let next = browser
            .execute("return document.activeElement.tagName;", vec![])
            .await
            .unwrap();
        assert_eq!(next.as_str(), Some("TEXTAREA"), "the note is next");

        browser.goto(&format!("{site}/account")).await.unwrap();
        photograph(&browser, "account").await;
        // Going by its link, as a person would, from What's new.
        browser.goto(&format!("{site}/")).await.unwrap();
        let link = browser
            .find(Locator::LinkText("Your account"))
            .await
            .unwrap();
        click_and_wait(&browser, link).await;
        assert!(browser
            .source()
            .await
            .unwrap()
            .contains("PIN for the kiosk's staff screen"));
        browser.close().await.unwrap();
    });
}

/// Nothing on the page is wider than the phone: no scrolling sideways.
async fn fits_a_phone(browser: &fantoccini::Client, name: &str) {
    let widths = browser
        .execute(
            "const wide = [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                 .slice(0, 5)
                 .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
             return [document.documentElement.scrollWidth, window.innerWidth, wide.join(', ')];",
            vec![],
        )
        .await
        .unwrap();
    let scroll = widths[0].as_i64().unwrap();
    let inner = widths[1].as_i64().unwrap();
    assert!(
        scroll <= inner,
        "{name}: {scroll} px wide on a {inner} px phone (too wide: {})",
        widths[2]
    );
}

/// A Chrome DevTools command, sent through chromedriver.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

#[test]
fn in_forced_colours_nothing_is_told_by_colour_alone() {
    let dir = tempfile::tempdir().unwrap();
    let plan = fixture::plan_after_a_fortnight(dir.path());
    fixture::add_pictures(&plan);
    fixture::add_staff(&plan, "Jo", JO_PASSPHRASE);
    {
        // One view confirmed and one disputed, so that each kind shows.
        let mut browser = super::client::Client::new(&plan);
        let csrf = browser.sign_in("Jo", JO_PASSPHRASE).csrf();
        for (card, verdict) in [("pizza", "confirm"), ("tea", "dispute")] {
            browser.post(
                &format!("/people/{ALEX}/cards/food/{card}"),
                &[("csrf", &csrf), ("verdict", verdict), ("body", "seen it")],
            );
        }
    }
    let runtime = super::browser::runtime();
    let site = serve(&runtime, &plan);
    let driver = Driver::start();
    runtime.block_on(async {
        let browser = open_browser(&driver).await;
        browser
            .issue_cmd(DevTools {
                command: "Emulation.setEmulatedMedia",
                params: serde_json::json!({
                    "features": [{ "name": "forced-colors", "value": "active" }]
                }),
            })
            .await
            .expect("chromedriver passes DevTools commands on");
        browser.goto(&format!("{site}/signin")).await.unwrap();
        let forced = browser
            .execute(
                "return matchMedia('(forced-colors: active)').matches;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(forced.as_bool(), Some(true), "forced colours are on");
        browser
            .find(Locator::Id("name"))
            .await
            .unwrap()
            .send_keys("Jo")
            .await
            .unwrap();
        browser
            .find(Locator::Id("passphrase"))
            .await
            .unwrap()
            .send_keys(JO_PASSPHRASE)
            .await
            .unwrap();
        let button = browser.find(Locator::Css("button.primary")).await.unwrap();
        click_and_wait(&browser, button).await;
        browser
            .goto(&format!("{site}/people/{}", ALEX))
            .await
            .unwrap();
        // What colour told apart is told again by a word, a mark or a line
        // style, which forced colours keep: each point's column has its
        // border, and each standing its own mark and line.
        let kept = browser
            .execute(
                "const style = (q, pseudo) => getComputedStyle(document.querySelector(q), pseudo);
                 return [
                   style('.point').borderTopStyle,
                   style('.badge.confirmed', '::before').content,
                   style('.badge.disputed', '::before').content,
                   style('.badge.unconfirmed').borderTopStyle,
                   style('.change').borderLeftStyle,
                 ];",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            kept,
            serde_json::json!(["solid", "\"✓ \"", "\"✗ \"", "dashed", "solid"]),
        );
        photograph(&browser, "person-forced-colours").await;
        browser.close().await.unwrap();
    });
}
