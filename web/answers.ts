// The shapes of the handle's answers, as the shell reads them: Rust's serde structs
// (crates/view/src/answers), one typed place on this side too. Types only: nothing here
// reaches the bundle.

export type NodeState = {
  id: string; role: string; term: number; votedFor: string | null; commitIndex: number; alive: boolean;
  log: { index: number; term: number; command: string | null; committed: boolean }[];
  snapshot: { lastIncludedIndex: number; lastIncludedTerm: number; text: string } | null;
  kv: Record<string, string>; membership: string; x: number; y: number; logRow: [number, number];
};
export type State = {
  timeMs: number; seed: number; paused: boolean; speed: number;
  nodes: NodeState[]; links: { from: string; to: string; up: boolean }[]; digest: string; messages: Message[];
  configuration: string[]; learners: string[]; configurationText: string;
};
/** The small things the controls show. */
export type Controls = {
  paused: boolean; speed: number; speedLabel: string; partition: string; servers: number; suggestion: string;
  maxCommandBytes: number; status: string; overlayWidth: number; overlayHeight: number; words: [number, number, number, number];
  broken: string[]; brokenText: string; brokenOff: string; projector: boolean; reducedMotion: boolean; scale: number;
  focus: string;
};
export type FeedLine = { timeMs: number; kind: string; text: string };
/** An action as the handle reads it: its kind, then its arguments by name. */
export type Action = { do: string; [argument: string]: string | number | boolean };
export type Tour = {
  name: string | null; title: string | null; step: number; steps: string[]; caption: string | null;
  state: 'none' | 'playing' | 'waiting' | 'finished' | 'failed'; error: string | null; shown: string[];
};
export type Story = { name: string | null; state: 'none' | 'playing' | 'finished' | 'failed'; line: number | null; text: string | null; error: string | null };
/** Why each button of a node's menu would be refused now (null: it would be taken). */
export type Refusals = { send: string | null; crash: string | null; freeze: string | null; timeout: string | null; lead: string | null; snapshot: string | null; remove: string | null };
export type NodeInfo = {
  frozen: boolean; refused: Refusals;
  id: string; alive: boolean; member: boolean; removed: boolean; voter: boolean; title: string; hint: string;
  persistent: { term: number; votedFor: string | null; logLength: number; lastLogTerm: number; snapshot: string | null };
  volatile: { role: string; commitIndex: number; leader: string | null; timerElapsedMs: number; timerTimeoutMs: number } | null;
  progress: { peer: string; nextIndex: number; matchIndex: number }[];
};
export type Message = {
  id: number; from: string; to: string; kind: string; term: number | null;
  sentMs: number; deliverMs: number; held: boolean; fields: Record<string, unknown>; why: string;
};
export type Mark = { timeMs: number; kind: string; term: number; color: string; text: string };
export type Timeline = {
  startMs: number; endMs: number; nowMs: number; branches: number; checkpoints: number;
  branchEnds: number[]; marks: Mark[];
};
export type Safety = { ok: boolean; count: number; badge: string; summary: string; violations: { property: string; timeMs: number; text: string }[]; properties: string[] };
export type BugInfo = { name: string; on: boolean; about: string };
