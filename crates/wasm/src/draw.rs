//! The painter: draws a [`Scene`] on a canvas through the 2D context. It decides nothing —
//! every position, colour and word comes from the layout — and only avoids resending
//! context state (colours, fonts, dashes) that is already set, since the browser parses
//! each one.

use alloc::format;
use river_view::maths;
use river_view::scene::{Align, Color, Dash, Font, Scene, Shape, Stroke};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

#[wasm_bindgen]
extern "C" {
    /// `Array.of(...)`: a dash pattern for `setLineDash`, made once.
    #[wasm_bindgen(js_namespace = Array, js_name = of)]
    fn array_of(a: f64, b: f64) -> JsValue;
    #[wasm_bindgen(js_namespace = Array, js_name = of)]
    fn array_of_none() -> JsValue;
    #[wasm_bindgen(js_namespace = Array, js_name = of)]
    fn array_of_4(a: f64, b: f64, c: f64, d: f64) -> JsValue;
}

/// Text in the interface's sans-serif, as on the rest of the page.
const SANS: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/// Commands and values, whose width the layout computes.
const MONO: &str =
    "ui-monospace, 'SF Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
/// The highest device pixel ratio honoured: beyond it, text is already sharp and the
/// backing store only grows.
const MAX_PIXEL_RATIO: f64 = 3.0;

/// Paints the two layers on two stacked canvases of the same size.
pub struct Painter {
    /// Servers, links, logs: repainted when something happens.
    pub base: Surface,
    /// Messages, timers, the clock: repainted every frame something moves.
    pub overlay: Surface,
    /// The election lab's chart, once the page hands its canvas over.
    pub lab: Option<Surface>,
}

impl Painter {
    /// A painter for the `base` canvas and the `overlay` canvas stacked above it.
    pub fn new(base: HtmlCanvasElement, overlay: HtmlCanvasElement) -> Result<Painter, JsValue> {
        Ok(Painter {
            base: Surface::new(base)?,
            overlay: Surface::new(overlay)?,
            lab: None,
        })
    }

    /// Sizes the base to the whole canvas area and the overlay to the ring area at its
    /// top-left corner (the only place things move; a smaller canvas is cheaper to clear
    /// and to hand to the compositor every frame).
    pub fn resize(&mut self, css_w: f64, css_h: f64, ring: (f64, f64), pixel_ratio: f64) {
        self.base.resize(css_w, css_h, pixel_ratio);
        self.overlay.resize(ring.0, ring.1, pixel_ratio);
    }
}

/// One canvas and the context state last sent to it.
pub struct Surface {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    dashes: [JsValue; 5],
    fill: Option<Color>,
    stroke: Option<Color>,
    width: f64,
    dash: Dash,
    font: Option<Font>,
    align: Align,
    alpha: f64,
}

impl Surface {
    /// A surface for `canvas`.
    pub fn new(canvas: HtmlCanvasElement) -> Result<Surface, JsValue> {
        let ctx = canvas
            .get_context("2d")?
            .ok_or_else(|| JsValue::from_str("this browser has no 2D canvas"))?
            .dyn_into::<CanvasRenderingContext2d>()?;
        Ok(Surface {
            canvas,
            ctx,
            dashes: [
                array_of_none(),
                array_of(7.0, 5.0),
                array_of(2.0, 4.0),
                array_of(16.0, 5.0),
                array_of_4(10.0, 4.0, 2.0, 4.0),
            ],
            fill: None,
            stroke: None,
            width: -1.0,
            dash: Dash::Solid,
            font: None,
            align: Align::Left,
            alpha: 1.0,
        })
    }

    /// Sizes the backing store for `css_w` × `css_h` CSS pixels at `pixel_ratio` device
    /// pixels each, so lines and text stay crisp on high-DPI screens.
    pub fn resize(&mut self, css_w: f64, css_h: f64, pixel_ratio: f64) {
        let ratio = if pixel_ratio.is_finite() {
            maths::clamp(pixel_ratio, 1.0, MAX_PIXEL_RATIO)
        } else {
            1.0
        };
        let w = maths::round(css_w.max(1.0) * ratio) as u32;
        let h = maths::round(css_h.max(1.0) * ratio) as u32;
        // Setting the size clears the canvas and resets the context's state.
        self.canvas.set_width(w);
        self.canvas.set_height(h);
        let _ = self.ctx.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
        self.ctx.set_text_baseline("middle");
        self.ctx.set_line_cap("round");
        self.ctx.set_line_join("round");
        self.fill = None;
        self.stroke = None;
        self.width = -1.0;
        self.dash = Dash::Solid;
        self.font = None;
        self.align = Align::Left;
        self.alpha = 1.0;
    }

