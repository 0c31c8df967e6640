// The engine's own thread. Rayon blocks its caller (Atomics.wait), which a page's main thread may
// not do, so every call into wasm happens here; the threads build spawns its pool from here.
let wasm = null;
let sim = null;
let info = null;

function sceneInfo(s) {
  return { width: s.width, height: s.height, tickRate: s.tickRate, name: s.name, inputs: s.inputs(), rotate: s.rotate };
}

function errorObject(e) {
  return {
    message: String(e && e.message || e),
    name: e && e.name || 'Error',
    file: e && e.file || '',
    line: e && e.line || 0,
    col: e && e.col || 0,
    path: e && e.path || '',
    detail: e && e.detail || String(e && e.message || e),
    source: e && e.source || 'scene',
  };
}

const ops = {
  async init({ threads, workers }) {
    const t0 = performance.now();
    wasm = await import(threads ? './pkg-mt/tinydisplay_web.js' : './pkg-st/tinydisplay_web.js');
    const pkg = threads ? './pkg-mt/' : './pkg-st/';
    await wasm.default({ module_or_path: new URL(pkg + 'tinydisplay_web_bg.wasm', import.meta.url) });
    if (threads) await wasm.initThreadPool(workers);
    return { build: wasm.buildKind(), workers: wasm.workers(), initMs: performance.now() - t0, palettes: wasm.panelPalettes(), panelModels: wasm.panelModels() };
  },
  load({ file, text, events, files }) {
    // A bad scene throws; the previous simulator (and so the last good frame) stays. `files`:
    // the pictures and fonts the scene names, by path (a bundle's text carries its own).
    const next = files && Object.keys(files).length
      ? wasm.Simulator.withFiles(file, text, files)
      : new wasm.Simulator(file, text);
    if (events) {
      try {
        next.loadEvents(events);
      } catch (e) {
        next.free();
        // The error names a line of the log: the page must not mark that line in the scene.
        throw { message: `event log: ${e && e.message || e}`, detail: String(e && e.message || e), source: 'events' };
      }
    }
    if (sim) sim.free();
    sim = next;
    info = sceneInfo(sim);
    return { ...info, warnings: sim.warnings(file, text) };
  },
  assetPaths({ file, text }) {
    return wasm.assetPaths(file, text);
  },
  makeBundle({ file, text, files }) {
    return wasm.makeBundle(file, text, files || {});
  },
  openBundle({ text }) {
    return wasm.openBundle(text);
  },
  frame({ tick }) {
    return sim.frame(tick);
  },
  precompute({ from, count }) {
    return sim.precompute(from, count);
  },
  stats() {
    return sim ? sim.stats() : null;
  },
  frameState({ tick }) {
    return sim.frameState(tick);
  },
  marks({ from, to, max }) {
    return sim.marks(from, to, max);
  },
  inputsAt({ tick }) {
    return sim.inputsAt(tick);
  },
  pushEvent({ tick, input, value }) {
    return sim.pushEvent(tick, input, value);
  },
  // `panel`: a panelModels id, or empty for an SSD1306 of the scene's size; `offset`: a RAM
  // column, or null for the panel's.
  bus({ tick, bus, panel, offset }) {
    return sim.bus(tick, bus, panel || undefined, offset ?? undefined);
  },
  png({ tick, panel, scale }) {
    return sim.png(tick, panel, scale);
  },
  gif({ from, to, panel, scale }) {
    return sim.gif(from, to, panel, scale);
  },
  snapshot({ tick }) {
    return sim.snapshot(tick);
  },
  // Hashes through a separate simulator, on the pool (golden checks).
  hashTicks({ file, text, events, ticks }) {
    const s = new wasm.Simulator(file, text);
    try {
      if (events) s.loadEvents(events);
      return s.hashTicks(ticks);
    } finally {
      s.free();
    }
  },
  // Per-frame render time (µs) on this thread: warm-up pass, then the median of `runs` passes.
  frameTime({ file, text, from, count, runs, files }) {
    return wasm.frameTimeUs(file, text, from, count, runs, files || {});
  },
  // Precompute throughput on a fresh simulator: frames per second over `count` ticks. The
  // clock starts after a pause, so that the browser's own work set off by the message and the
  // new simulator (collection, compilation on its thread pool) does not compete with the
  // precompute workers for the cores: on a 2-core machine it was measured at 5-35 ms per call.
  async bench({ file, text, from, count, settleMs = 100 }) {
    const s = new wasm.Simulator(file, text);
    try {
      await new Promise((r) => setTimeout(r, settleMs));
      const t0 = performance.now();
      const st = s.precompute(from, count);
      const ms = performance.now() - t0;
      return { ...st, totalMs: ms, fps: (st.frames * 1000) / ms };
    } finally {
      s.free();
    }
  },
};

// Messages run one at a time, in order.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(async () => {
    const { id, op, args } = data;
    try {
      const result = await ops[op](args || {});
      const transfer = result && result.bytes instanceof Uint8Array ? [result.bytes.buffer]
        : result instanceof Uint8Array ? [result.buffer] : [];
      self.postMessage({ id, ok: true, result }, transfer);
    } catch (e) {
      self.postMessage({ id, ok: false, error: errorObject(e) });
    }
  });
};
self.postMessage({ id: 0, ok: true, result: 'worker-up' });
