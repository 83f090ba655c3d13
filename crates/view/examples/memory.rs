//! How much memory the page's model holds after a long run, natively (resident set size of
//! this process): `cargo run --release -p river-view --example memory`. The page itself is
//! measured in Chromium by `npm run bench`.
use river_view::action::{Action, Node};
use river_view::app::App;
use river_view::layout::Viewport;

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn main() {
    let mut app = App::new("?seed=1&paused", Viewport::new(1000.0, 560.0), || 1);
    for minute in 1..=30 {
        for s in 0..60 {
            app.apply(Action::Advance(1000.0)).unwrap();
            if let Some(l) = app.sim().leader() {
                let command = format!("k={s}");
                let _ = app.apply(Action::Propose {
                    node: Node(l),
                    command,
                });
            }
            let _ = app.take_feed();
        }
        if minute % 5 == 0 {
            println!(
                "after {minute} min: resident {:.1} MB, events {}, log {} entries",
                rss_mb(),
                app.sim().stats.events,
                app.sim().server(river_core::NodeId(0)).disk.log.len()
            );
        }
    }
}
