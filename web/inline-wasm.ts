// The wasm module carried inside the page itself. dist/river-raft.html (written by
// scripts/single-file.mjs) holds it gzipped, as base64, in <script id="river-raft-wasm">,
// because a page opened from a file may not fetch one; every other page has no such block
// and lets wasm-bindgen fetch river_wasm_bg.wasm beside the script. Gzipped first, the file
// is about 200 KB instead of 400 KB (an email attachment, a USB stick).

/** What to hand the wasm-bindgen init: the inline module's bytes, or undefined to fetch it. */
export async function inlineWasm(): Promise<{ module_or_path: ArrayBuffer } | undefined> {
  const block = document.getElementById('river-raft-wasm');
  if (!block) return undefined;
  const text = atob((block.textContent ?? '').trim());
  block.textContent = ''; // the element stays: index.html's file:// check looks for it
  const gzipped = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) gzipped[i] = text.charCodeAt(i);
  const stream = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
  return { module_or_path: await new Response(stream).arrayBuffer() };
}
