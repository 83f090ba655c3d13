//! The whole numbers `river`'s flags take, read so that a wrong one says what is wanted:
//! the standard parser said "invalid digit found in string" for `-1`, `1.5`, `1e6` and
//! `10ms` alike, and "cannot parse integer from empty string" for nothing.

use std::str::FromStr;

/// Reads a whole number from 0 to `max`, saying what is wrong when `text` is not one.
fn whole<T: FromStr>(text: &str, max: u64) -> Result<T, String> {
    if let Ok(n) = text.parse::<T>() {
        return Ok(n);
    }
    let t = text.trim();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    Err(if t.is_empty() {
        format!("give a whole number from 0 to {max}")
    } else if t.strip_prefix('-').is_some_and(digits) {
        String::from("a negative number: give 0 or more")
    } else if digits(t) {
        format!("more than {max}, the largest it can be")
    } else {
        format!(
            "not a whole number from 0 to {max} (digits only: no sign, point, exponent or unit)"
        )
    })
}

/// A flag's whole number up to 2^64 − 1 (seeds, times in ms).
pub fn whole_u64(text: &str) -> Result<u64, String> {
    whole(text, u64::MAX)
}

/// A flag's whole number up to the machine's word (a cluster size).
pub fn whole_usize(text: &str) -> Result<usize, String> {
    whole(text, usize::MAX as u64)
}

/// A flag's whole number up to 2^32 − 1 (a trial's number).
pub fn whole_u32(text: &str) -> Result<u32, String> {
    whole(text, u64::from(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::whole_u64;

    #[test]
    fn each_wrong_number_says_what_is_wrong() {
        assert_eq!(whole_u64("42"), Ok(42));
        assert_eq!(whole_u64("+42"), Ok(42));
        assert!(whole_u64("-1").unwrap_err().contains("negative"));
        assert!(whole_u64("").unwrap_err().contains("give a whole number"));
        assert!(whole_u64("99999999999999999999")
            .unwrap_err()
            .contains("more than 18446744073709551615"));
        for text in ["1.5", "1e6", "10ms", "abc", "- 1"] {
            assert!(
                whole_u64(text).unwrap_err().contains("digits only"),
                "{text}"
            );
        }
    }
}
