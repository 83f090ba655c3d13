//! The log panel: one row per server, entries aligned by index and coloured by term (solid
//! when committed, dashed when not), the window following the newest entry, and each
//! server's key-value store.

use super::*;
use crate::stored::{snapshot_store_text, snapshot_text, store_text, Stored};
use cell::Cell;

mod cell;

/// Where the log panel's parts go for a canvas and cluster size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogGrid {
    /// Left of the first entry column.
    pub cells_x: f64,
    /// Distance between entry columns.
    pub pitch: f64,
    /// How many entry columns fit.
    pub columns: usize,
    /// Top of the first row.
    pub rows_y: f64,
    /// Row height.
    pub row_h: f64,
    /// Left of the store column.
    pub kv_x: f64,
    /// Width of the store column (0 when the panel is too narrow to show one).
    pub kv_w: f64,
    /// Centre of the index header line.
    pub header_y: f64,
    /// Left of the snapshot column, where a compacted log's snapshot block begins (equal
    /// to `cells_x` when no log has a snapshot: there is no such column then).
    pub head_x: f64,
    /// The title sits on the index header's line, left of the indexes, instead of a line
    /// of its own above it: a short panel (a tour in a 320×240 embed) keeps its rows.
    pub compact: bool,
}

/// How many entry columns wide the snapshot column is.
const SNAPSHOT_COLUMNS: f64 = 2.0;
/// The fewest entry columns a narrow panel keeps room for before it drops the role words and
/// then the store column.
const MIN_COLUMNS: f64 = 2.0;
/// The longest role word beside a row's badge ("removed", "learner").
const LONGEST_ROLE_WORD: &str = "learner";
/// The shortest row, in CSS pixels: its letter badge and entries stay legible.
pub const MIN_ROW_H: f64 = 14.0;
/// Below this row height the title gives its line to the rows (see [`LogGrid::compact`]).
const ROOMY_ROW_H: f64 = 22.0;
/// The band the rows leave free at the panel's foot, at the log scale, where they stay roomy
/// without it: the page's box of words for the pointer and the keyboard sits there
/// ([`Geometry::words`]), two lines of it clear of every row and of the title (at the
/// panel's top it covered the title and the indexes).
pub(crate) const WORDS_BAND_PX: f64 = 50.0;
/// Where a box's command sits when its term is drawn above it, as a share of the box's
/// height from its top.
pub(super) const CELL_FILL: f64 = 0.62;

