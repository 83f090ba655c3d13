//! A scenario line's words, each with its column for messages, and the numbers in them: whole
//! numbers, times, on/off, and probabilities read exactly as the standard float parser reads
//! them, from integer arithmetic alone.

use super::{Parsed, ScenarioError};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

pub(super) struct Words<'a> {
    line: usize,
    pub(super) words: Vec<(usize, &'a str)>,
    pub(super) pos: usize,
}

impl<'a> Words<'a> {
    pub(super) fn new(line: usize, text: &'a str) -> Words<'a> {
        // Each word with its byte offset in `text`. (Slicing `text` by index would link the
        // standard library's message for a slice that splits a character, tables and all,
        // into the page's wasm.)
        let words = text
            .split_whitespace()
            .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
            .collect();
        Words {
            line,
            words,
            pos: 0,
        }
    }

    pub(super) fn err(&self, message: impl Into<String>) -> Box<ScenarioError> {
        let column = self
            .words
            .get(self.pos.saturating_sub(1))
            .map(|(c, _)| c + 1);
        Box::new(ScenarioError {
            line: self.line,
            column,
            message: message.into(),
        })
    }

    pub(super) fn next(&mut self, what: &str) -> Parsed<&'a str> {
        match self.words.get(self.pos) {
            Some((_, w)) => {
                self.pos += 1;
                Ok(w)
            }
            None => Err(Box::new(ScenarioError {
                line: self.line,
                column: None,
                message: format!("expected {what} at the end of the line"),
            })),
        }
    }

    pub(super) fn peek(&self) -> Option<&'a str> {
        self.words.get(self.pos).map(|(_, w)| *w)
    }

    /// The words left on the line, one space between each (empty if none), all taken.
    pub(super) fn rest(&mut self) -> String {
        let rest = &self.words[self.pos.min(self.words.len())..];
        self.pos = self.words.len();
        let mut text = String::new();
        for (k, (_, word)) in rest.iter().enumerate() {
            if k > 0 {
                text.push(' ');
            }
            text.push_str(word);
        }
        text
    }

    pub(super) fn done(&self) -> Parsed<()> {
        match self.words.get(self.pos) {
            None => Ok(()),
            Some((c, w)) => Err(Box::new(ScenarioError {
                line: self.line,
                column: Some(c + 1),
                message: format!("unexpected {}", quoted(w)),
            })),
        }
    }

    pub(super) fn number(&mut self, what: &str) -> Parsed<u64> {
        let w = self.next(what)?;
        w.parse()
            .map_err(|_| self.err(format!("{what} must be a whole number, not {}", quoted(w))))
    }

    /// A time in ms of at most `max` (`name` says what it is, for the message): the
    /// simulator adds timeouts and delays to its clock, so one near 2^64 would overflow it.
    pub(super) fn ms_at_most(&mut self, what: &str, max: u64, name: &str) -> Parsed<u64> {
        let ms = self.number(what)?;
        if ms > max {
            return Err(self.err(format!("{name} is at most {max} ms, not {ms}")));
        }
        Ok(ms)
    }

    pub(super) fn probability(&mut self, what: &str) -> Parsed<f64> {
        let w = self.next(what)?;
        probability(w).ok_or_else(|| {
            self.err(format!(
                "{what} must be a number from 0 to 1, not {}",
                quoted(w)
            ))
        })
    }

    pub(super) fn on_off(&mut self, what: &str) -> Parsed<bool> {
        match self.peek() {
            None => Ok(true),
            Some(_) => match self.next(what)? {
                "on" => Ok(true),
                "off" => Ok(false),
                w => Err(self.err(format!("{what} takes 'on' or 'off', not {}", quoted(w)))),
            },
        }
    }
}

/// `text` read as `str::parse::<f64>` reads it, if that is a number from 0 to 1: the same
/// value to the last bit (`-0`, and negative numbers too small to be anything else,
/// included), from integer arithmetic alone. The standard float parser would add about
/// 15 KB to the page's gzipped wasm, mostly its table of powers.
fn probability(text: &str) -> Option<f64> {
    let (negative, body) = split_sign(text.as_bytes());
    let value = magnitude(body)?;
    let value = if negative { -value } else { value };
    (0.0..=1.0).contains(&value).then_some(value)
}

