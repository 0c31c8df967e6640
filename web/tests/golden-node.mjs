// Frame hashes from the single-thread wasm build in node, in the `tinydisplay hash` format.
// usage: node web/tests/golden-node.mjs SCENE [--events LOG] TICK...   -> "TICK HASH" lines
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const pkg = new URL('../www/pkg-st/', import.meta.url);
const args = process.argv.slice(2);
if (args.length < 2) {
  console.error('usage: golden-node.mjs SCENE [--events LOG] TICK...');
  process.exit(2);
}
const scene = args.shift();
let events = null;
if (args[0] === '--events') {
  args.shift();
  events = readFileSync(args.shift(), 'utf8');
}
const ticks = args.map(Number);
const wasm = await import(new URL('tinydisplay_web.js', pkg));
await wasm.default({ module_or_path: readFileSync(new URL('tinydisplay_web_bg.wasm', pkg)) });
let sim;
try {
  sim = new wasm.Simulator(basename(scene), readFileSync(scene, 'utf8'));
  if (events !== null) sim.loadEvents(events);
} catch (e) {
  console.error(e.message);
  process.exit(2);
}
const hashes = sim.hashTicks(ticks);
process.stdout.write(ticks.map((t, i) => `${t} ${hashes[i]}\n`).join(''));
