//! The settings a person can change on the page, with their bounds, and the two the
//! address may carry (`?seed=` and `?nodes=`). Every value is checked here; a bad one is
//! refused with a sentence saying why, and the page keeps running with what it had.

use crate::words::echo;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use river_sim::network::LinkParams;
use river_sim::sim::ReadPath;
use river_sim::{RaftOptions, SimConfig};

/// The largest cluster the page draws: nine letters fit on a ring and in the log panel
/// (the core allows more).
pub const MAX_NODES: usize = 9;
/// The cluster size a page starts with.
pub const DEFAULT_NODES: usize = 5;
/// The largest seed accepted: seeds round-trip through JavaScript numbers, which are exact
/// up to 2^53 - 1.
pub const MAX_SEED: u64 = (1 << 53) - 1;
/// The longest election timeout, heartbeat or latency a person may set, in ms.
pub const MAX_SETTING_MS: u64 = 10_000;
/// The highest message loss a person may set, in percent: above it nothing gets through.
pub const MAX_LOSS_PERCENT: u32 = 90;
/// The largest snapshot threshold a person may set, in applied entries (0: never compact).
pub const MAX_SNAPSHOT_THRESHOLD: u64 = 10_000;

/// Everything that defines a run on the page besides what people do during it.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Number of servers, 1 to [`MAX_NODES`].
    pub nodes: usize,
    /// The master seed, 0 to [`MAX_SEED`].
    pub seed: u64,
    /// Raft timing and options.
    pub raft: RaftOptions,
    /// Every link's delay and loss (cuts are not settings: they happen during a run).
    pub link: LinkParams,
}

/// What applying a setting needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// The servers' configuration changed: start a fresh cluster.
    Restart,
    /// Only the network changed: apply it to the running cluster.
    Network,
    /// A setting the simulator reads at each event (compaction, the read path): the
    /// running cluster takes it at once.
    Running,
}

/// A setting a person can change; at the boundary, by its name (`"election-timeout-min"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    /// The cluster size.
    Nodes,
    /// The master seed.
    Seed,
    /// The shortest election timeout, ms.
    ElectionTimeoutMin,
    /// The longest election timeout, ms.
    ElectionTimeoutMax,
    /// The leader's heartbeat interval, ms.
    Heartbeat,
    /// The shortest link latency, ms.
    LatencyMin,
    /// The longest link latency, ms.
    LatencyMax,
    /// Message loss, percent.
    LossPercent,
    /// PreVote, "on" or "off".
    PreVote,
    /// CheckQuorum, "on" or "off".
    CheckQuorum,
    /// Compact a server's log once this many applied entries follow its snapshot (0: never).
    SnapshotThreshold,
    /// How a `get` is served: `read-index` or `log` (the simulator's [`ReadPath`] names).
    ReadMode,
}

impl Setting {
    /// Every setting, in the order the page shows them.
    pub const ALL: [Setting; 12] = [
        Setting::Nodes,
        Setting::Seed,
        Setting::ElectionTimeoutMin,
        Setting::ElectionTimeoutMax,
        Setting::Heartbeat,
        Setting::LatencyMin,
        Setting::LatencyMax,
        Setting::LossPercent,
        Setting::PreVote,
        Setting::CheckQuorum,
        Setting::SnapshotThreshold,
        Setting::ReadMode,
    ];

    /// Its name, as the page's controls and the journal spell it.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Nodes => "nodes",
            Setting::Seed => "seed",
            Setting::ElectionTimeoutMin => "election-timeout-min",
            Setting::ElectionTimeoutMax => "election-timeout-max",
            Setting::Heartbeat => "heartbeat",
            Setting::LatencyMin => "latency-min",
            Setting::LatencyMax => "latency-max",
            Setting::LossPercent => "loss-percent",
            Setting::PreVote => "prevote",
            Setting::CheckQuorum => "checkquorum",
            Setting::SnapshotThreshold => "snapshot-threshold",
            Setting::ReadMode => "read-mode",
        }
    }

    /// The setting with this name.
    pub fn from_name(name: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.name() == name)
    }
}