/// An unsigned decimal (`digits[.digits][e[±]digits]`) as the nearest double, ties to even,
/// when it is at most 1; infinity for anything above 1; `None` if it is not a decimal.
///
/// The decimal is `digits × 10^-scale`; below 1 it is rounded by long division of big
/// integers, one bit at a time.
fn magnitude(body: &[u8]) -> Option<f64> {
    let (mantissa, exponent) = body.split_at(
        body.iter()
            .position(|&b| b | 0x20 == b'e')
            .unwrap_or(body.len()),
    );
    // How many digits follow the point, and how many from the first nonzero one on.
    let (mut places, mut significant, mut any_digit, mut point) = (0i64, 0i64, false, false);
    for &b in mantissa {
        match b {
            b'.' if !point => point = true,
            b'0'..=b'9' => {
                any_digit = true;
                significant += i64::from(b != b'0' || significant > 0);
                places += i64::from(point);
            }
            _ => return None,
        }
    }
    // The exponent, saturated: beyond it every nonzero value is 0 or above 1 alike.
    const MAX_EXPONENT: i64 = 1_000_000;
    let mut exponent_value: i64 = 0;
    if let Some((_, written)) = exponent.split_first() {
        let (minus, written) = split_sign(written);
        if written.is_empty() {
            return None;
        }
        for &b in written {
            if !b.is_ascii_digit() {
                return None;
            }
            exponent_value = (exponent_value * 10 + i64::from(b - b'0')).min(MAX_EXPONENT);
        }
        if minus {
            exponent_value = -exponent_value;
        }
    }
    if !any_digit {
        return None;
    }
    // value = 0.DIGITS × 10^(significant - scale), with 0.DIGITS in [0.1, 1).
    let mut scale = places - exponent_value;
    if significant == 0 || scale - significant > MIN_DECIMAL_EXPONENT {
        // Zero, or below 1e-400: nearer 0 than the smallest double.
        return Some(0.0);
    }
    if significant - scale > 1 {
        return Some(f64::INFINITY);
    }
    // The significant digits as one big number. Past MAX_DIGITS of them only whether the
    // rest is zero matters (a double is rounded exactly from at most 767 digits), so the
    // rest becomes one sticky digit.
    let mut remainder = [0u32; LIMBS];
    let (mut kept, mut sticky) = (0, false);
    for &b in mantissa {
        if b == b'.' || b == b'0' && kept == 0 {
            continue;
        }
        if kept < MAX_DIGITS {
            mul_add(&mut remainder, 10, u32::from(b - b'0'));
            kept += 1;
        } else {
            sticky |= b != b'0';
        }
    }
    scale -= significant - kept;
    if sticky {
        mul_add(&mut remainder, 10, 1);
        scale += 1;
    }
    let mut divisor = [0u32; LIMBS];
    divisor[0] = 1;
    for _ in 0..scale.max(0) {
        mul_add(&mut divisor, 10, 0);
    }
    // value = 2^-shift × remainder / divisor, with the quotient in [1, 2). No shift at all
    // means a value of at least 1: exactly 1, or above.
    let mut shift: i64 = 0;
    while !at_least(&remainder, &divisor) {
        mul_add(&mut remainder, 2, 0);
        shift += 1;
    }
    if shift == 0 {
        subtract(&mut remainder, &divisor);
        return Some(if remainder == [0; LIMBS] {
            1.0
        } else {
            f64::INFINITY
        });
    }
    // 53 bits for a normal double (from 2^-1022 up); fewer for a subnormal one; none
    // below 2^-1074, where only more than half of it rounds up to it.
    let bits = 53.min(1075 - shift);
    let mut significand: u64 = 0;
    for k in 0..bits.max(0) {
        if k > 0 {
            mul_add(&mut remainder, 2, 0);
        }
        significand <<= 1;
        if at_least(&remainder, &divisor) {
            subtract(&mut remainder, &divisor);
            significand |= 1;
        }
    }
    // Round to nearest, ties to even: compare what is left with half a unit.
    if bits > 0 {
        mul_add(&mut remainder, 2, 0);
    } else if bits < 0 {
        return Some(0.0);
    }
    if at_least(&remainder, &divisor) && (remainder != divisor || significand & 1 == 1) {
        significand += 1;
    }
    // A normal double's stored exponent is 1023 - shift; the significand's leading bit
    // (or a carry out of it) adds the last 1.
    let exponent_bits = (1022 - shift).max(0) as u64;
    Some(f64::from_bits((exponent_bits << 52) + significand))
}

