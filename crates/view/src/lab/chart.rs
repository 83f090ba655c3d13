//! The election lab's chart: one cumulative distribution per timeout range (time without a
//! leader across, on a log scale as in the paper's Figure 16; the share of trials up), with
//! a legend, and the trial under the pointer. Pure: a lab and a size in, shapes out.

use super::{duration, percent, range_label, trial_words, LabRun, LINE_DASHES};
use crate::maths;
use crate::scene::{Align, Font, Scene, Shape, Stroke};
use crate::theme;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_sim::elections::{Point, NO_LEADER_LIMIT_MS};

/// The legend's width, right of the plot, when the chart is wide enough for it.
const LEGEND_W: f64 = 206.0;
/// Below this width the legend goes under the plot's title instead of beside it.
const MIN_WIDE_W: f64 = 560.0;
/// How near (CSS pixels) the pointer must be to a step of a line to pick its trial.
pub const PICK_RADIUS: f64 = 10.0;

/// The plot's rectangle and its scales.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axes {
    /// Left edge of the plot.
    pub left: f64,
    /// Top edge.
    pub top: f64,
    /// Right edge.
    pub right: f64,
    /// Bottom edge (0%).
    pub bottom: f64,
    /// Time at the left edge, ms.
    pub lo_ms: f64,
    /// Time at the right edge, ms.
    pub hi_ms: f64,
}

impl Axes {
    /// The axes for these lines on a `width` × `height` chart.
    pub fn new(lines: &[Vec<Point>], width: f64, height: f64) -> Axes {
        let mut lo = f64::INFINITY;
        let mut hi: f64 = 0.0;
        for line in lines {
            if let (Some(first), Some(last)) = (line.first(), line.last()) {
                lo = lo.min(first.downtime_ms as f64);
                hi = hi.max(last.downtime_ms as f64);
            }
        }
        if !lo.is_finite() {
            (lo, hi) = (100.0, 1_000.0);
        }
        let lo = nice_at_most(lo.max(1.0));
        let mut hi = if hi > 50_000.0 {
            NO_LEADER_LIMIT_MS as f64
        } else {
            nice_at_least(hi.max(1.0))
        };
        if hi <= lo {
            hi = nice_at_least(lo * 1.5);
        }
        let wide = width >= MIN_WIDE_W;
        Axes {
            left: 54.0,
            top: 30.0,
            right: (width - if wide { LEGEND_W + 16.0 } else { 14.0 }).max(80.0),
            bottom: (height - 46.0).max(60.0),
            lo_ms: lo,
            hi_ms: hi,
        }
    }

    /// The x of a time (log scale).
    pub fn x(&self, ms: f64) -> f64 {
        let t = (ln(ms.max(self.lo_ms)) - ln(self.lo_ms)) / (ln(self.hi_ms) - ln(self.lo_ms));
        self.left + maths::clamp(t, 0.0, 1.0) * (self.right - self.left)
    }

    /// The y of a share of trials, 0 to 1.
    pub fn y(&self, fraction: f64) -> f64 {
        self.bottom - maths::clamp(fraction, 0.0, 1.0) * (self.bottom - self.top)
    }
}

/// Natural logarithm, for the log scale (no maths library in a no_std page): the exponent
/// from the bits, the rest by the series of atanh, within 1e-12 for the times drawn.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mantissa = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    // ln(m) = 2 atanh((m - 1) / (m + 1)), m in [1, 2): z at most 1/3.
    let z = (mantissa - 1.0) / (mantissa + 1.0);
    let (z2, mut term, mut sum) = (z * z, z, 0.0);
    for k in 0..20 {
        sum += term / f64::from(2 * k + 1);
        term *= z2;
    }
    exponent as f64 * core::f64::consts::LN_2 + 2.0 * sum
}

/// The 1–2–5 steps (…, 50, 100, 200, 500, 1,000, …) from 1 ms up.
fn nice_steps() -> impl Iterator<Item = f64> {
    (0..8).flat_map(|e| {
        let p = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7][e];
        [p, 2.0 * p, 5.0 * p]
    })
}

fn nice_at_most(v: f64) -> f64 {
    nice_steps().take_while(|&s| s <= v).last().unwrap_or(1.0)
}

fn nice_at_least(v: f64) -> f64 {
    nice_steps().find(|&s| s >= v).unwrap_or(v)
}

