// The page's JavaScript API (window.riverRaft), for embedding and for the browser tests:
// every method is an action or an answer of the handle.

import { RiverRaft } from './pkg/river_wasm.js';
import type { BugInfo, Controls, State, Story, Timeline, Safety, Tour } from './answers';
import { act, attempt, memory, notice, raft, syncAll, ui } from './shell';

/** The page's JavaScript API, for embedding and for the browser tests. */
export const api = {
  /** Everything on screen, as plain data. */
  state: (): State => raft.state() as State,
  /** A user sends `command` to node `nodeId` ("A"…"I"). */
  propose(node: string, command: string): void { act({ do: 'propose', node: String(node), command: String(command) }); },
  /** A user reads `key` at node `node`: ReadIndex (a heartbeat round, no log entry) unless Settings say through the log; a follower forwards it to the leader. */
  read(node: string, key: string): void { act({ do: 'read', node: String(node), key: String(key) }); },
  /** Cuts the link a–b both ways, or only a → b when `oneWay`. */
  cut(a: string, b: string, oneWay = false): void { act({ do: 'cut', a: String(a), b: String(b), oneWay: Boolean(oneWay) }); },
  /** Restores the link a–b both ways. */
  heal(a: string, b: string): void { act({ do: 'heal', a: String(a), b: String(b) }); },
  /** Splits the cluster into groups that hear only each other: [["A","B"],["C","D","E"]] or "AB|CDE". */
  partition(groups: string[][] | string[] | string): void {
    const text = Array.isArray(groups) ? groups.map((g) => (Array.isArray(g) ? g.join('') : String(g))).join('|') : String(groups);
    act({ do: 'partition', groups: text });
  },
  /** Restores every link. */
  healAll(): void { act({ do: 'heal-all' }); },
  crash(id: string): void { act({ do: 'crash', node: String(id) }); },
  restart(id: string): void { act({ do: 'restart', node: String(id) }); },
  /** Freezes server `id` (stalled, not crashed: its timers and inbox wait); throws why not. */
  freeze(id: string): void { act({ do: 'freeze', node: String(id) }); },
  /** Thaws a frozen server: it carries on as if no time had passed; throws why not. */
  thaw(id: string): void { act({ do: 'thaw', node: String(id) }); },
  /** Fires the node's election timer now. */
  timeout(id: string): void { act({ do: 'timeout', node: String(id) }); },
  /** Starts the next server and asks the leader to add it (a learner until caught up); throws why a leader would refuse. */
  addServer(): void { act({ do: 'add-server' }); },
  /** Asks the leader to remove server `id` from the configuration; throws why it would refuse. */
  removeServer(id: string): void { act({ do: 'remove-server', node: String(id) }); },
  /** Asks the leader to hand its leadership to server `id` (TimeoutNow); throws why not. */
  transferLeadership(id: string): void { act({ do: 'make-leader', node: String(id) }); },
  /** Server `id` compacts its log now into a snapshot of its store; throws why not (down, nothing applied since its last snapshot). */
  snapshot(id: string): void { act({ do: 'snapshot', node: String(id) }); },
  /** Every setting by name, as the Settings dialog shows it ({ nodes: "5", "read-mode": "read-index", … }). */
  settings: (): Record<string, string> => raft.settings() as Record<string, string>,
  /** Changes one setting by its name in settings(); throws why a value is refused. */
  set(name: string, value: string): void { act({ do: 'set', name: String(name), value: String(value) }); },
  pause(): void { act({ do: 'pause' }); },
  play(): void { act({ do: 'play' }); },
  /** Simulated ms per real ms, from 0.001 to 1; returns the speed in use. */
  setSpeed(x: number): number { act({ do: 'speed', speed: Number(x) }); return (raft.controls() as Controls).speed; },
  /** Runs `ms` of simulated time at once, deterministically. */
  advance(ms: number): void { act({ do: 'advance', ms: Number(ms) }); },
  /** Pauses and runs to the next event. */
  step(): void { act({ do: 'step' }); },
  /** Loads scenario text and plays it on the cluster it describes; an error names its line. */
  load(text: string): void {
    const refusal = attempt({ do: 'load', text: String(text), name: 'loaded' });
    if (refusal) {
      ui.scenarioError.textContent = `Not played: ${refusal}`;
      notice(`The scenario was not played: ${refusal}`, 'error');
      syncAll();
      throw new Error(refusal);
    }
    syncAll();
  },
  /** Opens step `step` (from 1) of guided tour `name` (see tours()); throws why not. */
  tour(name: string, step = 1): void { act({ do: 'tour', name: String(name), step: Number(step) }); },
  /** The guided tours: [{ name, title }]. */
  tours: (): { name: string; title: string }[] => RiverRaft.tours() as { name: string; title: string }[],
  /** The tour playing: { name, title, step, steps, caption, state, error, shown }. */
  tourState: (): Tour => raft.tour() as Tour,
  /** Goes on to the tour's next step; throws at the last one. */
  continueTour(): void { act({ do: 'tour-continue' }); },
  /** Returns exactly to where the tour's previous step began, and plays it again. */
  backTour(): void { act({ do: 'tour-back' }); },
  /** The scenario's progress: { name, state, line, text, error }. */
  scenario: (): Story => raft.scenario() as Story,
  /** The WebAssembly heap's size in bytes (it grows, never shrinks): for memory budgets. */
  memoryBytes: (): number => memory.buffer.byteLength,
  /** Takes message `id` (see state().messages) off the wire: it is lost. */
  dropMessage(id: number): void { act({ do: 'message', id: Number(id), what: 'drop' }); },
  /** Puts a copy of message `id` on the wire. */
  duplicateMessage(id: number): void { act({ do: 'message', id: Number(id), what: 'duplicate' }); },
  /** Holds message `id` on the wire until released. */
  holdMessage(id: number): void { act({ do: 'message', id: Number(id), what: 'hold' }); },
  /** Releases held message `id`: it arrives after its link's delay from now. */
  releaseMessage(id: number): void { act({ do: 'message', id: Number(id), what: 'release' }); },
  /** Shows moment `timeMs` of this run, rebuilt exactly (at most the furthest reached). */
  seek(timeMs: number): void { act({ do: 'seek', ms: Number(timeMs) }); },
  /** Returns to kept future `k` (see timeline().branchEnds); the one left is kept. */
  switchBranch(k: number): void { act({ do: 'branch', k: Number(k) }); },
  /** Pauses and runs exactly one event; returns it in words. */
  stepEvent(): string {
    const words = act({ do: 'step-event' }) ?? '';
    ui.stepWords.textContent = words;
    return words;
  },
  /** The run's trace from its start to now as JSON lines, the format of `river run --trace`. */
  trace: (): string => raft.trace(),
  /** Pauses and goes back one event. */
  stepBack(): void { act({ do: 'step-back' }); },
  /** { startMs, endMs, nowMs, branches, checkpoints, branchEnds, marks: [{ timeMs, kind, term, color, text }] }. */
  timeline: (): Timeline => raft.timeline() as Timeline,
  /** The live checker: { ok, count, violations: [{ property, timeMs, text }] }. */
  safety: (): Safety => raft.safety() as Safety,
  /** How the canvas is drawn: { projector, reducedMotion, scale } (scale 1: a 520 px ring). */
  look(): { projector: boolean; reducedMotion: boolean; scale: number } {
    const c = raft.controls() as Controls;
    return { projector: c.projector, reducedMotion: c.reducedMotion, scale: c.scale };
  },
  /** The deliberately broken variants: [{ name, on, about }]. */
  bugs: (): BugInfo[] => raft.bugs() as BugInfo[],
  /** Switches a broken variant on or off (the cluster starts afresh). */
  setBug(name: string, on: boolean): void { act({ do: 'bug', name: String(name), on: Boolean(on) }); },
};