/// The most significant digits [`magnitude`] divides exactly (more than any double needs).
const MAX_DIGITS: i64 = 800;
/// Below 10^-this, a decimal rounds to 0 (the smallest double is about 4.9e-324).
const MIN_DECIMAL_EXPONENT: i64 = 400;
/// 32-bit digits of [`magnitude`]'s big integers, least significant first: room for its
/// largest divisor, 10^(MAX_DIGITS + 1 + MIN_DECIMAL_EXPONENT) < 2^3990, and for a
/// remainder below twice that.
const LIMBS: usize = 126;

/// A word of the file in quotes for a message, shortened when long (a line can be megabytes:
/// the message should not be).
pub(super) fn quoted(word: &str) -> String {
    const SHOWN_CHARS: usize = 32;
    match word.char_indices().nth(SHOWN_CHARS) {
        None => format!("'{word}'"),
        Some((end, _)) => format!(
            "'{}…' ({} bytes)",
            word.get(..end).unwrap_or(""),
            word.len()
        ),
    }
}

/// Names separated by commas (`join` would add its own code to the wasm).
pub(super) fn listed<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for name in names {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(name);
    }
    out
}

fn split_sign(text: &[u8]) -> (bool, &[u8]) {
    match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// `x = x × m + a`.
fn mul_add(x: &mut [u32; LIMBS], m: u32, a: u32) {
    let mut carry = u64::from(a);
    for digit in x.iter_mut() {
        let v = u64::from(*digit) * u64::from(m) + carry;
        *digit = v as u32;
        carry = v >> 32;
    }
    assert!(carry == 0, "the decimal fits its digits");
}

/// `x >= y`.
fn at_least(x: &[u32; LIMBS], y: &[u32; LIMBS]) -> bool {
    x.iter().rev().cmp(y.iter().rev()).is_ge()
}

/// `x -= y`, for `x >= y`.
fn subtract(x: &mut [u32; LIMBS], y: &[u32; LIMBS]) {
    let mut borrow = false;
    for (digit, &d) in x.iter_mut().zip(y) {
        let (v, b1) = digit.overflowing_sub(d);
        let (v, b2) = v.overflowing_sub(u32::from(borrow));
        *digit = v;
        borrow = b1 || b2;
    }
}

/// `word` split at its first "->" (`A->B`: `A` and `B`; `->B`: empty and `B`), if it has one.
/// Found byte by byte: a `&str` pattern would link the two-way string search into the page
/// for this one word.
pub(super) fn split_arrow(word: &str) -> Option<(&str, &str)> {
    let k = word.as_bytes().windows(2).position(|pair| pair == b"->")?;
    Some((word.get(..k)?, word.get(k + 2..)?))
}

#[cfg(test)]
mod tests {
    use super::probability;
    use alloc::format;
    use alloc::string::String;

    /// What the scenario language accepted before it had its own parser.
    fn standard(text: &str) -> Option<f64> {
        text.parse::<f64>().ok().filter(|p| (0.0..=1.0).contains(p))
    }

    fn same(text: &str) {
        let (ours, theirs) = (probability(text), standard(text));
        assert_eq!(ours.map(f64::to_bits), theirs.map(f64::to_bits), "{text}");
    }

    #[test]
    fn probabilities_read_as_the_standard_parser_reads_them() {
        for text in [
            "0",
            "1",
            "0.1",
            "0.05",
            "0.2",
            "0.3",
            ".5",
            "1.",
            "0.",
            "+0.5",
            "-0",
            "-0.0",
            "-0.1",
            "00.25",
            "1.0",
            "1.000",
            "1.0001",
            "2",
            "10",
            "0.1e1",
            "1e-1",
            "5E-2",
            "1e+0",
            "0e999999999999999999999",
            "1e-400",
            "0.99999999999999999999",
            "0.1000000000000000055511151231257827021181583404541015625",
            "0.30000000000000004",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-323",
            "7e-324",
            "",
            ".",
            "e5",
            "1e",
            "1e+",
            "+",
            "-",
            "inf",
            "NaN",
            "1.2.3",
            "0x1",
            "1_0",
            " 1",
            "1 ",
            "+-1",
            "1e1.5",
        ] {
            same(text);
        }
    }

    /// `a + b` for two decimals written with the same number of places, "0.ddd".
    fn add(a: &str, b: &str) -> String {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        let mut out = alloc::vec![b'0'; a.len()];
        let mut carry = 0;
        for k in (0..a.len()).rev() {
            if a[k] == b'.' {
                out[k] = b'.';
                continue;
            }
            let d = (a[k] - b'0') + (b[k] - b'0') + carry;
            out[k] = b'0' + d % 10;
            carry = d / 10;
        }
        String::from_utf8(out).unwrap()
    }

    /// Half of a decimal written "0.ddd" (with a place to spare for the last digit).
    fn half(a: &str) -> String {
        let mut out = String::from("0.");
        let mut carry = 0;
        for b in a.bytes().skip(2) {
            let d = carry * 10 + (b - b'0');
            out.push(char::from(b'0' + d / 2));
            carry = d % 2;
        }
        out
    }

    #[test]
    fn halfway_cases_and_long_inputs_round_exactly() {
        let doubles = [
            0.1,
            0.7,
            0.5,
            1e-5,
            3e-300,
            2.2250738585072014e-308,
            1e-310,
            5e-324,
        ];
        let more =
            (1..40).map(|k| f64::from_bits(k * 0x0123_4567_89ab_cdef % 0x3ff0_0000_0000_0000));
        for x in doubles.into_iter().chain(more) {
            // Exactly halfway from x to the next double up (the gap is a power of two, exact
            // in 1100 places), then a hair above and a hair below.
            let exact = |v: f64| format!("{v:.1100}");
            let gap = f64::from_bits(x.to_bits() + 1) - x;
            let halfway = add(&exact(x), &half(&exact(gap)));
            assert_ne!(
                halfway.trim_end_matches('0'),
                exact(x).trim_end_matches('0')
            );
            same(&halfway);
            same(&format!("{halfway}{}1", "0".repeat(900)));
            same(&format!("{}9", &halfway[..halfway.len() - 1]));
            same(&halfway[..halfway.trim_end_matches('0').len() - 1]);
        }
        same(&format!("0.{}", "1".repeat(5000)));
        same(&format!("0.{}", "9".repeat(5000)));
    }

    #[test]
    fn random_decimals_read_as_the_standard_parser_reads_them() {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(3) {
                text.push('0');
            }
            text.push('.');
            let zeros = [0, 0, 0, 1, 5, 300, 320][next(7) as usize];
            for _ in 0..zeros {
                text.push('0');
            }
            for _ in 0..1 + next(30) {
                text.push(char::from(b'0' + next(10) as u8));
            }
            if next(4) == 0 {
                text = format!("{text}e{}", next(40) as i64 - 20);
            }
            same(&text);
            // And strings of the characters a number is made of, in any order.
            let garbage: String = (0..next(12))
                .map(|_| char::from(b"0123456789.eE+-"[next(15) as usize]))
                .collect();
            same(&garbage);
        }
    }
}