    /// Paints `scene`: erases its `erase` rectangle, then draws its shapes in order.
    pub fn paint(&mut self, scene: &Scene) {
        if let Some((x, y, w, h)) = scene.erase {
            self.ctx.clear_rect(x, y, w, h);
        }
        for shape in &scene.shapes {
            match shape {
                Shape::Circle {
                    x,
                    y,
                    r,
                    fill,
                    stroke,
                } => {
                    self.ctx.begin_path();
                    let _ = self
                        .ctx
                        .arc(*x, *y, r.max(0.0), 0.0, core::f64::consts::TAU);
                    self.finish(*fill, *stroke);
                }
                Shape::Arc {
                    x,
                    y,
                    r,
                    from,
                    to,
                    stroke,
                } => {
                    self.ctx.begin_path();
                    let _ = self.ctx.arc(*x, *y, r.max(0.0), *from, *to);
                    self.finish(None, Some(*stroke));
                }
                Shape::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    stroke,
                } => {
                    self.ctx.begin_path();
                    self.ctx.move_to(*x1, *y1);
                    self.ctx.line_to(*x2, *y2);
                    self.finish(None, Some(*stroke));
                }
                Shape::Rect {
                    x,
                    y,
                    w,
                    h,
                    radius,
                    fill,
                    stroke,
                } => {
                    if *radius <= 0.0 && stroke.is_none() {
                        if let Some(fill) = fill {
                            self.set_fill(fill);
                            self.ctx.fill_rect(*x, *y, *w, *h);
                        }
                        continue;
                    }
                    self.ctx.begin_path();
                    let _ = self.ctx.round_rect_with_f64(*x, *y, *w, *h, *radius);
                    self.finish(*fill, *stroke);
                }
                Shape::Triangle { points, fill } => {
                    self.ctx.begin_path();
                    self.ctx.move_to(points[0].0, points[0].1);
                    self.ctx.line_to(points[1].0, points[1].1);
                    self.ctx.line_to(points[2].0, points[2].1);
                    self.ctx.close_path();
                    self.finish(Some(fill), None);
                }
                Shape::Text {
                    x,
                    y,
                    text,
                    font,
                    color,
                    align,
                } => {
                    self.set_font(*font);
                    if self.align != *align {
                        self.align = *align;
                        self.ctx.set_text_align(match align {
                            Align::Left => "left",
                            Align::Center => "center",
                            Align::Right => "right",
                        });
                    }
                    self.set_fill(color);
                    let _ = self.ctx.fill_text(text, *x, *y);
                }
                Shape::Path { points, stroke } => {
                    self.ctx.begin_path();
                    for (k, &(x, y)) in points.iter().enumerate() {
                        if k == 0 {
                            self.ctx.move_to(x, y)
                        } else {
                            self.ctx.line_to(x, y)
                        }
                    }
                    self.finish(None, Some(*stroke));
                }
                Shape::Alpha(a) => {
                    if *a != self.alpha {
                        self.alpha = *a;
                        self.ctx.set_global_alpha(maths::clamp(*a, 0.0, 1.0));
                    }
                }
            }
        }
    }

    fn finish(&mut self, fill: Option<Color>, stroke: Option<Stroke>) {
        if let Some(fill) = fill {
            self.set_fill(fill);
            self.ctx.fill();
        }
        if let Some(stroke) = stroke {
            if self.stroke != Some(stroke.color) {
                self.stroke = Some(stroke.color);
                self.ctx.set_stroke_style_str(stroke.color);
            }
            if self.width != stroke.width {
                self.width = stroke.width;
                self.ctx.set_line_width(stroke.width);
            }
            if self.dash != stroke.dash {
                self.dash = stroke.dash;
                let _ = self.ctx.set_line_dash(&self.dashes[stroke.dash as usize]);
            }
            self.ctx.stroke();
        }
    }

    fn set_fill(&mut self, color: Color) {
        if self.fill != Some(color) {
            self.fill = Some(color);
            self.ctx.set_fill_style_str(color);
        }
    }

    fn set_font(&mut self, font: Font) {
        if self.font == Some(font) {
            return;
        }
        self.font = Some(font);
        // Sizes are whole or half pixels (see the layout); written without float formatting.
        let halves = maths::round(font.size * 2.0).max(1.0) as u32;
        let css = format!(
            "{}{}{}px {}",
            if font.bold { "600 " } else { "" },
            halves / 2,
            if halves % 2 == 1 { ".5" } else { "" },
            if font.mono { MONO } else { SANS }
        );
        self.ctx.set_font(&css);
    }
}