/// Each range's cumulative distribution.
pub fn lines(run: Option<&LabRun>) -> Vec<Vec<Point>> {
    let mut out = Vec::new();
    if let Some(run) = run {
        for k in 0..run.labs().len() {
            out.push(run.cumulative(k));
        }
    }
    out
}

fn font(size: f64, bold: bool) -> Font {
    Font {
        size,
        bold,
        mono: false,
    }
}

fn text(scene: &mut Scene, x: f64, y: f64, s: String, f: Font, color: &'static str, a: Align) {
    scene.push(Shape::Text {
        x,
        y,
        text: s,
        font: f,
        color,
        align: a,
    });
}

/// Draws the chart of `run` (empty axes and a hint before any trial) on a `width` ×
/// `height` canvas, with the trial `hover` (range, trial) marked and described.
pub fn build(
    scene: &mut Scene,
    run: Option<&LabRun>,
    width: f64,
    height: f64,
    hover: Option<(usize, u32)>,
) {
    scene.clear(width, height);
    scene.push(Shape::Rect {
        x: 0.0,
        y: 0.0,
        w: width,
        h: height,
        radius: 0.0,
        fill: Some(theme::PANEL),
        stroke: None,
    });
    let lines = lines(run);
    let axes = Axes::new(&lines, width, height);
    let grid = Stroke::solid(theme::PANEL_EDGE, 1.0);
    let small = font(12.0, false);
    // The share of trials, up the side.
    for k in 0..=4 {
        let f = f64::from(k) / 4.0;
        let y = axes.y(f);
        scene.push(Shape::Line {
            x1: axes.left,
            y1: y,
            x2: axes.right,
            y2: y,
            stroke: grid,
        });
        text(
            scene,
            axes.left - 8.0,
            y,
            percent(f),
            small,
            theme::MUTED,
            Align::Right,
        );
    }
    text(
        scene,
        axes.left - 44.0,
        12.0,
        String::from("% of trials with a new leader by then"),
        font(12.5, true),
        theme::INK,
        Align::Left,
    );
    // Time, across: a line at each 1–2–5 step, a label where there is room, always one
    // at the right end (the 60 s limit, when a trial reached it).
    let mut ticks: Vec<f64> = nice_steps()
        .filter(|&s| s >= axes.lo_ms && s <= axes.hi_ms)
        .collect();
    if ticks.last() != Some(&axes.hi_ms) {
        ticks.push(axes.hi_ms);
    }
    let mut labelled = f64::INFINITY;
    for &ms in ticks.iter().rev() {
        let x = axes.x(ms);
        scene.push(Shape::Line {
            x1: x,
            y1: axes.top,
            x2: x,
            y2: axes.bottom,
            stroke: grid,
        });
        if labelled - x >= 44.0 {
            labelled = x;
            let label = duration(ms as u64);
            text(
                scene,
                x,
                axes.bottom + 14.0,
                label,
                small,
                theme::MUTED,
                Align::Center,
            );
        }
    }
    text(
        scene,
        (axes.left + axes.right) / 2.0,
        axes.bottom + 34.0,
        String::from("time without a leader after the crash (log scale)"),
        font(12.5, true),
        theme::INK,
        Align::Center,
    );
    // Half the trials: where each line crosses it is that range's median.
    scene.push(Shape::Line {
        x1: axes.left,
        y1: axes.y(0.5),
        x2: axes.right,
        y2: axes.y(0.5),
        stroke: Stroke {
            color: theme::MUTED,
            width: 1.0,
            dash: crate::scene::Dash::Dotted,
        },
    });
    scene.push(Shape::Line {
        x1: axes.left,
        y1: axes.top,
        x2: axes.left,
        y2: axes.bottom,
        stroke: Stroke::solid(theme::FAINT, 1.0),
    });
    let Some(run) = run.filter(|r| r.done() > 0) else {
        // Half way between the 75% and 50% lines: on the 50% line it was struck through.
        text(
            scene,
            (axes.left + axes.right) / 2.0,
            axes.y(0.625),
            String::from("Choose timeout ranges and run the trials: a line grows here for each"),
            font(13.0, false),
            theme::MUTED,
            Align::Center,
        );
        legend(scene, run, &axes, width);
        return;
    };
    for (k, line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let mut points = Vec::with_capacity(2 * line.len() + 2);
        let mut prev = 0.0;
        for p in line {
            let x = axes.x(p.downtime_ms as f64);
            points.push((x, axes.y(prev)));
            points.push((x, axes.y(p.fraction)));
            prev = p.fraction;
        }
        points.push((axes.right, axes.y(prev)));
        scene.push(Shape::Path {
            points,
            stroke: Stroke {
                color: theme::LAB_LINES[k % theme::LAB_LINES.len()],
                width: 2.5,
                dash: LINE_DASHES[k % LINE_DASHES.len()],
            },
        });
    }
    legend(scene, Some(run), &axes, width);
    if let Some((k, index)) = hover {
        if let (Some(line), Some((_, trial))) = (lines.get(k), run.trial(k, index)) {
            if let Some(p) = line.iter().find(|p| p.trial == index) {
                let (x, y) = (axes.x(p.downtime_ms as f64), axes.y(p.fraction));
                scene.push(Shape::Circle {
                    x,
                    y,
                    r: 5.5,
                    fill: Some(theme::LAB_LINES[k % theme::LAB_LINES.len()]),
                    stroke: Some(Stroke::solid(theme::WHITE, 2.0)),
                });
                let said = trial_words(run.setup.ranges[k], &trial);
                let w = said.len() as f64 * 6.4 + 16.0;
                let bx = maths::clamp(x - w / 2.0, 2.0, (width - w - 2.0).max(2.0));
                let by = if y - 40.0 > axes.top - 24.0 {
                    y - 38.0
                } else {
                    y + 14.0
                };
                scene.push(Shape::Rect {
                    x: bx,
                    y: by,
                    w,
                    h: 24.0,
                    radius: 5.0,
                    fill: Some(theme::INK),
                    stroke: None,
                });
                text(
                    scene,
                    bx + 8.0,
                    by + 12.0,
                    said,
                    small,
                    theme::WHITE,
                    Align::Left,
                );
            }
        }
    }
}

