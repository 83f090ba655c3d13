// Share links (issue 14): the run's journal (how it began, every action with its moment;
// river_view::journal) squeezed into the address's `#` part with the browser's own
// CompressionStream ('deflate-raw'), as base64url, with the trace digest beside it so the
// page that opens the link can check it stands where the sharer stood. Nothing of the run
// is interpreted here: Rust writes and reads the journal.

/** The `#` part's keys: the compressed journal, and the digest it must reproduce. */
const RUN = 'run', DIGEST = 'digest';

async function pipe(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
}

function toBase64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const plain = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(plain.length);
  for (let i = 0; i < plain.length; i++) bytes[i] = plain.charCodeAt(i);
  return bytes;
}

/** A link to this page that carries `journal` and `digest`. */
export async function makeLink(journal: string, digest: string): Promise<string> {
  const packed = toBase64url(await pipe(new TextEncoder().encode(journal), new CompressionStream('deflate-raw')));
  return `${location.href.replace(/[?#].*$/, '')}#${RUN}=${packed}&${DIGEST}=${digest}`;
}

/** What a link carries: null when it carries no run at all; throws when it is damaged. */
export async function readLink(url: string): Promise<{ journal: string; digest: string | null } | null> {
  const hash = new URL(url, location.href).hash.slice(1);
  const fields = new URLSearchParams(hash);
  const packed = fields.get(RUN);
  if (packed === null) return null;
  try {
    const bytes = await pipe(fromBase64url(packed), new DecompressionStream('deflate-raw'));
    return { journal: new TextDecoder('utf-8', { fatal: true }).decode(bytes), digest: fields.get(DIGEST) };
  } catch {
    throw new Error('the link is damaged: its run does not unpack');
  }
}