impl LogGrid {
    /// The grid for `geo`'s log panel and `n` rows; with `snapshots`, two columns' width at
    /// the head of the rows holds each log's snapshot block.
    pub fn new(geo: &Geometry, n: usize, snapshots: bool) -> LogGrid {
        let p = geo.logs;
        let s = Self::scale(geo);
        let pad = 14.0 * s;
        let rows = n.max(1) as f64;
        // The title on its own line, the indexes under it; when that leaves rows too short,
        // the title moves onto the indexes' line and the margins halve.
        let header_y = p.y + pad + 36.0 * s;
        let mut rows_y = header_y + 12.0 * s;
        let mut bottom = p.bottom() - pad;
        // In the projector view a row is roomy only where its boxes hold an entry's term over
        // its command at the least size inside a shape (a 1280×720 page's rows were not, and
        // took the title's line back).
        let roomy_row_h = if geo.look.projector {
            let command = (13.0 * s).max(geo.inside_px);
            let stacked =
                (3.0 * s + geo.inside_px + command / 2.0) / CELL_FILL + Self::cell_gap(geo, s);
            stacked.max(ROOMY_ROW_H)
        } else {
            ROOMY_ROW_H
        };
        if (bottom - WORDS_BAND_PX * s - rows_y) / rows >= roomy_row_h {
            bottom -= WORDS_BAND_PX * s;
        }
        let compact = (bottom - rows_y) / rows < roomy_row_h;
        let header_y = if compact {
            rows_y = p.y + pad / 2.0 + 17.0 * s;
            bottom = p.bottom() - pad / 2.0;
            p.y + pad / 2.0 + 8.0 * s
        } else {
            header_y
        };
        let roomy = if compact { MIN_ROW_H } else { ROOMY_ROW_H };
        let row_h = maths::clamp((bottom - rows_y) / rows, roomy, (64.0 * s).max(roomy));
        // The letter badge and the role word beside it ("leader", "cand.", "down"), as wide
        // as the longest word needs ("learner", "removed": at 80 px the first entry covered
        // their end; 16 px words in the projector view).
        let word_w = text_width(LONGEST_ROLE_WORD, readable(geo, 12.0 * s), SANS_ADVANCE) * 1.1;
        let mut label_w = (80.0 * s).max(32.0 * s + word_w + 6.0 * s);
        let mut kv_w = maths::clamp(p.w * 0.2, 72.0, 170.0 * s);
        let pitch = 54.0 * s;
        let mut snapshot_w = if snapshots {
            SNAPSHOT_COLUMNS * pitch
        } else {
            0.0
        };
        let cells_w = |label_w: f64, kv_w: f64, snapshot_w: f64| {
            let gap = if kv_w > 0.0 { 10.0 * s } else { 0.0 };
            (p.w - 2.0 * pad - label_w - snapshot_w - kv_w - gap).max(0.0)
        };
        // A narrow panel (an embed, a phone) gives up the role word beside the badge (the
        // badge keeps its outline), then the store column, so that entries keep their room.
        if cells_w(label_w, kv_w, snapshot_w) < MIN_COLUMNS * pitch {
            label_w = 36.0 * s;
        }
        if cells_w(label_w, kv_w, snapshot_w) < MIN_COLUMNS * pitch {
            kv_w = 0.0;
        }
        // Narrowest (a 320×240 embed), the snapshot block keeps one column: with two, the
        // entries after it ran past the panel's edge.
        if cells_w(label_w, kv_w, snapshot_w) < MIN_COLUMNS * 0.8 * pitch {
            snapshot_w = snapshot_w.min(pitch);
        }
        let head_x = p.x + pad + label_w;
        let cells_x = head_x + snapshot_w;
        let cells_w = cells_w(label_w, kv_w, snapshot_w);
        // Narrower still, the entries themselves narrow, down to 80%.
        let pitch = maths::clamp(cells_w / MIN_COLUMNS, 0.8 * pitch, pitch);
        let columns = (maths::floor(cells_w / pitch) as usize).max(1);
        LogGrid {
            cells_x,
            pitch,
            columns,
            rows_y,
            row_h,
            kv_x: p.right() - pad - kv_w,
            kv_w,
            header_y,
            head_x,
            compact,
        }
    }

    /// The size factor of the log panel: the ring's, within readable bounds (a little
    /// higher in the projector view, low enough that four entries fit beside a projected ring).
    pub fn scale(geo: &Geometry) -> f64 {
        let most = if geo.look.projector { 1.55 } else { 1.4 };
        // The projector view's least sizes hold the panel's own from below: its columns and
        // rows grow with the words instead of the words running over them.
        let least = if geo.look.projector {
            (geo.text_px / 11.0).max(0.85)
        } else {
            0.85
        };
        maths::clamp(geo.scale, least, most)
    }

    /// The room between one row's boxes and the next row's.
    fn cell_gap(geo: &Geometry, s: f64) -> f64 {
        if geo.look.projector {
            8.0 * s
        } else {
            12.0 * s
        }
    }

    /// The first log index shown, so that the newest entry of the longest log is visible.
    pub fn first_index(&self, longest: u64) -> u64 {
        (longest + 1).saturating_sub(self.columns as u64).max(1)
    }
}

