//! `river check` tells its progress on standard error: by itself on a terminal, redrawn in
//! place and wiped before the summary; on a log when asked (`--progress`); never on standard
//! output, whose report is the same either way. Each test runs the built binary.

mod common;
use common::{river, river_at_a_terminal};

/// The summary without its last part, the wall time (which differs from run to run).
fn without_wall_time(out: &str) -> &str {
    out.rsplit_once("; ").expect("a summary line").0
}

#[test]
fn progress_is_told_on_standard_error_when_asked_and_only_then() {
    let (code, quiet, err) = river(&["check", "--seeds", "30"]);
    assert_eq!(code, 0, "{quiet}{err}");
    assert!(err.is_empty(), "standard error is no terminal here: {err}");
    let (code, out, err) = river(&["check", "--seeds", "30", "--progress", "never"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.is_empty(), "{err}");
    for asked in [&["--progress"][..], &["--progress", "always"]] {
        let mut args = vec!["check", "--seeds", "30", "--progress-ms", "1"];
        args.extend_from_slice(asked);
        let (code, out, err) = river(&args);
        assert_eq!(code, 0, "{out}{err}");
        assert!(!err.is_empty(), "{asked:?}: no progress told");
        for line in err.lines() {
            assert!(
                line.starts_with("river check: ")
                    && line.contains(" of 30 seeds (")
                    && line.contains(" seeds/s, 0 failed, 0 violations, "),
                "{asked:?}: {line}"
            );
        }
        assert!(!err.contains('\r'), "a log gets whole lines: {err:?}");
        assert_eq!(without_wall_time(&out), without_wall_time(&quiet));
    }
}

#[test]
fn a_wrong_progress_flag_is_bad_input() {
    for (args, said) in [
        (&["--progress", "sometimes"][..], "'sometimes'"),
        (&["--progress-ms", "0"], "give at least 1"),
        (&["--progress-ms", "3600001"], "at most 3600000"),
        (&["--progress-ms", ""], "give a whole number"),
        (
            &["--progress", "never", "--progress-ms", "5"],
            "--progress-ms does nothing with --progress never",
        ),
    ] {
        let mut all = vec!["check", "--seeds", "3"];
        all.extend_from_slice(args);
        let (code, out, err) = river(&all);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
}

/// On a terminal (util-linux's `script` gives it one) progress is drawn in place by itself
/// and wiped before the summary, so the summary starts its own clean line.
#[test]
fn on_a_terminal_progress_is_redrawn_in_place_and_wiped() {
    let Some((code, shown)) = river_at_a_terminal("check --seeds 200 --progress-ms 1") else {
        return; // No `script` here: nothing to run a terminal with.
    };
    assert_eq!(code, Some(0), "{shown}");
    let (drawn, summary) = shown
        .rsplit_once("\r\x1b[K")
        .expect("progress drawn in place");
    assert!(
        drawn.contains("river check: ") && drawn.contains(" of 200 seeds ("),
        "{drawn:?}"
    );
    assert!(!drawn.contains('\n'), "redrawn, not scrolled: {drawn:?}");
    assert!(summary.starts_with("runs 200, "), "{summary:?}");
}
