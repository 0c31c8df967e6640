// Frame hashes from the threads build in headless Chromium, computed on the Web Worker pool.
// usage: TD_URL=http://127.0.0.1:PORT/ node web/tests/golden-browser.mjs JOBS.json
//   JOBS.json: [{ "scene": PATH, "events": PATH|null, "ticks": [..] }]
// Prints one block of "TICK HASH" lines per job, each block ended by a line "--".
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { launch, openSimulator } from './chromium.mjs';

const jobs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const context = await launch();
let code = 0;
try {
  const { page } = await openSimulator(context, process.env.TD_URL);
  const build = await page.evaluate(() => window.tinydisplay.build);
  if (build.build !== 'threads' || build.workers < 2) {
    throw new Error(`expected the threads build with >= 2 workers, got ${JSON.stringify(build)}`);
  }
  for (const job of jobs) {
    const args = {
      file: basename(job.scene),
      text: readFileSync(job.scene, 'utf8'),
      events: job.events ? readFileSync(job.events, 'utf8') : null,
      ticks: job.ticks,
    };
    const hashes = await page.evaluate((a) => window.tinydisplay.call('hashTicks', a), args);
    process.stdout.write(job.ticks.map((t, i) => `${t} ${hashes[i]}\n`).join('') + '--\n');
  }
} catch (e) {
  console.error(e.message);
  code = 1;
} finally {
  await context.close();
}
process.exit(code);
