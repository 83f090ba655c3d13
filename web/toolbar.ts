// The toolbar and its dialogs: play, step and speed, the cluster's size and seed, Split and
// Heal, Add server, Settings, Scenario…, the help, and the toolbar's wrapping.

import { RiverRaft } from './pkg/river_wasm.js';
import type { Controls } from './answers';
import { $ } from './dom';
import { openDialog } from './focus';
import { attempt, paused, raft, refused, syncAll, ui } from './shell';

/** Speed stops: denominators of 1/N×, slowest first. */
const SPEEDS = [1000, 500, 200, 100, 50, 20, 10, 5, 2, 1];

export function syncControls(controls: Controls): void {
  ui.play.textContent = controls.paused ? '▶ Play' : '❚❚ Pause';
  ui.play.setAttribute('aria-pressed', String(!controls.paused));
  const speed = controls.speed;
  let stop = 0;
  SPEEDS.forEach((d, k) => { if (Math.abs(1 / d - speed) < Math.abs(1 / SPEEDS[stop] - speed)) stop = k; });
  ui.speed.value = String(stop);
  ui.speedLabel.textContent = controls.speedLabel;
}

export function syncSettings(controls = raft.controls() as Controls): void {
  const settings = raft.settings() as Record<string, string>;
  if (document.activeElement !== ui.seed) ui.seed.value = settings.seed;
  for (const el of Array.from(ui.settingsForm.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement) || !(el.name in settings)) continue;
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = settings[el.name] === 'on';
    else if (document.activeElement !== el) el.value = settings[el.name];
  }
  syncCluster(controls);
  ui.menuCommand.maxLength = controls.maxCommandBytes;
}

/** Nodes says how many servers the run has started, and the Split button names the split
 * it makes of them: a server added makes both another (Nodes still said 5 of six servers;
 * Split said A B | C D E, and split A B C | D E F). */
export function syncCluster(controls: Controls): void {
  ui.nodes.value = String(controls.servers);
  ui.split.textContent = `Split ${controls.partition.split('').join(' ')}`;
  ui.split.disabled = controls.partition.startsWith('|');
}

export function togglePlay(): void {
  raft.apply({ do: paused() ? 'play' : 'pause' });
  syncControls(raft.controls() as Controls);
}

export function setSpeedStop(stop: number): void {
  const k = Math.max(0, Math.min(SPEEDS.length - 1, stop));
  raft.apply({ do: 'speed', speed: 1 / SPEEDS[k] });
  syncControls(raft.controls() as Controls);
}

function setting(name: string, value: string, errorBox: HTMLElement): void {
  const refusal = attempt({ do: 'set', name, value });
  errorBox.textContent = refusal;
  if (refusal) syncSettings();
  syncAll();
}

ui.play.addEventListener('click', togglePlay);
ui.step.addEventListener('click', () => { raft.apply({ do: 'step' }); syncAll(); });
ui.speed.addEventListener('input', () => setSpeedStop(Number(ui.speed.value)));
ui.nodes.addEventListener('change', () => setting('nodes', ui.nodes.value, ui.settingsError));
ui.seed.addEventListener('change', () => {
  const refusal = attempt({ do: 'set', name: 'seed', value: ui.seed.value });
  if (refusal) { refused(refusal); syncSettings(); }
  syncAll();
});
ui.seed.addEventListener('keydown', (event) => { if (event.key === 'Enter') ui.seed.blur(); });
ui.restart.addEventListener('click', () => { raft.apply({ do: 'restart-run' }); syncAll(); });
ui.split.addEventListener('click', () => { raft.apply({ do: 'partition', groups: (raft.controls() as Controls).partition }); syncAll(); });
ui.heal.addEventListener('click', () => { raft.apply({ do: 'heal-all' }); syncAll(); });
ui.addServer.addEventListener('click', () => {
  const refusal = attempt({ do: 'add-server' });
  refused(refusal);
  syncAll();
});

$('settings-button').addEventListener('click', () => {
  syncSettings();
  ui.settingsError.textContent = '';
  if (ui.settings.open) ui.settings.close(); else openDialog(ui.settings, false);
});
ui.settingsForm.addEventListener('change', (event) => {
  const el = event.target;
  if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement) || !el.name) return;
  setting(el.name, el instanceof HTMLInputElement && el.type === 'checkbox' ? (el.checked ? 'on' : 'off') : el.value, ui.settingsError);
});

$('scenario-button').addEventListener('click', () => {
  if (!ui.scenarioText.value) ui.scenarioText.value = RiverRaft.builtIn('partition') ?? '';
  ui.scenarioError.textContent = '';
  openDialog(ui.scenario);
});
$('scenario-reset').addEventListener('click', () => {
  ui.scenarioText.value = RiverRaft.builtIn('partition') ?? '';
  ui.scenarioError.textContent = '';
});
$('scenario-run').addEventListener('click', () => {
  const refusal = attempt({ do: 'load', text: ui.scenarioText.value, name: 'your scenario' });
  ui.scenarioError.textContent = refusal ? `Not played: ${refusal}` : '';
  if (!refusal) { raft.apply({ do: 'play' }); ui.scenario.close(); }
  syncAll();
});
$('help-button').addEventListener('click', () => openDialog(ui.help));

// The toolbar's groups are divided by a line on their left; a group that starts a new line of
// the wrapped toolbar hides it (it stood alone at the left edge). Only a colour changes, so no
// size does and the observer is not called again.
const toolbarGroups = [...document.querySelectorAll<HTMLElement>('.toolbar > .group')];
function markLineStarts(): void {
  toolbarGroups.forEach((group, k) => {
    const before = toolbarGroups[k - 1];
    group.classList.toggle('line-start', before !== undefined && group.offsetTop >= before.offsetTop + before.offsetHeight);
  });
}
const lineStarts = new ResizeObserver(markLineStarts);
for (const box of [document.querySelector('.toolbar'), ...toolbarGroups]) if (box) lineStarts.observe(box);

// The first visit's hint points at the help; once dismissed (or the help opened) it stays away.
const HINT_SEEN = 'river-raft-hint-seen';
function hintSeen(): void {
  $('first-hint').hidden = true;
  try { localStorage.setItem(HINT_SEEN, '1'); } catch { /* storage may be off: the hint just comes back */ }
}
try { $('first-hint').hidden = localStorage.getItem(HINT_SEEN) === '1'; } catch { $('first-hint').hidden = false; }
$('first-hint-close').addEventListener('click', hintSeen);
$('first-hint-open').addEventListener('click', () => { hintSeen(); openDialog(ui.help); });
ui.help.addEventListener('close', hintSeen);
$('scenario-figure8').addEventListener('click', () => {
  $<HTMLTextAreaElement>('scenario-text').value = RiverRaft.builtIn('figure8') ?? '';
  $('scenario-error').textContent = '';
});
