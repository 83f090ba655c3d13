// The Share menu (issue 14): a link to this moment, an embed snippet, a picture for a slide,
// the trace as JSON lines.

import type { State } from './answers';
import { $ } from './dom';
import { dropdown, openDialog } from './focus';
import { makeLink, readLink } from './share';
import { CLICK_NOTICE_MS, box, canvas, notice, overlay, raft, syncAll, ui } from './shell';
import { drawingHeight } from './canvas';

// ----- share links (issue 14): the journal in the address's # part -----

/** A link that reopens this run, paused at this moment. */
export async function shareLink(): Promise<string> {
  return makeLink(raft.journal(), (raft.state() as State).digest);
}

/** Opens the run a link carries, paused where it was shared; a damaged or incompatible
 * link leaves a notice and a fresh run. Resolves to whether it opened. */
export async function openLink(url: string): Promise<boolean> {
  try {
    const link = await readLink(url);
    if (!link) throw new Error('the link carries no run');
    raft.replay(link.journal);
    raft.apply({ do: 'pause' });
    const s = raft.state() as State;
    if (link.digest !== null && link.digest !== s.digest) {
      throw new Error(`the run went differently here (trace digest ${s.digest}, the link says ${link.digest})`);
    }
    const opened = `Opened a shared run: seed ${s.seed}, paused at ${(s.timeMs / 1000).toFixed(3)} s`;
    // A link cut short before its digest still opens, but nothing shows it went as shared.
    if (link.digest === null) notice(`${opened}. The link carries no trace digest, so whether it went exactly as it was shared could not be checked (its digest here: ${s.digest}).`, 'warn');
    else if (!document.body.classList.contains('embed')) notice(`${opened}, exactly as it was shared (trace digest ${s.digest}).`, 'info');
    return true;
  } catch (error) {
    raft.apply({ do: 'restart-run' });
    notice(`This share link could not be opened: ${error instanceof Error ? error.message : String(error)}. Showing a fresh run instead.`, 'error');
    return false;
  } finally {
    syncAll();
  }
}

/** The Share menu: a link to this moment, an embed snippet, a picture, the trace. */
export const shareMenu = dropdown($<HTMLButtonElement>('share-menu'), $('share-list'));

/** A page opened from a file (river-raft.html, double-clicked) makes file:// links and
 * snippets: they open on this computer only, which a person mailing one to a class or
 * pasting one into documentation could not tell. */
const fromFile = location.protocol === 'file:';
const FILE_LINK = ' It points at this file on this computer: others need the page on a web server.';

ui.share.addEventListener('click', async () => {
  shareMenu.close();
  const link = await shareLink();
  const where = fromFile ? FILE_LINK : '';
  try {
    await navigator.clipboard.writeText(link);
    notice(`Link copied: it reopens this run paused at this moment.${where}`, 'info', CLICK_NOTICE_MS);
  } catch {
    // Only then does the address bar hold the moment: the one place left to copy it from.
    history.replaceState(null, '', link);
    notice(`This browser did not allow copying: the link is in the address bar, copy it from there.${where}`, 'info');
  }
});

// ----- the Embed dialog (issue 14): an iframe snippet for this run -----

/** An iframe snippet that shows this run, paused at this moment, embedded. */
export async function embedSnippet(): Promise<string> {
  const link = await shareLink();
  const src = link.replace('#', '?embed#');
  const s = raft.state() as State;
  const title = `River Raft: a live Raft cluster of ${s.nodes.length} servers (seed ${s.seed})`;
  const attr = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<iframe src="${attr(src)}" width="640" height="400" title="${attr(title)}" loading="lazy"></iframe>`;
}

$('embed-button').addEventListener('click', async () => {
  shareMenu.close();
  $<HTMLTextAreaElement>('embed-code').value = await embedSnippet();
  $('embed-said').textContent = '';
  $('embed-file').hidden = !fromFile;
  openDialog($<HTMLDialogElement>('embed-dialog'));
  $<HTMLTextAreaElement>('embed-code').select();
});
$('embed-copy').addEventListener('click', async () => {
  const code = $<HTMLTextAreaElement>('embed-code');
  try {
    await navigator.clipboard.writeText(code.value);
    $('embed-said').textContent = 'Copied.';
  } catch {
    code.select();
    $('embed-said').textContent = 'Copying was not allowed: press Ctrl+C (⌘C).';
  }
});

// ----- take it with you (issue 14): a picture for a slide, the trace as JSON lines -----


/** Offers `blob` as a download named `name`. */
function download(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 30_000);
}

/** A file name for this moment of this run: its seed and simulated time. */
function fileStem(): string {
  const s = raft.state() as State;
  return `river-raft-seed-${s.seed}-at-${(s.timeMs / 1000).toFixed(3)}s`;
}

/** Resolves after the handle's loop has painted (two animation frames), or soon anyway
 * (a hidden tab has no frames). */
const painted = (): Promise<void> => new Promise((resolve) => {
  setTimeout(resolve, 500);
  requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
});

/** The drawing as it stands (the cluster, the messages on the wire, the logs) under the
 * status line, as a PNG at twice the screen's density at least, sharp on a slide. */
export async function picture(): Promise<Blob> {
  const ratio = window.devicePixelRatio || 1;
  const sharp = Math.min(3, Math.max(2, ratio));
  const w = box.clientWidth, h = drawingHeight();
  raft.resize(w, h, sharp);
  try {
    await painted();
    const band = Math.round(48 * sharp);
    const out = document.createElement('canvas');
    out.width = canvas.width;
    out.height = canvas.height + band;
    const ctx = out.getContext('2d');
    if (!ctx) throw new Error('this browser has no 2D canvas');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, out.width, band);
    ctx.fillStyle = '#1e293b';
    ctx.font = `600 ${17 * sharp}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    ctx.fillText(ui.status.textContent ?? '', 16 * sharp, band / 2, out.width - 32 * sharp);
    ctx.drawImage(canvas, 0, band);
    ctx.drawImage(overlay, 0, band);
    return await new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))), 'image/png'));
  } finally {
    raft.resize(w, h, ratio);
  }
}

$('save-picture').addEventListener('click', async () => {
  shareMenu.close();
  try { download(await picture(), `${fileStem()}.png`); } catch (error) { notice(`No picture was saved: ${error instanceof Error ? error.message : String(error)}`); }
});
$('save-trace').addEventListener('click', () => {
  shareMenu.close();
  try { download(new Blob([raft.trace()], { type: 'application/x-ndjson' }), `${fileStem()}.jsonl`); } catch (error) { notice(`No trace was written: ${error instanceof Error ? error.message : String(error)}`); }
});