pub(super) fn logs(scene: &mut Scene, geo: &Geometry, view: &View<'_>) {
    let p = geo.logs;
    let n = view.sim.size();
    let stored = |id: NodeId| Stored::of(view.sim, id);
    let snapshots = view.sim.ids().any(|id| stored(id).snapshot.is_some());
    let grid = LogGrid::new(geo, n, snapshots);
    let config = crate::members::configuration(view.sim);
    let s = LogGrid::scale(geo);
    scene.push(Shape::Rect {
        x: p.x,
        y: p.y,
        w: p.w,
        h: p.h,
        radius: 12.0 * s,
        fill: Some(theme::PANEL),
        stroke: Some(Stroke::solid(theme::PANEL_EDGE, 1.0)),
    });
    let pad = 14.0 * s;
    let (title_y, title_size) = if grid.compact {
        // Left of the indexes, as large as the column before them allows.
        let room = grid.head_x - p.x - pad - 4.0 * s;
        let size = (room / (4.0 * SANS_ADVANCE * 1.1)).min(17.0 * s);
        (grid.header_y, size)
    } else {
        (p.y + pad + 10.0 * s, 17.0 * s)
    };
    scene.push(text(
        p.x + pad,
        title_y,
        "Logs",
        font(title_size, true),
        theme::INK,
        Align::Left,
    ));
    // The key to the boxes, beside the title when it fits there.
    let key = "solid: committed · dashed: not yet · colour: term";
    let key_x = p.x + pad + 50.0 * s;
    let key_size = readable(geo, 12.0 * s);
    if !grid.compact && text_width(key, key_size, SANS_ADVANCE) <= p.right() - pad - key_x {
        scene.push(text(
            key_x,
            title_y + 1.0 * s,
            key,
            font(key_size, false),
            theme::MUTED,
            Align::Left,
        ));
    }
    let longest = view
        .sim
        .ids()
        .map(|id| stored(id).last_index())
        .max()
        .unwrap_or(0);
    let first = grid.first_index(longest);
    // Index header.
    let index_font = mono(readable(geo, 11.5 * s), false);
    // The mark that earlier entries are left of the window, unless it would lie on the title
    // (a compact panel's title sits on the indexes' line: "Logs…" in a 320×240 embed).
    let title_right = p.x + pad + char_count("Logs") as f64 * title_size * SANS_ADVANCE * 1.1;
    let mark_left = grid.cells_x - 6.0 * s - index_font.size * MONO_ADVANCE;
    if first > 1 && !(grid.compact && mark_left < title_right + 2.0 * s) {
        scene.push(text(
            grid.cells_x - 6.0 * s,
            grid.header_y,
            "…",
            index_font,
            theme::MUTED,
            Align::Right,
        ));
    }
    for c in 0..grid.columns {
        let x = grid.cells_x + grid.pitch * c as f64 + (grid.pitch - 5.0 * s) / 2.0;
        scene.push(text(
            x,
            grid.header_y,
            (first + c as u64).to_string(),
            index_font,
            theme::MUTED,
            Align::Center,
        ));
    }
    if snapshots {
        scene.push(text(
            grid.head_x + 4.0 * s,
            grid.header_y,
            "snapshot",
            font(readable(geo, 11.5 * s), false),
            theme::MUTED,
            Align::Left,
        ));
    }
    if grid.kv_w > 0.0 {
        let full = "key-value store";
        let heading = if text_width(full, readable(geo, 11.5 * s), SANS_ADVANCE) <= grid.kv_w {
            full
        } else {
            "store"
        };
        scene.push(text(
            grid.kv_x,
            grid.header_y,
            heading,
            font(readable(geo, 11.5 * s), false),
            theme::MUTED,
            Align::Left,
        ));
    }
    let cell_w = grid.pitch - 5.0 * s;
    // A short row keeps a sliver between its cells and the next row's.
    let cell_h = maths::clamp(
        grid.row_h - LogGrid::cell_gap(geo, s),
        16.0f64.min(grid.row_h - 4.0),
        40.0 * s,
    );
    // A role word's room ends where the snapshot column begins (a narrow panel gives it
    // up: the snapshot block was drawn over it). The projector view's label column is as
    // wide as its longest word at 16 px ("leader" lay on "snapshot ≤ 2: x=1").
    let size = readable(geo, 12.0 * s);
    let word_needs = if geo.look.projector {
        text_width(LONGEST_ROLE_WORD, size, SANS_ADVANCE) * 1.1
    } else {
        44.0 * s
    };
    for id in view.sim.ids() {
        let k = id.index();
        let row_top = grid.rows_y + grid.row_h * k as f64;
        let mid = row_top + grid.row_h / 2.0;
        let cell = Cell::new(mid, cell_w, cell_h, s, (geo.text_px, geo.inside_px));
        if k > 0 {
            scene.push(line(
                (p.x + pad, row_top),
                (p.right() - pad, row_top),
                Stroke::solid(theme::TIMER_TRACK, 1.0),
            ));
        }
        let node = view.sim.node(id);
        let role = node.map(|n| n.role());
        let (fill, edge, ink) = theme::role_colors(role);
        let badge_r = (13.0 * s).min(grid.row_h * 0.38);
        let badge_x = p.x + pad + badge_r;
        let badge_y = mid;
        // The badge is outlined like the server's circle (dashed: pre-candidate, down) and
        // its role written beside it, so the row is not told by colour alone.
        let dash = match role {
            None | Some(Role::PreCandidate) => Dash::Dashed,
            _ => Dash::Solid,
        };
        scene.push(Shape::Circle {
            x: badge_x,
            y: badge_y,
            r: badge_r,
            fill: Some(fill),
            stroke: Some(Stroke {
                color: edge,
                width: 1.5 * s,
                dash,
            }),
        });
        scene.push(text(
            badge_x,
            badge_y + 0.5 * s,
            id.letter().to_string(),
            font((badge_r * 1.1).max(geo.text_px), true),
            ink,
            Align::Center,
        ));
        let mut word_end = badge_x + badge_r;
        if grid.head_x - word_end - 6.0 * s >= word_needs {
            let standing = crate::members::standing(config, id);
            let word = match (role, standing) {
                (None, _) if view.sim.server(id).retired => "removed",
                (None, _) => "down",
                (Some(Role::Leader), _) => "leader",
                (Some(Role::Candidate), _) => "cand.",
                (Some(Role::PreCandidate), _) => "pre",
                (Some(Role::Follower), "learner") => "learner",
                (Some(Role::Follower), _) => "",
            };
            word_end += 6.0 * s + text_width(word, size, SANS_ADVANCE) * 1.1;
            scene.push(text(
                badge_x + badge_r + 6.0 * s,
                badge_y,
                word,
                font(size, role == Some(Role::Leader)),
                theme::INK,
                Align::Left,
            ));
        }
        let log = stored(id);
        // Entries left of the window, with no snapshot block standing for them: the row
        // says so with the header's mark, where it clears the role word. (A server behind
        // that held only entry 1 had a row that read as an empty log.)
        let hidden = log.first_index < first && !log.entries.is_empty();
        if hidden && log.snapshot.is_none() && mark_left > word_end + 2.0 * s {
            scene.push(text(
                grid.cells_x - 6.0 * s,
                mid,
                "…",
                index_font,
                theme::MUTED,
                Align::Right,
            ));
        }
        if let Some(snapshot) = log.snapshot {
            // One block at the head of the log, reaching over the columns it covers.
            let covered = (snapshot.index.0 + 1).saturating_sub(first);
            let right = grid.cells_x + grid.pitch * covered.min(grid.columns as u64) as f64;
            let (x, y, w) = (
                grid.head_x,
                mid - cell_h / 2.0,
                right - grid.head_x - 5.0 * s,
            );
            scene.push(Shape::Rect {
                x,
                y,
                w,
                h: cell_h,
                radius: 4.0 * s,
                fill: Some(if node.is_some() {
                    theme::SNAPSHOT
                } else {
                    theme::DOWN
                }),
                stroke: Some(Stroke::solid(theme::SNAPSHOT_EDGE, 2.0 * s)),
            });
            let size = (12.0 * s).min(cell_h * 0.45);
            let room = chars_in(w - 8.0 * s, size);
            let whole = snapshot_text(snapshot);
            if char_count(&whole) <= room || cell_h < 30.0 * s {
                scene.push(text(
                    x + 4.0 * s,
                    mid,
                    fit(&whole, room),
                    mono(size, false),
                    theme::INK,
                    Align::Left,
                ));
            } else {
                // Two lines: which entries it stands for, then the store it holds.
                let head = format!("snapshot ≤ {}", snapshot.index);
                for (k, line_text) in [head, snapshot_store_text(snapshot)].iter().enumerate() {
                    scene.push(text(
                        x + 4.0 * s,
                        mid + (k as f64 - 0.5) * size * 1.25,
                        fit(line_text, room),
                        mono(size, k == 0),
                        theme::INK,
                        Align::Left,
                    ));
                }
            }
        }
        for c in 0..grid.columns {
            let index = first + c as u64;
            if index <= log.snapshot_index() {
                continue;
            }
            let Some(entry) = log.entry(index) else {
                break;
            };
            let committed = index <= log.commit_index;
            let slot = theme::term_slot(entry.term);
            let x = grid.cells_x + grid.pitch * c as f64;
            let y = mid - cell_h / 2.0;
            let (cell_fill, cell_stroke) = match (node.is_some(), committed) {
                (false, _) => (theme::DOWN, Stroke::dashed(theme::DOWN_EDGE, 1.5 * s)),
                (true, true) => (
                    theme::TERM_FILLS[slot],
                    Stroke::solid(theme::TERM_EDGES[slot], 1.5 * s),
                ),
                (true, false) => (
                    theme::TERM_TINTS[slot],
                    Stroke::dashed(theme::TERM_EDGES[slot], 2.0 * s),
                ),
            };
            if view.shown.contains(&Highlight::Entry(id, index)) {
                // A tour step points at this entry: a frame around the cell.
                let m = 4.0 * s;
                scene.push(Shape::Rect {
                    x: x - m,
                    y: y - m,
                    w: cell_w + 2.0 * m,
                    h: cell_h + 2.0 * m,
                    radius: 7.0 * s,
                    fill: Some(theme::SHOWN_GLOW),
                    stroke: Some(Stroke::solid(theme::SHOWN, 3.0 * s)),
                });
            }
            // Dark on every term's fill (6:1 or more): a no-op says so in words.
            let label_color = theme::INK;
            let label = payload_text(&entry.payload);
            cell.paint(
                scene,
                x,
                (cell_fill, cell_stroke),
                &label,
                label_color,
                entry.term,
            );
        }
        // Entries thrown away in a rollback: for a moment, struck through over the entry
        // that took their place.
        for thrown in view.thrown.iter().filter(|t| t.node == id) {
            let Some(c) = thrown.index.checked_sub(first) else {
                continue;
            };
            if c >= grid.columns as u64 {
                continue;
            }
            let x = grid.cells_x + grid.pitch * c as f64;
            let slot = theme::term_slot(thrown.term);
            scene.push(Shape::Rect {
                x: x - 2.0 * s,
                y: cell.y - 2.0 * s,
                w: cell.w + 4.0 * s,
                h: cell.h + 4.0 * s,
                radius: 5.0 * s,
                fill: Some(theme::PANEL),
                stroke: None,
            });
            let look = (
                theme::TERM_TINTS[slot],
                Stroke::dashed(theme::TERM_EDGES[slot], 2.0 * s),
            );
            let text_y = cell.paint(scene, x, look, &thrown.label, theme::MUTED, thrown.term);
            scene.push(line(
                (x + 3.0 * s, text_y),
                (x + cell.w - 3.0 * s, text_y),
                Stroke::solid(theme::LOST, 2.5 * s),
            ));
        }
        // The store: committed state only (when the panel has room for it).
        if grid.kv_w <= 0.0 {
            continue;
        }
        let kv_text = match view.sim.server(id).node {
            None if view.sim.server(id).retired => String::from("— removed, shut down"),
            None => String::from("— lost in the crash"),
            Some(_) => store_text(&view.sim.server(id).kv, "  "),
        };
        let kv_size = readable(geo, 13.0 * s);
        let empty = kv_text.starts_with('(') || kv_text.starts_with('—');
        // Two lines rather than a cut one, where the row has room for them.
        let chars = chars_in(grid.kv_w, kv_size);
        let lay = |words: &str| {
            if grid.row_h >= 2.8 * kv_size {
                wrap(words, chars, 2)
            } else {
                alloc::vec![fit(words, chars)]
            }
        };
        let mut lines = lay(&kv_text);
        // A crashed server's words shorten rather than be cut mid-word (a 640×400 embed's
        // tour had "— lost in…").
        if view.sim.server(id).node.is_none() && lines.iter().any(|l| l.ends_with('…')) {
            lines = lay("— lost");
        }
        let first_y = mid - (lines.len() as f64 - 1.0) * kv_size * 0.6;
        for (k, line_text) in lines.into_iter().enumerate() {
            scene.push(text(
                grid.kv_x,
                first_y + k as f64 * kv_size * 1.2,
                line_text,
                mono(kv_size, false),
                if empty { theme::MUTED } else { theme::INK },
                Align::Left,
            ));
        }
    }
}