impl Settings {
    /// The page's defaults: the simulator's, with `seed`.
    pub fn new(seed: u64) -> Settings {
        let config = SimConfig::new(DEFAULT_NODES, seed);
        Settings {
            nodes: config.nodes,
            seed,
            raft: config.raft,
            link: config.link,
        }
    }

    /// Settings taken from a scenario's configuration, if the page can show it.
    pub fn from_config(config: &SimConfig) -> Result<Settings, String> {
        if config.nodes > MAX_NODES {
            return Err(format!(
                "the page shows clusters of 1 to {MAX_NODES} nodes, not {}",
                config.nodes
            ));
        }
        if config.seed > MAX_SEED {
            return Err(format!("the page takes seeds from 0 to {MAX_SEED}"));
        }
        Ok(Settings {
            nodes: config.nodes,
            seed: config.seed,
            raft: config.raft,
            link: config.link,
        })
    }

    /// The simulator configuration these settings describe.
    pub fn config(&self) -> SimConfig {
        let mut config = SimConfig::new(self.nodes, self.seed);
        config.raft = self.raft;
        config.link = self.link;
        config
    }

    /// The value of `setting` as the page shows it.
    #[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` is newer than our MSRV
    pub fn get(&self, setting: Setting) -> String {
        match setting {
            Setting::Nodes => self.nodes.to_string(),
            Setting::Seed => self.seed.to_string(),
            Setting::ElectionTimeoutMin => self.raft.election_timeout_min_ms.to_string(),
            Setting::ElectionTimeoutMax => self.raft.election_timeout_max_ms.to_string(),
            Setting::Heartbeat => self.raft.heartbeat_interval_ms.to_string(),
            Setting::LatencyMin => self.link.latency_min_ms.to_string(),
            Setting::LatencyMax => self.link.latency_max_ms.to_string(),
            Setting::LossPercent => {
                let tenths = crate::maths::round(self.link.loss * 1000.0) as u64;
                if tenths % 10 == 0 {
                    format!("{}", tenths / 10)
                } else {
                    format!("{}.{}", tenths / 10, tenths % 10)
                }
            }
            Setting::PreVote => on_off(self.raft.pre_vote).into(),
            Setting::CheckQuorum => on_off(self.raft.check_quorum).into(),
            Setting::SnapshotThreshold => self.raft.snapshot_threshold.to_string(),
            Setting::ReadMode => self.raft.reads.name().into(),
        }
    }

    /// Changes one setting from the text a person typed. Refuses values out of bounds or
    /// that make the configuration impossible (a heartbeat no faster than the shortest
    /// election timeout, an empty range), saying why.
    pub fn set(&mut self, setting: Setting, value: &str) -> Result<Effect, String> {
        let mut next = self.clone();
        let effect = next.apply(setting, value)?;
        next.check()?;
        *self = next;
        Ok(effect)
    }

    /// Sets every (name, value) pair, checking the whole only at the end (one by one, a
    /// pair can be impossible for a moment: a new shortest timeout above the old longest).
    /// On a refusal nothing changes.
    pub fn set_all(&mut self, pairs: &[(Setting, &str)]) -> Result<(), String> {
        let mut next = self.clone();
        for &(setting, value) in pairs {
            next.apply(setting, value)?;
        }
        next.check()?;
        *self = next;
        Ok(())
    }

