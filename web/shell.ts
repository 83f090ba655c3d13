// What every part of the shell shares: the page's elements (`ui`), the wasm handle, the
// notices over the status line, and doing an action. The handle exists once start() in
// main.ts has made it (`setHandle`); nothing here runs before then but looking elements up.

import type { RiverRaft } from './pkg/river_wasm.js';
import type { Action, Controls } from './answers';
import { $ } from './dom';

export const canvas = $<HTMLCanvasElement>('canvas');
export const overlay = $<HTMLCanvasElement>('overlay');
export const box = $('canvas-box');
export const ui = {
  play: $<HTMLButtonElement>('play'),
  step: $<HTMLButtonElement>('step'),
  speed: $<HTMLInputElement>('speed'),
  speedLabel: $<HTMLOutputElement>('speed-label'),
  nodes: $<HTMLSelectElement>('nodes'),
  seed: $<HTMLInputElement>('seed'),
  restart: $<HTMLButtonElement>('restart'),
  share: $<HTMLButtonElement>('share'),
  split: $<HTMLButtonElement>('split'),
  heal: $<HTMLButtonElement>('heal'),
  broken: $('broken'),
  brokenText: $('broken-text'),
  brokenOff: $<HTMLButtonElement>('broken-off'),
  bugsSummary: $('bugs-summary'),
  toursButton: $<HTMLButtonElement>('tours-button'),
  toursList: $('tours-list'),
  tourCard: $('tour-card'),
  legendCard: $<HTMLDetailsElement>('legend-card'),
  tourTitle: $('tour-title'),
  tourProgress: $('tour-progress'),
  tourCaption: $('tour-caption'),
  tourState: $('tour-state'),
  tourSteps: $('tour-steps'),
  tourBack: $<HTMLButtonElement>('tour-back'),
  tourContinue: $<HTMLButtonElement>('tour-continue'),
  status: $('status'),
  feed: $('feed'),
  notices: $('notices'),
  hint: $('hint'),
  canvasFocus: $('canvas-focus'),
  storyCard: $('story-card'),
  storyName: $('story-name'),
  storyState: $('story-state'),
  storyLine: $('story-line'),
  menu: $('node-menu'),
  menuTitle: $('node-title'),
  menuForm: $<HTMLFormElement>('node-form'),
  menuCommand: $<HTMLInputElement>('node-command'),
  menuError: $('node-error'),
  menuHint: $('node-hint'),
  menuTimeout: $<HTMLButtonElement>('node-timeout'),
  menuCrash: $<HTMLButtonElement>('node-crash'),
  menuRemove: $<HTMLButtonElement>('node-remove'),
  menuLead: $<HTMLButtonElement>('node-lead'),
  menuSnapshot: $<HTMLButtonElement>('node-snapshot'),
  menuFreeze: $<HTMLButtonElement>('node-freeze'),
  menuRead: $<HTMLButtonElement>('node-read'),
  menuSend: $('node-form').querySelector<HTMLButtonElement>('button[type=submit]')!,
  addServer: $<HTMLButtonElement>('add-server'),
  settings: $<HTMLDialogElement>('settings-dialog'),
  settingsForm: $<HTMLFormElement>('settings-form'),
  settingsError: $('settings-error'),
  scenario: $<HTMLDialogElement>('scenario-dialog'),
  scenarioText: $<HTMLTextAreaElement>('scenario-text'),
  scenarioError: $('scenario-error'),
  help: $<HTMLDialogElement>('help-dialog'),
  nodeState: $('node-state'),
  msg: $('msg-panel'),
  msgTitle: $('msg-title'),
  msgWhy: $('msg-why'),
  msgFields: $('msg-fields'),
  msgHold: $<HTMLButtonElement>('msg-hold'),
  msgError: $('msg-error'),
  timeline: $('timeline'),
  timelineToggle: $<HTMLButtonElement>('timeline-toggle'),
  stepBack: $<HTMLButtonElement>('step-back'),
  stepEvent: $<HTMLButtonElement>('step-event'),
  stepWords: $('step-words'),
  marks: $<HTMLCanvasElement>('marks'),
  scrub: $<HTMLInputElement>('scrub'),
  scrubTime: $<HTMLCanvasElement>('scrub-time'),
  scrubText: $('scrub-text'),
  branch: $<HTMLSelectElement>('branch'),
  safety: $<HTMLButtonElement>('safety'),
  safetyDialog: $<HTMLDialogElement>('safety-dialog'),
  safetySummary: $('safety-summary'),
  safetyList: $('safety-list'),
  bugs: $('bugs'),
};

/** The wasm handle: every action and every answer goes through it. */
export let raft: RiverRaft;
/** The wasm heap (it grows, never shrinks). */
export let memory: WebAssembly.Memory;

/** Hands the shell the handle and its heap, once made. */
export function setHandle(handle: RiverRaft, heap: WebAssembly.Memory): void {
  raft = handle;
  memory = heap;
}

/** Shows what an action may have changed: main.ts, which knows every panel, says how
 * (`showAllWith`), so the parts need not import each other to refresh. */
export let syncAll = (): void => {};
export function showAllWith(show: () => void): void { syncAll = show; }

/** Shows a notice over the status line. One that answers a click (`fadeMs`: a refusal, "Link
 * copied") leaves by itself after that long, later while the pointer or keyboard is on it, so
 * the status line it covers comes back; notices about the address, a link or an error stay
 * until dismissed. The same words again replace the older notice instead of stacking. */
export function notice(text: string, kind: 'warn' | 'error' | 'info' = 'warn', fadeMs = 0): void {
  for (const old of ui.notices.querySelectorAll('.notice')) if (old.firstChild?.textContent === text) old.remove();
  const item = document.createElement('div');
  item.className = `notice ${kind}`;
  const words = document.createElement('span');
  words.textContent = text;
  const close = document.createElement('button');
  close.type = 'button';
  close.className = 'icon small';
  close.setAttribute('aria-label', 'Dismiss');
  close.textContent = '×';
  close.addEventListener('click', () => item.remove());
  item.append(words, close);
  ui.notices.append(item);
  if (fadeMs > 0) {
    const leave = (): void => { if (item.matches(':hover, :focus-within')) setTimeout(leave, 2000); else item.remove(); };
    setTimeout(leave, fadeMs);
  }
}

/** How long a notice answering a click stays: time to read two lines twice. */
export const CLICK_NOTICE_MS = 12_000;

/** A click's refusal, as a notice that leaves by itself. */
export function refused(refusal: string): void {
  if (refusal) notice(refusal, 'warn', CLICK_NOTICE_MS);
}

/** Does an action; returns why not when refused, '' when done. */
export function attempt(action: Action): string {
  try {
    raft.apply(action);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

export function paused(): boolean {
  return (raft.controls() as Controls).paused;
}

/** An API action: throws the refusal, and shows whatever changed. */
export function act(action: Action): string | undefined {
  try { return raft.apply(action); } finally { syncAll(); }
}

