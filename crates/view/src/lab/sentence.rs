//! The lab's results in plain words: the sentence under the chart, a trial when it opens or
//! sits under the pointer, and the formats they share (a range, a time, a share, a count).

use super::*;

/// "150–300 ms".
pub fn range_label((min, max): (u64, u64)) -> String {
    format!("{min}–{max} ms")
}

/// A time as people read it: "172 ms", "1.38 s", "60 s".
pub fn duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else {
        format!("{} s", words::decimal(ms as f64 / 1_000.0))
    }
}

/// A share as a percentage with at most one decimal: "4.6%", "100%".
pub fn percent(fraction: f64) -> String {
    format!(
        "{}%",
        words::decimal(crate::maths::round(fraction * 1_000.0) / 10.0)
    )
}

/// A count with thousands separated: "1,000".
#[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` is newer than our MSRV
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the chart shows, in plain words, from the results: how to read it, then for each
/// range the median and the share of trials with a split vote, then what the comparison
/// of the narrowest and the widest range says. Empty before the first trial.
pub fn sentence(run: &LabRun) -> String {
    let setup = &run.setup;
    let mut summaries: Vec<(usize, Stats)> = Vec::new();
    for k in 0..run.labs.len() {
        if let Some(s) = run.summary(k) {
            summaries.push((k, s));
        }
    }
    if summaries.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "Each line is one election-timeout range: it reaches y% at x ms when y% of its trials \
         had a new leader within x ms of the crash ({} servers, messages taking {}–{} ms{}). ",
        setup.nodes,
        setup.latency_min_ms,
        setup.latency_max_ms,
        if setup.pre_vote { ", PreVote on" } else { "" }
    );
    for (n, (k, s)) in summaries.iter().enumerate() {
        let label = range_label(setup.ranges[*k]);
        let split = percent(s.split_vote_fraction());
        let trials = count(u64::from(s.trials));
        out.push_str(&if n == 0 {
            format!("With {label}, ")
        } else {
            format!("; with {label}, ")
        });
        let limit = duration(NO_LEADER_LIMIT_MS);
        let stuck = count(u64::from(s.no_leader_trials));
        out.push_str(&if s.p50_ms >= NO_LEADER_LIMIT_MS {
            format!("{stuck} of {trials} trials had no leader within {limit} and {split} had a split vote")
        } else {
            format!(
                "half of {trials} trials had a leader within {} and {split} had a split vote",
                duration(s.p50_ms)
            )
        });
        // The trials that found none are in the median and the tail at the limit: say how
        // many, as `river elections` does, or the chart's "60 s" reads as a measured time.
        if s.no_leader_trials > 0 && s.p50_ms < NO_LEADER_LIMIT_MS {
            out.push_str(&format!(
                " ({} no leader within {limit}, counted at {limit})",
                words::plural(u64::from(s.no_leader_trials), "trial had", "trials had")
            ));
        }
    }
    out.push('.');
    // The narrowest range against the widest.
    let width = |k: usize| setup.ranges[k].1 - setup.ranges[k].0;
    let narrowest = summaries.iter().min_by_key(|(k, _)| width(*k));
    let widest = summaries.iter().max_by_key(|(k, _)| width(*k));
    if let (Some((a, sa)), Some((b, sb))) = (narrowest, widest) {
        if width(*a) < width(*b) {
            let (fa, fb) = (sa.split_vote_fraction(), sb.split_vote_fraction());
            let verdict = if fb < fa && sb.p50_ms < sa.p50_ms {
                "more randomness in the timeouts means fewer split votes and a leader sooner"
            } else if fb < fa {
                "more randomness in the timeouts means fewer split votes"
            } else {
                "here more randomness did not reduce split votes"
            };
            out.push_str(&format!(
                " From {} to {}, {verdict} ({} against {} of trials with a split vote).",
                range_label(setup.ranges[*a]),
                range_label(setup.ranges[*b]),
                percent(fa),
                percent(fb)
            ));
        }
    }
    out
}

/// What the page says when a trial opens on the main canvas.
pub fn opened_words(range: (u64, u64), trial: &Trial) -> String {
    let leader = match trial.new_leader {
        Some(id) => format!(
            "until {id} leads, {} after the crash",
            duration(trial.downtime_ms)
        ),
        None => format!(
            "with no leader within {} of the crash",
            duration(NO_LEADER_LIMIT_MS)
        ),
    };
    format!(
        "Trial {} of {}: paused just before leader {} crashes at {}. Play, or step one event \
         at a time, to watch {} with {} {leader}.",
        trial.index,
        range_label(range),
        trial.crashed,
        duration(trial.crash_at_ms),
        words::plural(u64::from(trial.elections), "election", "elections"),
        words::plural(u64::from(trial.split_votes), "split vote", "split votes"),
    )
}

/// The text of a trial under the pointer.
pub fn trial_words(range: (u64, u64), trial: &Trial) -> String {
    let time = if trial.no_leader() {
        format!("no leader within {}", duration(NO_LEADER_LIMIT_MS))
    } else {
        format!("{} without a leader", duration(trial.downtime_ms))
    };
    format!(
        "{}, trial {}: {time}, {}; click to watch it",
        range_label(range),
        trial.index,
        words::plural(u64::from(trial.split_votes), "split vote", "split votes"),
    )
}
