//! Pictures sayso carries inside itself, so that a page or a PDF can show
//! them on any machine, wherever the images folder is installed.

/// The bundled scales' symbols by file name (`like.svg`), as SVG text.
pub fn scale_symbol(file: &str) -> Option<&'static str> {
    macro_rules! symbols {
        ($($name:literal),*) => {
            match file {
                $(concat!($name, ".svg") => Some(include_str!(concat!("../../images/scales/", $name, ".svg"))),)*
                _ => None,
            }
        };
    }
    symbols!(
        "anxious",
        "calm",
        "dont-like",
        "dont-want",
        "going-well",
        "like",
        "not-going-well",
        "not-important",
        "not-sure",
        "quite-important",
        "so-so",
        "sometimes",
        "unsure",
        "very-important",
        "want"
    )
}

#[cfg(test)]
mod tests {
    use crate::core::scale::{preset, PRESETS};

    #[test]
    fn every_built_in_scales_symbol_is_carried() {
        for name in PRESETS {
            for point in preset(name).unwrap().points {
                let file = point.symbol.strip_prefix("bundled:scales/").unwrap();
                assert!(
                    super::scale_symbol(file).is_some_and(|svg| svg.contains("<svg")),
                    "{file}"
                );
            }
        }
    }
}
