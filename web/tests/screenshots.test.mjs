// The README's screenshots can all be made again by one command (`npm run screenshots`,
// scripts/screenshots.mjs): every docs/*.jpg the README shows is one the script makes (a
// tour's first step for each scenarios/tours/NAME.scenario, or a named shot), and every
// docs/*.jpg is shown. docs/projector.jpg had no maker and kept a button the page had renamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('every screenshot the README shows is made by scripts/screenshots.mjs, and every one made is shown', async () => {
  const readme = await readFile(`${root}README.md`, 'utf8');
  const script = await readFile(`${root}scripts/screenshots.mjs`, 'utf8');
  const tours = (await readdir(`${root}scenarios/tours`)).filter((f) => f.endsWith('.scenario')).map((f) => f.slice(0, -9));
  const shown = [...new Set([...readme.matchAll(/\]\((docs\/[^)]+\.jpg)\)/g)].map((m) => m[1]))];
  assert.ok(shown.length >= 3, `the README shows ${shown.length} screenshots`);
  for (const path of shown) {
    const tour = /^docs\/tours\/([\w-]+)\.jpg$/.exec(path);
    if (tour) assert.ok(tours.includes(tour[1]), `${path}: no tour '${tour[1]}' to make it from`);
    else assert.ok(script.includes(`shoot(page, '${path.slice(5, -4)}')`), `${path}: scripts/screenshots.mjs does not make it`);
  }
  const onDisk = [
    ...(await readdir(`${root}docs`)).filter((f) => f.endsWith('.jpg')).map((f) => `docs/${f}`),
    ...(await readdir(`${root}docs/tours`)).filter((f) => f.endsWith('.jpg')).map((f) => `docs/tours/${f}`),
  ];
  for (const path of onDisk) assert.ok(shown.includes(path), `${path} is in docs/ but the README does not show it`);
  assert.match(readme, /npm run screenshots/);
});