    /// Changes one setting without checking the whole.
    fn apply(&mut self, setting: Setting, value: &str) -> Result<Effect, String> {
        let value = value.trim();
        Ok(match setting {
            Setting::Nodes => {
                self.nodes = whole(value, "the cluster size", 1, MAX_NODES as u64)? as usize;
                Effect::Restart
            }
            Setting::Seed => {
                self.seed = whole(value, "the seed", 0, MAX_SEED)?;
                Effect::Restart
            }
            Setting::ElectionTimeoutMin => {
                self.raft.election_timeout_min_ms =
                    whole(value, "the shortest election timeout", 1, MAX_SETTING_MS)?;
                Effect::Restart
            }
            Setting::ElectionTimeoutMax => {
                self.raft.election_timeout_max_ms =
                    whole(value, "the longest election timeout", 1, MAX_SETTING_MS)?;
                Effect::Restart
            }
            Setting::Heartbeat => {
                self.raft.heartbeat_interval_ms =
                    whole(value, "the heartbeat interval", 1, MAX_SETTING_MS)?;
                Effect::Restart
            }
            Setting::LatencyMin => {
                self.link.latency_min_ms = whole(value, "the shortest latency", 0, MAX_SETTING_MS)?;
                Effect::Network
            }
            Setting::LatencyMax => {
                self.link.latency_max_ms = whole(value, "the longest latency", 0, MAX_SETTING_MS)?;
                Effect::Network
            }
            Setting::LossPercent => {
                let p = percent(value).ok_or_else(|| {
                    format!(
                        "message loss must be a percentage from 0 to {MAX_LOSS_PERCENT}, not '{}'",
                        echo(value)
                    )
                })?;
                self.link.loss = p / 100.0;
                Effect::Network
            }
            Setting::PreVote => {
                self.raft.pre_vote = switch(value, "PreVote")?;
                Effect::Restart
            }
            Setting::CheckQuorum => {
                self.raft.check_quorum = switch(value, "CheckQuorum")?;
                Effect::Restart
            }
            Setting::SnapshotThreshold => {
                self.raft.snapshot_threshold =
                    whole(value, "the snapshot threshold", 0, MAX_SNAPSHOT_THRESHOLD)?;
                Effect::Running
            }
            Setting::ReadMode => {
                let before = self.raft.reads;
                self.raft.reads = ReadPath::from_name(value).ok_or_else(|| {
                    let mut known = String::new();
                    for path in ReadPath::ALL {
                        if !known.is_empty() {
                            known.push_str(", ");
                        }
                        known.push_str(path.name());
                    }
                    format!("reads are served by {known}, not '{}'", echo(value))
                })?;
                // A lease is the servers' own configuration (a running server keeps the one
                // it started with), so going to or from lease reads starts a fresh cluster;
                // ReadIndex and the log are how the clients ask, and change at once.
                if (before == ReadPath::Lease) != (self.raft.reads == ReadPath::Lease) {
                    Effect::Restart
                } else {
                    Effect::Running
                }
            }
        })
    }

    /// Refuses settings that make the configuration impossible.
    fn check(&self) -> Result<(), String> {
        if self.link.latency_min_ms > self.link.latency_max_ms {
            return Err(format!(
                "the shortest latency ({} ms) is above the longest ({} ms)",
                self.link.latency_min_ms, self.link.latency_max_ms
            ));
        }
        self.config().validate().map_err(|e| e.to_string())
    }
}

fn on_off(b: bool) -> &'static str {
    if b {
        "on"
    } else {
        "off"
    }
}

fn whole(value: &str, what: &str, low: u64, high: u64) -> Result<u64, String> {
    value
        .parse::<u64>()
        .ok()
        .filter(|v| (low..=high).contains(v))
        .ok_or_else(|| {
            format!(
                "{what} must be a whole number from {low} to {high}, not '{}'",
                echo(value)
            )
        })
}

/// A percentage from 0 to [`MAX_LOSS_PERCENT`] with up to three decimals ("12.5"), read
/// without the float parser (which would add its tables to the wasm).
fn percent(value: &str) -> Option<f64> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || whole.len() > 3
        || fraction.len() > 3
    {
        return None;
    }
    let mut thousandths: u64 = 0;
    for b in whole.bytes() {
        thousandths = thousandths * 10 + u64::from(b - b'0');
    }
    thousandths *= 1000;
    let mut scale = 100;
    for b in fraction.bytes() {
        thousandths += u64::from(b - b'0') * scale;
        scale /= 10;
    }
    (thousandths <= u64::from(MAX_LOSS_PERCENT) * 1000).then(|| thousandths as f64 / 1000.0)
}