/// Each range's sample line, label and median, beside the plot (or nothing when narrow:
/// the page lists the ranges under the chart too).
fn legend(scene: &mut Scene, run: Option<&LabRun>, axes: &Axes, width: f64) {
    let Some(run) = run else { return };
    if width < MIN_WIDE_W {
        return;
    }
    let x = width - LEGEND_W;
    text(
        scene,
        x,
        axes.top + 2.0,
        String::from("Election timeout"),
        font(12.5, true),
        theme::INK,
        Align::Left,
    );
    for k in 0..run.labs().len() {
        let y = axes.top + 28.0 + k as f64 * 42.0;
        scene.push(Shape::Line {
            x1: x,
            y1: y,
            x2: x + 34.0,
            y2: y,
            stroke: Stroke {
                color: theme::LAB_LINES[k % theme::LAB_LINES.len()],
                width: 3.0,
                dash: LINE_DASHES[k % LINE_DASHES.len()],
            },
        });
        text(
            scene,
            x + 40.0,
            y,
            range_label(run.setup.ranges[k]),
            font(13.0, true),
            theme::INK,
            Align::Left,
        );
        let detail = match run.summary(k) {
            Some(s) => format!(
                "median {}{} · split {}",
                if s.p50_ms >= NO_LEADER_LIMIT_MS {
                    "≥ "
                } else {
                    ""
                },
                duration(s.p50_ms),
                percent(s.split_vote_fraction())
            ),
            None => String::from("waiting to run"),
        };
        text(
            scene,
            x + 40.0,
            y + 16.0,
            detail,
            font(11.5, false),
            theme::MUTED,
            Align::Left,
        );
    }
}

/// The trial whose step of a line is under (x, y), if any: (range, trial). Each step is
/// the riser at its time, from the share before it to its own; the nearest within
/// [`PICK_RADIUS`] wins.
pub fn hit(run: Option<&LabRun>, width: f64, height: f64, x: f64, y: f64) -> Option<(usize, u32)> {
    let lines = lines(run);
    let axes = Axes::new(&lines, width, height);
    let mut best: Option<(f64, usize, u32)> = None;
    for (k, line) in lines.iter().enumerate() {
        let mut prev = 0.0;
        for p in line {
            let px = axes.x(p.downtime_ms as f64);
            let (top, bottom) = (axes.y(p.fraction), axes.y(prev));
            prev = p.fraction;
            let dy = if y < top {
                top - y
            } else if y > bottom {
                y - bottom
            } else {
                0.0
            };
            let d = maths::sqrt((px - x) * (px - x) + dy * dy);
            if d <= PICK_RADIUS && best.is_none_or(|(b, _, _)| d < b) {
                best = Some((d, k, p.trial));
            }
        }
    }
    best.map(|(_, k, trial)| (k, trial))
}
