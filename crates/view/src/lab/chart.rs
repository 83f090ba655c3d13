//! The election lab's chart: one cumulative distribution per timeout range (time without a
//! leader across, on a log scale as in the paper's Figure 16; the share of trials up), with
//! a legend, and the trial under the pointer. Pure: a lab and a size in, shapes out.
//! Everything is drawn at a type scale ([`Size::scale`]): the projector view's chart reads
//! from the back of a room like the rest of the page, and its legend stays on the chart.

use super::{duration, percent, range_label, trial_words, LabRun, LINE_DASHES};
use crate::look::Look;
use crate::maths;
use crate::scene::{text_width, Align, Font, Scene, Shape, Stroke, SANS_ADVANCE};
use crate::theme;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use river_sim::elections::{Point, NO_LEADER_LIMIT_MS};

/// The legend's width, right of the plot, when the chart is wide enough for it (at type
/// scale 1, as every length here).
const LEGEND_W: f64 = 230.0;
/// Below this width the legend goes under the plot's title instead of beside it.
const MIN_WIDE_W: f64 = 560.0;
/// A range's place in the legend under the title: its sample line and its label.
const LEGEND_SLOT_W: f64 = 150.0;
/// The height of a line of the legend under the title.
const LEGEND_LINE_H: f64 = 20.0;
/// Beside the plot, a range takes two lines (its label, then its median and split votes)
/// when each range has this much height, and one line (its label) otherwise.
const LEGEND_PAIR_H: f64 = 30.0;
/// How near (CSS pixels, at type scale 1) the pointer must be to a step of a line to pick
/// its trial.
pub const PICK_RADIUS: f64 = 10.0;
/// The page's type size (the root font size, CSS pixels) at which the chart draws at scale 1.
pub const BASE_TEXT_PX: f64 = 16.0;
/// The most the page's type size enlarges the chart (before the projector view's own).
const MOST_TEXT_SCALE: f64 = 2.0;

/// The chart's canvas in CSS pixels and the scale its type and marks are drawn at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Size {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// Type scale: 1 on the page as it comes, larger with the page's type and larger
    /// again in the projector view.
    pub scale: f64,
}

impl Size {
    /// A `width` × `height` chart on a page whose type is `text_px` (its root font size,
    /// which the projector view raises with the screen's width) in `look`.
    pub fn new(width: f64, height: f64, text_px: f64, look: Look) -> Size {
        let text = if text_px.is_finite() {
            maths::clamp(text_px / BASE_TEXT_PX, 1.0, MOST_TEXT_SCALE)
        } else {
            1.0
        };
        Size {
            width,
            height,
            scale: text * look.magnify(),
        }
    }

    /// A chart drawn at type scale 1.
    pub fn plain(width: f64, height: f64) -> Size {
        Size {
            width,
            height,
            scale: 1.0,
        }
    }

    /// Whether the legend fits beside the plot (else it goes under the title).
    fn wide(&self) -> bool {
        self.width >= MIN_WIDE_W * self.scale
    }

    /// How many ranges a line of the legend under the title holds.
    fn legend_columns(&self) -> usize {
        let room = self.width - 28.0 * self.scale;
        (maths::floor(room / (LEGEND_SLOT_W * self.scale)) as usize).max(1)
    }
}

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
    /// The type scale it was laid out at.
    pub scale: f64,
}