fn switch(value: &str, what: &str) -> Result<bool, String> {
    match value {
        "on" | "true" | "1" => Ok(true),
        "off" | "false" | "0" => Ok(false),
        _ => Err(format!("{what} is 'on' or 'off', not '{}'", echo(value))),
    }
}

/// What the page's address asked for, after checking: the values to use and a notice for
/// each value that was refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddressRequest {
    /// A valid `?seed=`, if given.
    pub seed: Option<u64>,
    /// A valid `?nodes=`, if given.
    pub nodes: Option<usize>,
    /// `?paused`: start with the clock stopped (for embedding, and for runs driven only
    /// through `advance`, which are then deterministic from time 0).
    pub paused: bool,
    /// `?tour=NAME`: open that guided tour (checked by the page, which knows the tours).
    pub tour: Option<String>,
    /// `?step=K`: the tour's step to open, as written.
    pub step: Option<String>,
    /// One sentence per refused value, for the page to show.
    pub notices: Vec<String>,
}

impl AddressRequest {
    /// Reads `?seed=`, `?nodes=`, `?paused`, `?tour=` and `?step=` from a query string such as `location.search`; other
    /// parameters are ignored.
    pub fn parse(query: &str) -> AddressRequest {
        let mut request = AddressRequest::default();
        let query = query.strip_prefix('?').unwrap_or(query);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(raw);
            match key {
                "seed" => match whole(value.trim(), "", 0, MAX_SEED) {
                    Ok(seed) => request.seed = Some(seed),
                    Err(_) => request.notices.push(format!(
                        "The address asks for seed '{}', but a seed is a whole number from 0 to {MAX_SEED}. This run uses a random seed instead.",
                        echo(&value)
                    )),
                },
                "nodes" => match whole(value.trim(), "", 1, MAX_NODES as u64) {
                    Ok(n) => request.nodes = Some(n as usize),
                    Err(_) => request.notices.push(format!(
                        "The address asks for '{}' nodes, but the page shows 1 to {MAX_NODES}. This run has {DEFAULT_NODES}.",
                        echo(&value)
                    )),
                },
                "tour" => request.tour = Some(value.trim().into()),
                "step" => request.step = Some(value.trim().into()),
                "paused" => match value.trim() {
                    "" | "1" | "true" | "yes" => request.paused = true,
                    "0" | "false" | "no" => request.paused = false,
                    _ => request.notices.push(format!(
                        "The address says paused='{}'; write ?paused to start paused. The run starts playing.",
                        echo(&value)
                    )),
                },
                _ => {}
            }
        }
        request
    }
}

