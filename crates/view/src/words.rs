//! Small text helpers that layout, narration and the answers all use: people's text made
//! safe to show, numbers and speeds as people read them, counts with their nouns. Their own
//! module so that the modules using them need not import each other.

use crate::maths;
use alloc::format;
use alloc::string::String;
use core::fmt::Write;
use river_sim::kv::Op;

/// `items` with `sep` between them. `[&str]::join` would bring its own code to the page's
/// wasm: 1 KB.
pub fn joined(items: &[&str], sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

/// Cuts `s` to at most `max_chars` characters, ending with "…" when cut, and replaces
/// control characters (user text must never break the layout).
pub fn fit(s: &str, max_chars: usize) -> String {
    let count = char_count(s);
    let clean = |c: char| if c.is_control() { ' ' } else { c };
    if count <= max_chars {
        return s.chars().map(clean).collect();
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max_chars - 1).map(clean).collect();
    out.push('…');
    out
}

/// Breaks `s` at spaces into at most `max_lines` lines of at most `max_chars` characters
/// each; what does not fit is cut from the last line with [`fit`].
pub fn wrap(s: &str, max_chars: usize, max_lines: usize) -> alloc::vec::Vec<String> {
    let mut lines: alloc::vec::Vec<String> = alloc::vec::Vec::new();
    let mut words = s.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(word) = words.next() {
        if lines.len() == max_lines {
            break;
        }
        let mut line = String::from(word);
        while let Some(next) = words.peek() {
            if char_count(&line) + 1 + char_count(next) > max_chars {
                break;
            }
            line.push(' ');
            line.push_str(next);
            words.next();
        }
        if lines.len() + 1 == max_lines {
            for rest in words.by_ref() {
                line.push(' ');
                line.push_str(rest);
            }
        }
        lines.push(fit(&line, max_chars));
    }
    lines
}

/// The short text a log cell or message shows for an op.
pub fn op_text(op: &Op) -> String {
    format!("{op}")
}

/// The short text a log cell or message shows for a configuration entry.
pub fn membership_entry_text(membership: river_core::Membership) -> String {
    format!("config {}", river_sim::view::membership_text(membership))
}

/// The short text a log cell shows for an entry: its command, "no-op", or its
/// configuration.
pub fn payload_text(payload: &river_core::Payload<river_sim::kv::Command>) -> String {
    match payload {
        river_core::Payload::Command(c) => op_text(&c.op),
        river_core::Payload::Noop => String::from("no-op"),
        river_core::Payload::Membership(m) => membership_entry_text(*m),
    }
}

/// Server letters as a sentence lists them: "A", "A and B", "A, B and C".
pub fn letters_and(ids: &[river_core::NodeId]) -> String {
    let mut out = String::new();
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            out.push_str(if k + 1 == ids.len() { " and " } else { ", " });
        }
        out.push(id.letter());
    }
    out
}

/// The name people see for client `id`: "User X", "User Y", "User Z", "User W", then back
/// through the alphabet to "User S" (server names run from A), then numbers ("User 9").
pub fn user_name(id: u32) -> String {
    const NAMES: [&str; 8] = ["X", "Y", "Z", "W", "V", "U", "T", "S"];
    match NAMES.get(id as usize) {
        Some(n) => format!("User {n}"),
        None => format!("User {}", id + 1),
    }
}

/// A speed as people read it: "1×", "1/20×".
pub fn speed_label(speed: f64) -> String {
    if speed >= 0.999 {
        String::from("1×")
    } else if speed <= 0.0 {
        String::from("0×")
    } else {
        format!("1/{}×", maths::round(1.0 / speed) as u64)
    }
}

/// "1 entry", "3 entries".
pub fn plural<'a>(n: u64, one: &'a str, many: &'a str) -> Plural<'a> {
    Plural(n, if n == 1 { one } else { many })
}

/// A count and its noun, written without an intermediate string.
pub struct Plural<'a>(u64, &'a str);

impl core::fmt::Display for Plural<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}", self.0, self.1)
    }
}

/// How much of a bad value a notice repeats.
pub const MAX_ECHO_CHARS: usize = 40;

/// How many characters `text` has. (`chars().count()` brings the standard library's
/// unrolled counter, almost 1 KB of wasm, for strings a few dozen bytes long.)
pub fn char_count(text: &str) -> usize {
    // Every character has exactly one byte that is not a UTF-8 continuation byte.
    text.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// A person's text repeated in a message: shortened, and control characters replaced.
pub fn echo(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_ECHO_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if char_count(text) > MAX_ECHO_CHARS {
        out.push('…');
    }
    out
}

/// Appends a number with at most two decimals (plenty for pixels and speeds); non-finite
/// values, which JSON cannot hold, become 0. Written with integers: the wasm then carries
/// no floating-point formatting code.
pub fn number(out: &mut String, v: f64) {
    let hundredths = if v.is_finite() {
        maths::round(maths::clamp(v, -1e15, 1e15) * 100.0) as i64
    } else {
        0
    };
    if hundredths < 0 {
        out.push('-');
    }
    let h = hundredths.unsigned_abs();
    let _ = write!(out, "{}", h / 100);
    match h % 100 {
        0 => {}
        f if f % 10 == 0 => {
            let _ = write!(out, ".{}", f / 10);
        }
        f => {
            let _ = write!(out, ".{f:02}");
        }
    }
}

/// [`number`] as a new string.
pub fn decimal(v: f64) -> String {
    let mut out = String::new();
    number(&mut out, v);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_cuts_only_the_last_line() {
        let hint = "click a node to send a change or read";
        assert_eq!(wrap(hint, 40, 2), [hint]);
        assert_eq!(
            wrap(hint, 24, 2),
            ["click a node to send a", "change or read"]
        );
        assert_eq!(wrap(hint, 12, 2), ["click a node", "to send a c…"]);
        assert_eq!(wrap("", 10, 2), alloc::vec::Vec::<String>::new());
    }

    #[test]
    fn numbers_have_at_most_two_decimals() {
        for (v, text) in [
            (0.05, "0.05"),
            (73.6, "73.6"),
            (234.0, "234"),
            (-1.239, "-1.24"),
            (f64::NAN, "0"),
            (0.001, "0"),
        ] {
            assert_eq!(decimal(v), text);
        }
    }

    #[test]
    fn speeds_read_as_fractions() {
        assert_eq!(speed_label(1.0), "1×");
        assert_eq!(speed_label(0.05), "1/20×");
        assert_eq!(speed_label(0.001), "1/1000×");
        assert_eq!(user_name(0), "User X");
        // Five changes sent at once (the snapshots tour) read "User V", not "User 5".
        assert_eq!(user_name(4), "User V");
        assert_eq!(user_name(7), "User S");
        assert_eq!(user_name(8), "User 9");
    }
}
