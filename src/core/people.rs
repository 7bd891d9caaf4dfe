//! Finding a person the way staff name them on the command line: by their
//! id, or by their name in any case.

use super::session::PersonRef;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FindPersonError {
    #[error("nobody called {wanted} is in the support plan (people: {})", known.join(", "))]
    Nobody { wanted: String, known: Vec<String> },
    #[error("more than one person is called {wanted}: give their id")]
    MoreThanOne { wanted: String },
}

/// The one person whose id is `wanted`, or whose name is (ignoring case and
/// the spaces around it).
pub fn find_person<'a>(
    people: &'a [PersonRef],
    wanted: &str,
) -> Result<&'a PersonRef, FindPersonError> {
    let wanted = wanted.trim();
    let found: Vec<&PersonRef> = people
        .iter()
        .filter(|p| p.id.as_str() == wanted || p.name.eq_ignore_ascii_case(wanted))
        .collect();
    match found[..] {
        [one] => Ok(one),
        [] => Err(FindPersonError::Nobody {
            wanted: wanted.to_string(),
            known: people.iter().map(|p| p.name.clone()).collect(),
        }),
        _ => Err(FindPersonError::MoreThanOne {
            wanted: wanted.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str) -> PersonRef {
        PersonRef {
            id: id.into(),
            name: name.into(),
        }
    }

    #[test]
    fn a_person_is_found_by_id_or_by_name_in_any_case() {
        let people = [person("p-1", "Sam"), person("p-2", "Alex")];
        assert_eq!(find_person(&people, " sam ").unwrap().id.as_str(), "p-1");
        assert_eq!(find_person(&people, "p-2").unwrap().name, "Alex");
        assert_eq!(
            find_person(&people, "Pat").unwrap_err().to_string(),
            "nobody called Pat is in the support plan (people: Sam, Alex)"
        );
    }

    #[test]
    fn two_people_of_one_name_need_an_id() {
        let people = [person("p-1", "Sam"), person("p-2", "sam")];
        assert!(matches!(
            find_person(&people, "Sam"),
            Err(FindPersonError::MoreThanOne { .. })
        ));
        assert_eq!(find_person(&people, "p-2").unwrap().id.as_str(), "p-2");
    }
}