/// Decodes `%XX` escapes and `+` in a query value; invalid UTF-8 becomes U+FFFD.
fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    // As `String::from_utf8_lossy`: each invalid sequence becomes one U+FFFD.
    let mut text = String::new();
    let mut rest = &out[..];
    loop {
        match core::str::from_utf8(rest) {
            Ok(valid) => {
                text.push_str(valid);
                return text;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                text.push_str(core::str::from_utf8(valid).unwrap_or_default());
                text.push('\u{FFFD}');
                rest = &after[e.error_len().unwrap_or(after.len())..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_values_are_checked() {
        let r = AddressRequest::parse("?seed=42&nodes=7");
        assert_eq!((r.seed, r.nodes), (Some(42), Some(7)));
        assert!(r.notices.is_empty());

        let r = AddressRequest::parse("?seed=banana&nodes=12");
        assert_eq!((r.seed, r.nodes), (None, None));
        assert_eq!(r.notices.len(), 2);
        assert!(r.notices[0].contains("'banana'"), "{}", r.notices[0]);
        assert!(r.notices[1].contains("'12'"), "{}", r.notices[1]);

        let r = AddressRequest::parse("?seed=9007199254740992");
        assert_eq!(r.seed, None, "above 2^53 - 1 does not survive JavaScript");
        let r = AddressRequest::parse("seed=%3Cb%3E&x=1");
        assert!(r.notices[0].contains("'<b>'"));
        let r = AddressRequest::parse("?seed=1%");
        assert!(r.notices[0].contains("'1%'"));
        assert!(AddressRequest::parse("?seed=1&paused").paused);
        assert!(!AddressRequest::parse("?paused=0").paused);
    }

    #[test]
    fn bad_utf8_in_the_address_is_replaced_as_the_standard_library_does() {
        for raw in [
            "%FF",
            "a%E2%82",
            "%E2%82x%C3%A9",
            "%F0%9F%98%80%F0%9F",
            "%C0%80ok",
            "plain+text",
        ] {
            let bytes: Vec<u8> = percent_decode(raw).into_bytes();
            let mut decoded = Vec::new();
            let mut i = 0;
            let raw_bytes = raw.as_bytes();
            while i < raw_bytes.len() {
                match raw_bytes[i] {
                    b'%' => {
                        let hex = core::str::from_utf8(&raw_bytes[i + 1..i + 3]).unwrap();
                        decoded.push(u8::from_str_radix(hex, 16).unwrap());
                        i += 3;
                    }
                    b'+' => {
                        decoded.push(b' ');
                        i += 1;
                    }
                    b => {
                        decoded.push(b);
                        i += 1;
                    }
                }
            }
            assert_eq!(bytes, String::from_utf8_lossy(&decoded).as_bytes(), "{raw}");
        }
    }

    #[test]
    fn settings_refuse_impossible_values_and_keep_the_old_ones() {
        let mut s = Settings::new(1);
        assert_eq!(
            s.set(Setting::from_name("heartbeat").unwrap(), "20"),
            Ok(Effect::Restart)
        );
        assert_eq!(s.raft.heartbeat_interval_ms, 20);
        assert!(s
            .set(Setting::from_name("heartbeat").unwrap(), "500")
            .unwrap_err()
            .contains("heartbeat"));
        assert_eq!(s.raft.heartbeat_interval_ms, 20);
        assert!(s.set(Setting::from_name("nodes").unwrap(), "10").is_err());
        assert!(s
            .set(Setting::from_name("latency-min").unwrap(), "400")
            .unwrap_err()
            .contains("above"));
        assert_eq!(
            s.set(Setting::from_name("loss-percent").unwrap(), "12.5"),
            Ok(Effect::Network)
        );
        assert_eq!(
            Some(s.get(Setting::from_name("loss-percent").unwrap())).as_deref(),
            Some("12.5")
        );
        assert_eq!(
            s.set(Setting::from_name("prevote").unwrap(), "on"),
            Ok(Effect::Restart)
        );
        assert!(s.raft.pre_vote);
        assert_eq!(
            s.set(Setting::from_name("snapshot-threshold").unwrap(), "20"),
            Ok(Effect::Running)
        );
        assert_eq!(s.raft.snapshot_threshold, 20);
        assert!(s
            .set(Setting::SnapshotThreshold, "10001")
            .unwrap_err()
            .contains("from 0 to 10000"));
        assert_eq!(s.set(Setting::ReadMode, "log"), Ok(Effect::Running));
        s.raft.check_quorum = true;
        assert_eq!(
            s.set(Setting::ReadMode, "lease"),
            Ok(Effect::Restart),
            "servers take a lease at start"
        );
        assert_eq!(s.set(Setting::ReadMode, "log"), Ok(Effect::Restart));
        assert_eq!(s.raft.reads, ReadPath::Log);
        let e = s.set(Setting::ReadMode, "<b>").unwrap_err();
        assert!(e.contains("read-index, log") && e.contains("'<b>'"), "{e}");
        assert_eq!(Setting::from_name("colour"), None);
        assert_eq!(percent("7"), Some(7.0));
        assert_eq!(percent(".5"), Some(0.5));
        assert_eq!(percent("90.0"), Some(90.0));
        for bad in ["", ".", "91", "-1", "1e2", "5.5.5", "abc", "1.2345"] {
            assert_eq!(percent(bad), None, "{bad}");
        }
        for setting in Setting::ALL {
            assert_eq!(Setting::from_name(setting.name()), Some(setting));
            assert!(!s.get(setting).is_empty(), "{}", setting.name());
        }
    }
}
