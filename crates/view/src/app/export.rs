//! Taking the run away: its trace as JSON lines, written by the simulator's own writer, the
//! one `river run --trace` uses, so the page's file and the command's are the same format
//! by construction.

use super::*;
use river_sim::trace::write_json_lines;

/// The most trace records the page writes at once (about 100 MB of JSON lines, roughly 50
/// minutes of a 5-server run at full speed): past it the download is refused, saying so.
pub const MAX_TRACE_RECORDS: u64 = 1_000_000;

impl App {
    /// The run's trace from its start to the moment shown, as JSON lines. The run is
    /// rebuilt from its start with every event kept and must reach the same trace digest
    /// as the run on screen, or nothing is written ("exact or refused").
    pub fn trace_lines(&self) -> Result<String, String> {
        let shown = self.tl.sim();
        if shown.trace.len() > MAX_TRACE_RECORDS {
            return Err(format!(
                "this run has {} trace events so far; the page writes at most {MAX_TRACE_RECORDS} (river run --trace writes any number)",
                shown.trace.len()
            ));
        }
        let sim = self.tl.traced();
        if sim.trace.digest() != shown.trace.digest() {
            return Err(String::from(
                "rebuilding the run from its start went differently, so no trace was written",
            ));
        }
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = write_json_lines(&sim.trace.records, &mut text);
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use crate::app::tests::{app, Acts};
    use alloc::string::String;
    use alloc::vec::Vec;
    use river_sim::scenario::{built_in, Player, Scenario};
    use river_sim::trace::write_json_lines;

    fn lines(text: &str) -> Vec<serde_json::Value> {
        text.lines()
            .map(|l| serde_json::from_str(l).expect("every line is JSON"))
            .collect()
    }

    #[test]
    fn the_trace_is_the_whole_run_so_far_even_after_travelling_back() {
        let mut a = app("?seed=3");
        a.advance(1_500.0).unwrap();
        a.propose("A", "x=1").unwrap();
        a.cut("B", "C", false).unwrap();
        a.advance(2_000.0).unwrap();
        a.done(crate::action::Action::Seek(2_500.0)).unwrap();
        a.propose("C", "y=2").unwrap();
        a.advance(700.0).unwrap();
        let text = a.trace_lines().unwrap();
        let records = lines(&text);
        assert_eq!(records.len() as u64, a.sim().trace.len());
        let last = records.last().unwrap()["t"].as_u64().unwrap();
        assert!(
            last <= 3_200 && last > 2_500,
            "ends where the run stands: {last}"
        );
        assert!(records
            .iter()
            .any(|r| r["ev"] == "link" && r["from"] == "B"));
        let invokes: Vec<&str> = records
            .iter()
            .filter(|r| r["ev"] == "invoke")
            .map(|r| r["op"].as_str().unwrap())
            .collect();
        assert_eq!(
            invokes.len(),
            2,
            "both changes, the first before the seek: {invokes:?}"
        );
    }

    #[test]
    fn a_scenario_played_on_the_page_writes_the_lines_river_run_writes() {
        let text = built_in("partition").unwrap();
        // What `river run --scenario partition --trace FILE` does.
        let scenario = Scenario::parse(text).unwrap();
        let mut sim = Player::simulation(&scenario);
        sim.trace.keep = true;
        Player::new(scenario).run_to_end(&mut sim).unwrap();
        let mut cli = String::new();
        write_json_lines(&sim.trace.records, &mut cli).unwrap();
        // The page, playing it and running on past its end.
        let mut a = app("?seed=1");
        a.done(crate::action::Action::PlayBuiltIn("partition".into()))
            .unwrap();
        a.advance((sim.now_ms() + 1_000) as f64).unwrap();
        let page = a.trace_lines().unwrap();
        assert!(cli.lines().count() > 500, "a run worth comparing");
        assert!(
            page.starts_with(&cli),
            "the page's trace begins with river run's, byte for byte"
        );
        assert!(
            page.len() > cli.len(),
            "and goes on past the scenario's end"
        );
    }
}
