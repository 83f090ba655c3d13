//! The few floating-point functions the layout needs, without `std`: short, exact enough
//! for pixels (sine and cosine within 1e-9, the square root to the last bit or so), and far
//! smaller than a maths library. Native builds run the same code, so the tests check what
//! the browser runs.

use core::f64::consts::FRAC_PI_2;

/// Square root: Newton's method from the halved exponent (on stable Rust the wasm
/// instruction is not reachable without `std`). Four steps from a guess within a factor of
/// two reach full precision.
pub fn sqrt(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 || x.is_infinite() {
        return x;
    }
    // Halve the exponent: within a factor of about 1.5 of the root.
    let bits = x.to_bits();
    let mut y = f64::from_bits((bits >> 1) + (1023u64 << 51));
    for _ in 0..6 {
        y = 0.5 * (y + x / y);
    }
    y
}

/// The largest whole number not above `x`.
pub fn floor(x: f64) -> f64 {
    // Beyond 2^52 every f64 is whole; NaN stays NaN.
    if !(x.abs_lt(4_503_599_627_370_496.0)) {
        return x;
    }
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

trait AbsLt {
    fn abs_lt(self, limit: f64) -> bool;
}

impl AbsLt for f64 {
    fn abs_lt(self, limit: f64) -> bool {
        self < limit && self > -limit
    }
}

/// `v` limited to `lo..=hi` (NaN becomes `lo`). Unlike `f64::clamp` it cannot panic, so
/// no panic message (and no float formatting) is linked for it.
#[inline]
pub fn clamp(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

/// The nearest whole number, halves away from zero.
#[inline]
pub fn round(x: f64) -> f64 {
    if x >= 0.0 {
        floor(x + 0.5)
    } else {
        -floor(-x + 0.5)
    }
}

/// Absolute value.
#[inline]
pub fn abs(x: f64) -> f64 {
    if x < 0.0 {
        -x
    } else {
        x
    }
}

/// Sine and cosine of `x` radians. Reduces to a quarter turn, then evaluates Taylor
/// polynomials on |t| ≤ π/4.
pub fn sin_cos(x: f64) -> (f64, f64) {
    if !x.is_finite() {
        return (f64::NAN, f64::NAN);
    }
    // x = k·(π/2) + t with |t| <= π/4.
    let turns = round(x / FRAC_PI_2);
    let t = x - turns * FRAC_PI_2;
    let quadrant = (turns as i64).rem_euclid(4);
    let t2 = t * t;
    // Terms up to t^15 / t^16: the next term is below 2e-12 for |t| <= π/4.
    let s = t
        * (1.0
            - t2 / 6.0
                * (1.0
                    - t2 / 20.0
                        * (1.0
                            - t2 / 42.0
                                * (1.0
                                    - t2 / 72.0
                                        * (1.0
                                            - t2 / 110.0
                                                * (1.0 - t2 / 156.0 * (1.0 - t2 / 210.0)))))));
    let c = 1.0
        - t2 / 2.0
            * (1.0
                - t2 / 12.0
                    * (1.0
                        - t2 / 30.0
                            * (1.0
                                - t2 / 56.0
                                    * (1.0
                                        - t2 / 90.0 * (1.0 - t2 / 132.0 * (1.0 - t2 / 182.0))))));
    match quadrant {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sine_and_cosine_match_the_library() {
        let mut x = -20.0;
        while x < 20.0 {
            let (s, c) = sin_cos(x);
            assert!((s - x.sin()).abs() < 1e-9, "sin {x}");
            assert!((c - x.cos()).abs() < 1e-9, "cos {x}");
            x += 0.0137;
        }
        assert!(sin_cos(f64::NAN).0.is_nan());
    }

    #[test]
    fn rounding_and_roots() {
        assert_eq!(round(2.5), 3.0);
        assert_eq!(round(-2.5), -3.0);
        assert_eq!(round(2.4), 2.0);
        assert_eq!(floor(-0.5), -1.0);
        assert_eq!(sqrt(16.0), 4.0);
        assert_eq!(floor(3.0), 3.0);
        assert_eq!(floor(-3.0), -3.0);
        assert_eq!(floor(1e300), 1e300);
        assert!(floor(f64::NAN).is_nan());
        assert!(sqrt(-1.0).is_nan());
        let mut x = 1e-12;
        while x < 1e12 {
            assert!((sqrt(x) - x.sqrt()).abs() <= x.sqrt() * 1e-15, "sqrt {x}");
            x *= 1.37;
        }
        assert_eq!(abs(-3.0), 3.0);
    }
}
