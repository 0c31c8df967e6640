// The performance measurements of browser.mjs alone, repeated, for tuning by hand:
//   cargo xtask serve --port 8765 &   # or any server of web/www with COOP/COEP
//   TD_URL=http://127.0.0.1:8765/ node web/tests/perf.mjs [ROUNDS]
// Prints, per round, the threads-vs-single-thread precompute throughput on stress and the
// single-thread per-frame compute time of dashboard and stress, then the spread over the rounds.
import { launch, openSimulator } from './chromium.mjs';
import { benchThroughput, perFrameUs } from './measure.mjs';

const URL_ = process.env.TD_URL || 'http://127.0.0.1:8000/';
const rounds = Number(process.argv[2]) || 3;
const context = await launch();
const rows = [];
try {
  for (let r = 0; r < rounds; r++) {
    const t = await benchThroughput(context, URL_, 'stress.toml');
    const per = await perFrameUs(context, URL_, ['dashboard.toml', 'stress.toml']);
    const row = {
      threads_fps: t.threads.fps, single_fps: t.single.fps, ratio: t.ratio, control: t.control_two_single_pages.ratio, t_spread: t.threads.max_fps / t.threads.min_fps, s_spread: t.single.max_fps / t.single.min_fps,
      threads_us: t.threads.per_frame_us, single_us: t.single.per_frame_us,
      util: t.threads.utilization, t_serial_us: t.threads.serial_us_per_frame, s_serial_us: t.single.serial_us_per_frame, dashboard_us: per['dashboard.toml'], stress_us: per['stress.toml'],
    };
    rows.push(row);
    console.log(Object.entries(row).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('  '));
  }
} finally {
  await context.close();
}
const keys = Object.keys(rows[0]);
for (const k of keys) {
  const v = rows.map((r) => r[k]).sort((a, b) => a - b);
  console.log(`${k.padEnd(13)} median ${v[v.length >> 1].toFixed(2)}  min ${v[0].toFixed(2)}  max ${v[v.length - 1].toFixed(2)}`);
}
