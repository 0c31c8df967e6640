// The performance measurements shared by browser.mjs (reported in measurements.json, never
// asserted) and perf.mjs (the same numbers, repeated, for tuning).
import { readFileSync } from 'node:fs';
import { openSimulator } from './chromium.mjs';

function sceneText(scene) {
  return readFileSync(new URL(`../www/scenes/${scene}`, import.meta.url), 'utf8');
}

// The files a scene names, as the engine lists them (`assetPaths`, the same `asset_refs` the CLI
// resolves), read next to it: path -> byte array (plain JSON, so it crosses into the page; the
// wasm side takes any array of bytes).
async function sceneFiles(page, scene) {
  const paths = await page.evaluate((a) => window.tinydisplay.call('assetPaths', a), { file: scene, text: sceneText(scene) });
  const files = {};
  for (const path of paths) {
    files[path] = Array.from(readFileSync(new URL(`../www/scenes/${path}`, import.meta.url)));
  }
  return files;
}

// `run(page, from)`: one precompute batch of `scene` (BATCH ticks from `from`) on a fresh
// simulator in `page`; resolves to the worker's stats (fps, frames, totalMs, ...).
function batchRunner(scene) {
  const args = { file: scene, text: sceneText(scene), count: BATCH, settleMs: Number(process.env.TD_SETTLE_MS ?? 100) };
  return (page, from) => page.evaluate((a) => window.tinydisplay.call('bench', a), { ...args, from });
}

// Precompute throughput of the threads build (the isolated page, all its workers) against the
// single-thread build (`?build=st`), on `scene`. Both get the same treatment: a fresh simulator
// per batch, batches of 3600 ticks (a minute of animation), two unmeasured warm-up batches (V8
// first runs wasm in its baseline tier and optimizes hot functions in the background, in each
// Web Worker of the pool: the first batch of the threads build measured ~1.7x its steady CPU
// time per frame), then 5 measured batches each, the two pages taking turns (threads, single,
// threads, ...) so that a noisy neighbour on a shared machine hits both alike; each side's
// figure is its median batch.
export const BATCH = 3600;
export async function benchThroughput(context, url, scene) {
  const run = batchRunner(scene);
  const mtPage = await openSimulator(context, url);
  const stPage = await openSimulator(context, url + '?build=st');
  for (let i = 0; i < 2; i++) {
    await run(mtPage.page, 1_000_000 * (i + 1));
    await run(stPage.page, 1_000_000 * (i + 1));
  }
  const mtRuns = [];
  const stRuns = [];
  for (let i = 0; i < 5; i++) {
    mtRuns.push(await run(mtPage.page, 100_000 * (i + 1)));
    stRuns.push(await run(stPage.page, 100_000 * (i + 1)));
  }
  await mtPage.page.close();
  await stPage.page.close();
  const pick = (runs) => {
    runs.sort((a, b) => a.fps - b.fps);
    return { ...runs[2], min_fps: runs[0].fps, max_fps: runs[4].fps };
  };
  const mt = pick(mtRuns);
  const st = pick(stRuns);
  const control = await benchTwoSinglePages(context, url, scene);
  const summary = (r) => ({
    fps: r.fps, min_fps: r.min_fps, max_fps: r.max_fps,
    per_frame_us: r.per_frame_ms * 1000, serial_us_per_frame: (r.serial_ms * 1000) / r.frames,
  });
  return {
    scene,
    batch: BATCH,
    threads: { workers: mt.workers, ...summary(mt), utilization: mt.utilization },
    single: summary(st),
    ratio: mt.fps / st.fps,
    // What this machine gives two fully independent single-thread computations at once: the
    // ceiling for any 2-worker ratio here, with no sharing, locks or pool in the way.
    control_two_single_pages: { ...control, ratio: control.fps / control.solo_fps },
  };
}

// The control for the ratio above: two single-thread pages (two renderer threads, nothing
// shared) run the same batch at the same moment. Their combined fps (both batches' frames over
// the later finish) against one page's fps measured alone just before, median of 5.
export async function benchTwoSinglePages(context, url, scene) {
  const run = batchRunner(scene);
  const a = (await openSimulator(context, url + '?build=st')).page;
  const b = (await openSimulator(context, url + '?build=st')).page;
  for (let i = 0; i < 2; i++) await Promise.all([run(a, 1_000_000 * (i + 1)), run(b, 1_000_000 * (i + 3))]);
  const solo = [];
  const both = [];
  for (let i = 0; i < 5; i++) {
    solo.push((await run(a, 100_000 * (i + 1))).fps);
    const [x, y] = await Promise.all([run(a, 100_000 * (i + 11)), run(b, 100_000 * (i + 21))]);
    both.push(((x.frames + y.frames) * 1000) / Math.max(x.totalMs, y.totalMs));
  }
  await a.close();
  await b.close();
  const median = (v) => [...v].sort((p, q) => p - q)[v.length >> 1];
  return { fps: median(both), solo_fps: median(solo) };
}

// Per-frame compute time (µs) of each scene in the single-thread build: ticks 0..1000, at least
// 200 ms of warm-up, the median of 5 passes (`frame_time_us`, the loop of the native
// `frame_time` example).
export async function perFrameUs(context, url, scenes) {
  const stPage = await openSimulator(context, url + '?build=st');
  const per = {};
  for (const scene of scenes) {
    per[scene] = await stPage.page.evaluate((a) => window.tinydisplay.call('frameTime', a), { file: scene, text: sceneText(scene), from: 0, count: 1000, runs: 5, files: await sceneFiles(stPage.page, scene) });
  }
  await stPage.page.close();
  return per;
}
