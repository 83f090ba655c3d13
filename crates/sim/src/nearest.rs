//! "Did you mean": the known word nearest a mistyped one, for the messages that refuse an
//! unknown word (a scenario's instruction or setting, a bug, a property, a tour). Written
//! here rather than taken from a crate: river-sim depends on river-core alone.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The known word nearest `word`, if one is near enough to be what was meant: at most one
/// edit away for a word of up to 4 characters, two up to 8, three beyond (an edit inserts,
/// deletes or replaces a character, or swaps two neighbours; ASCII case is ignored, as every
/// known word is ASCII: Unicode's case tables added 6.8 KB gzipped to the page). The first of
/// the nearest, in the order `known` gives them.
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // No known word is this long: a line can be megabytes, and the distance costs the
    // product of the two lengths.
    const LONGEST_CHARS: usize = 64;
    if word.chars().nth(LONGEST_CHARS).is_some() {
        return None;
    }
    let word: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    let most = match word.len() {
        0 => return None,
        1..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &str)> = None;
    for candidate in known {
        let letters: Vec<char> = candidate.chars().map(|c| c.to_ascii_lowercase()).collect();
        let d = distance(&word, &letters);
        if d <= most && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, w)| w)
}

/// "; did you mean 'timeout'?" when a known word is near `word`, else nothing: the tail of
/// a message that refuses `word`.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(word, known) {
        Some(w) => format!("; did you mean '{w}'?"),
        None => String::new(),
    }
}

/// The edit distance from `a` to `b` with neighbours swapped counting as one edit (the
/// optimal string alignment distance), in three rows.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = Vec::new();
    let mut last: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = alloc::vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let replace = last[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut d = replace.min(last[j] + 1).min(row[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
        }
        before = core::mem::replace(&mut last, row);
    }
    last[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{distance, nearest};
    use alloc::vec::Vec;

    fn d(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        distance(&a, &b)
    }

    #[test]
    fn edits_are_counted_one_each() {
        assert_eq!(d("timeout", "timeout"), 0);
        assert_eq!(d("timout", "timeout"), 1);
        assert_eq!(d("wiat", "wait"), 1);
        assert_eq!(d("figure8commit", "figure8-commit"), 1);
        assert_eq!(d("", "add"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("ca", "abc"), 3);
    }

    #[test]
    fn only_a_near_word_is_suggested() {
        let known = ["nodes", "seed", "timeout", "crash", "restart", "wait"];
        assert_eq!(nearest("nodse", known), Some("nodes"));
        assert_eq!(nearest("Timout", known), Some("timeout"));
        assert_eq!(nearest("wiat", known), Some("wait"));
        assert_eq!(nearest("seeds", known), Some("seed"));
        assert_eq!(nearest("x", known), None);
        assert_eq!(nearest("explode", known), None);
        assert_eq!(nearest("", known), None);
        assert_eq!(nearest(&"a".repeat(1 << 20), known), None);
    }
}