impl Axes {
    /// The axes for these lines (one per range, empty or not) on a chart of `size`.
    pub fn new(lines: &[Vec<Point>], size: Size) -> Axes {
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
        let s = size.scale;
        let wide = size.wide();
        // Room for the legend beside the plot only when there is one: the empty chart has
        // none, and its plot stopped 246 px short of the right edge.
        let beside = wide && !lines.is_empty();
        // The legend under the title pushes the plot down by its lines.
        let legend_lines = if wide || lines.is_empty() {
            0
        } else {
            lines.len().div_ceil(size.legend_columns())
        };
        let left = 54.0 * s;
        let top = 30.0 * s + legend_lines as f64 * LEGEND_LINE_H * s;
        Axes {
            left,
            top,
            right: (size.width - (if beside { LEGEND_W + 16.0 } else { 14.0 }) * s)
                .max(left + 80.0),
            bottom: (size.height - 46.0 * s).max(top + 60.0),
            lo_ms: lo,
            hi_ms: hi,
            scale: s,
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

/// The first of `texts` that fits in `room` at `size` (the last one if none does).
fn longest_fitting(texts: &[&str], size: f64, room: f64) -> String {
    let fits = |t: &str| text_width(t, size, SANS_ADVANCE) <= room;
    let last = texts.last().copied().unwrap_or_default();
    String::from(texts.iter().copied().find(|t| fits(t)).unwrap_or(last))
}

/// Draws the chart of `run` (empty axes and a hint before any trial) on a `width` ×
/// `height` canvas, with the trial `hover` (range, trial) marked and described.
pub fn build(scene: &mut Scene, run: Option<&LabRun>, size: Size, hover: Option<(usize, u32)>) {
    let (width, height, s) = (size.width, size.height, size.scale);
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
    let axes = Axes::new(&lines, size);
    let grid = Stroke::solid(theme::PANEL_EDGE, 1.0);
    let small = font(12.0 * s, false);
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
            axes.left - 8.0 * s,
            y,
            percent(f),
            small,
            theme::MUTED,
            Align::Right,
        );
    }
    text(
        scene,
        axes.left - 44.0 * s,
        12.0 * s,
        String::from("% of trials with a new leader by then"),
        font(12.5 * s, true),
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
    // The left edge of the last label placed (they go right to left), so that labels keep
    // a gap between them whatever their size.
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
        let label = duration(ms as u64);
        let half = small.width(&label) * 0.55;
        if x + half + 8.0 * s <= labelled {
            labelled = x - half;
            text(
                scene,
                x,
                axes.bottom + 14.0 * s,
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
        axes.bottom + 34.0 * s,
        longest_fitting(
            &[
                "time without a leader after the crash (log scale)",
                "time without a leader (log scale)",
            ],
            12.5 * s,
            axes.right - axes.left + 2.0 * axes.left.min(width - axes.right),
        ),
        font(12.5 * s, true),
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
            longest_fitting(
                &[
                    "Choose timeout ranges and run the trials: a line grows here for each",
                    "Run the trials: a line grows here for each range",
                    "Run the trials",
                ],
                13.0 * s,
                axes.right - axes.left,
            ),
            font(13.0 * s, false),
            theme::MUTED,
            Align::Center,
        );
        legend(scene, run, &axes, size);
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
                width: 2.5 * s,
                dash: LINE_DASHES[k % LINE_DASHES.len()],
            },
        });
    }
    legend(scene, Some(run), &axes, size);
    if let Some((k, index)) = hover {
        if let (Some(line), Some((_, trial))) = (lines.get(k), run.trial(k, index)) {
            if let Some(p) = line.iter().find(|p| p.trial == index) {
                let (x, y) = (axes.x(p.downtime_ms as f64), axes.y(p.fraction));
                scene.push(Shape::Circle {
                    x,
                    y,
                    r: 5.5 * s,
                    fill: Some(theme::LAB_LINES[k % theme::LAB_LINES.len()]),
                    stroke: Some(Stroke::solid(theme::WHITE, 2.0 * s)),
                });
                let said = trial_words(run.setup.ranges[k], &trial);
                let w = (said.chars().count() as f64 * 6.4 + 16.0) * s;
                let bx = maths::clamp(x - w / 2.0, 2.0, (width - w - 2.0).max(2.0));
                let by = if y - 40.0 * s > axes.top - 24.0 * s {
                    y - 38.0 * s
                } else {
                    y + 14.0 * s
                };
                scene.push(Shape::Rect {
                    x: bx,
                    y: by,
                    w,
                    h: 24.0 * s,
                    radius: 5.0 * s,
                    fill: Some(theme::INK),
                    stroke: None,
                });
                text(
                    scene,
                    bx + 8.0 * s,
                    by + 12.0 * s,
                    said,
                    small,
                    theme::WHITE,
                    Align::Left,
                );
            }
        }
    }
}

/// Each range's sample line, label and median beside the plot when the chart is wide
/// (two lines a range, or its label alone when the ranges are many for the height), or
/// each range's line and label in rows under the title when it is narrow.
fn legend(scene: &mut Scene, run: Option<&LabRun>, axes: &Axes, size: Size) {
    let Some(run) = run else { return };
    let s = size.scale;
    let n = run.labs().len();
    let sample = |scene: &mut Scene, k: usize, x: f64, y: f64, w: f64| {
        scene.push(Shape::Line {
            x1: x,
            y1: y,
            x2: x + w,
            y2: y,
            stroke: Stroke {
                color: theme::LAB_LINES[k % theme::LAB_LINES.len()],
                width: 3.0 * s,
                dash: LINE_DASHES[k % LINE_DASHES.len()],
            },
        });
        text(
            scene,
            x + w + 6.0 * s,
            y,
            range_label(run.setup.ranges[k]),
            font(13.0 * s, true),
            theme::INK,
            Align::Left,
        );
    };
    if !size.wide() {
        let columns = size.legend_columns();
        for k in 0..n {
            let x = 14.0 * s + (k % columns) as f64 * LEGEND_SLOT_W * s;
            let y = 30.0 * s + ((k / columns) as f64 + 0.2) * LEGEND_LINE_H * s;
            sample(scene, k, x, y, 28.0 * s);
        }
        return;
    }
    let x = size.width - LEGEND_W * s;
    text(
        scene,
        x,
        axes.top + 2.0 * s,
        String::from("Election timeout"),
        font(12.5 * s, true),
        theme::INK,
        Align::Left,
    );
    // From under its heading down to the time axis's labels.
    let first = axes.top + 28.0 * s;
    let pitch = ((axes.bottom + 16.0 * s - first) / n.max(1) as f64).min(42.0 * s);
    let pairs = pitch >= LEGEND_PAIR_H * s;
    for k in 0..n {
        let y = first + k as f64 * pitch;
        sample(scene, k, x, y, 34.0 * s);
        if !pairs {
            continue;
        }
        let detail = match run.summary(k) {
            Some(sum) => format!(
                "median {}{} · split {}",
                if sum.p50_ms >= NO_LEADER_LIMIT_MS {
                    "≥ "
                } else {
                    ""
                },
                duration(sum.p50_ms),
                percent(sum.split_vote_fraction())
            ),
            None => String::from("waiting to run"),
        };
        text(
            scene,
            x + 40.0 * s,
            y + 16.0 * s,
            detail,
            font(11.5 * s, false),
            theme::MUTED,
            Align::Left,
        );
    }
}

/// The trial whose step of a line is under (x, y), if any: (range, trial). Each step is
/// the riser at its time, from the share before it to its own; the nearest within
/// [`PICK_RADIUS`] (at the chart's scale) wins.
pub fn hit(run: Option<&LabRun>, size: Size, x: f64, y: f64) -> Option<(usize, u32)> {
    let lines = lines(run);
    let axes = Axes::new(&lines, size);
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
            if d <= PICK_RADIUS * size.scale && best.is_none_or(|(b, _, _)| d < b) {
                best = Some((d, k, p.trial));
            }
        }
    }
    best.map(|(_, k, trial)| (k, trial))
}
