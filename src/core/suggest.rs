//! "Did you mean ...?": the closest known name to a misspelt one.

/// The candidate closest to `name` (Damerau-Levenshtein, ignoring case), if it is close enough
/// to be a typo: at most 3 edits, or a third of the candidate's length for long names.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&name, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `"; did you mean `x`?"` for the candidate closest to `name`; when none is close, what
/// `otherwise` makes of all the candidates (a list of them, say).
pub fn hint<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce(Vec<&'a str>) -> String,
) -> String {
    let all: Vec<&str> = candidates.into_iter().collect();
    match closest(name, all.iter().copied()) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => otherwise(all),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_not_strangers() {
        let known = ["StreamPublisher", "CreateReservation", "NotifyStaff"];
        assert_eq!(closest("StreamPublsher", known), Some("StreamPublisher"));
        assert_eq!(closest("notifystaff", known), Some("NotifyStaff"));
        assert_eq!(closest("Billing", known), None);
        assert_eq!(closest("x", []), None);
    }

    #[test]
    fn hints_the_closest_name_or_what_otherwise_says() {
        let list = |all: Vec<&str>| format!(" (known: {})", all.join(", "));
        assert_eq!(
            hint("Ordrs", ["Orders", "Staff"], list),
            "; did you mean `Orders`?"
        );
        assert_eq!(
            hint("Billing", ["Orders", "Staff"], list),
            " (known: Orders, Staff)"
        );
    }
}
