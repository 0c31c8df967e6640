// The simulator page. All engine work runs in engine-worker.js; this module is UI only.
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

// ---- the engine worker: request/response by id ------------------------------------------------
const worker = new Worker(new URL('./engine-worker.js', import.meta.url), { type: 'module' });
let nextId = 1;
const pending = new Map();
const workerUp = new Promise((resolve) => pending.set(0, { resolve, reject: resolve }));
worker.onmessage = ({ data }) => {
  const p = pending.get(data.id);
  if (!p) return;
  pending.delete(data.id);
  if (data.ok) p.resolve(data.result);
  else p.reject(Object.assign(new Error(data.error.message), data.error));
};
worker.onerror = (e) => console.error('engine worker failed:', e.message);
function call(op, args) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, args });
  });
}

// ---- state -----------------------------------------------------------------------------------
const state = {
  threads: false,
  workers: 1,
  info: null,            // { width, height, tickRate, name, inputs }
  file: 'scene.toml',
  tick: 0,
  frame: null,           // { tick, hash, bytes, cached } last drawn (the last good frame)
  playing: false,
  playStartWall: 0,
  playStartTick: 0,
  lastShownWall: 0,
  busCost: null,
  busWindow: [],          // [wallMs, micros] of recently shown frames
  firstFrameMs: null,
  precomputing: false,
  fetching: false,
  wantTick: null,
};
const api = {};
window.tinydisplay = api;

// ---- drawing ---------------------------------------------------------------------------------
const canvas = $('oled');
const ctx = canvas.getContext('2d');
// The panel colours, the yellow band and the grid rule are tinydisplay-export's, from the wasm
// module (set at start), so the canvas shows exactly what a PNG/GIF export saves.
let PANEL = null;

function draw() {
  const info = state.info;
  const f = state.frame;
  if (!info || !PANEL) return;
  const s = Number($('scale').value);
  const pal = PANEL[$('panel').value];
  const grid = $('grid').checked && s >= pal.gridMinScale;
  const w = info.width, h = info.height;
  if (canvas.width !== w * s || canvas.height !== h * s) {
    canvas.width = w * s;
    canvas.height = h * s;
  }
  // With the grid, the last row and column of every cell are the gap, as in an export.
  ctx.fillStyle = grid ? pal.gap : pal.dark;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const cell = grid ? s - 1 : s;
  if (grid) {
    ctx.fillStyle = pal.dark;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) ctx.fillRect(x * s, y * s, cell, cell);
  }
  if (!f) return;
  const b = f.bytes;
  for (let y = 0; y < h; y++) {
    ctx.fillStyle = y < pal.altRows ? pal.litAlt : pal.lit;
    const row = (y >> 3) * w, bit = 1 << (y & 7);
    for (let x = 0; x < w; x++) if (b[row + x] & bit) ctx.fillRect(x * s, y * s, cell, cell);
  }
}

function showFrame(f) {
  state.frame = f;
  state.tick = f.tick;
  draw();
  $('tick').textContent = f.tick;
  $('time').textContent = (f.tick / state.info.tickRate).toFixed(3) + ' s';
  $('hash').textContent = f.hash;
  $('hash').dataset.tick = String(f.tick);
  $('cache-flag').textContent = f.cached ? '● precomputed' : '○ rendered on demand';
  $('cache-flag').style.color = f.cached ? 'var(--good)' : 'var(--muted)';
  if (Number($('scrub').max) < f.tick) $('scrub').max = String(f.tick);
  $('scrub').value = String(f.tick);
  if (document.activeElement !== $('tick-input')) $('tick-input').value = String(f.tick);
  if (state.firstFrameMs === null) {
    // Since navigation start (the page's time origin), so it includes loading the wasm.
    state.firstFrameMs = performance.now();
    $('st-first').textContent = state.firstFrameMs.toFixed(0) + ' ms';
  }
  updateBus(f.tick);
  refreshInputs(f.tick);
}

// The input fields show the values in force at the shown tick, clamped as the engine reads
// them (not the declared defaults), at most ten times a second while playing. A field being
// edited is left alone.
let inputsShownAt = -Infinity;
async function refreshInputs(tick) {
  if ($('inputs-box').hidden) return;
  const now = performance.now();
  if (state.playing && now - inputsShownAt < 100) return;
  inputsShownAt = now;
  try {
    const values = await call('inputsAt', { tick });
    for (const { name, value } of values) {
      const field = document.querySelector(`#inputs input[data-input="${CSS.escape(name)}"]`);
      if (field && document.activeElement !== field) field.value = String(value);
    }
  } catch (e) {
    console.warn('inputs failed', e.message);
  }
}

// Fetches the frame for `tick` from the worker; only the newest request is shown.
async function gotoTick(tick) {
  tick = Math.max(0, Math.floor(Number(tick) || 0));
  state.wantTick = tick;
  if (state.fetching) return;
  state.fetching = true;
  try {
    while (state.wantTick !== null) {
      const t = state.wantTick;
      state.wantTick = null;
      const f = await call('frame', { tick: t });
      if (state.wantTick === null) showFrame(f);
    }
  } catch (e) {
    console.warn('frame failed', e.message);
  } finally {
    state.fetching = false;
  }
}

// ---- scenes ----------------------------------------------------------------------------------
async function loadScene(file, text, { fromEditor = false, events = null } = {}) {
  state.file = file;
  $('file-name').textContent = file;
  if (!fromEditor) $('editor').value = text;
  try {
    const info = await call('load', { file, text, events: events ?? (fromEditor ? state.events : null) });
    state.events = events ?? (fromEditor ? state.events : null);
    const sizeChanged = !state.info || state.info.width !== info.width || state.info.height !== info.height;
    state.info = info;
    $('error').hidden = true;
    errorLine = 0;
    updateGutter();
    $('editor-status').textContent = 'ok';
    $('editor-status').className = 'ok';
    $('scene-title').textContent = `${info.name || file} · ${info.width}×${info.height} · ${info.tickRate} ticks/s`;
    $('scrub').max = String(Math.max(info.tickRate * 600, state.tick));
    renderInputs(info.inputs);
    if (sizeChanged) draw();
    await gotoTick(state.tick);
    return { ok: true, info };
  } catch (e) {
    const where = e.line ? `line ${e.line}, column ${e.col}` : 'scene';
    $('error').textContent = `${where}: ${e.detail || e.message}${e.path ? `  (${e.path})` : ''}`;
    $('error').dataset.line = String(e.line || 0);
    $('error').dataset.col = String(e.col || 0);
    $('error').hidden = false;
    errorLine = e.line || 0;
    updateGutter();
    // Bring the error line into view (without moving the caret).
    const ed = $('editor');
    const lh = parseFloat(getComputedStyle(ed).lineHeight) || 18;
    const top = (errorLine - 1) * lh;
    if (errorLine && (top < ed.scrollTop || top > ed.scrollTop + ed.clientHeight - 2 * lh)) {
      ed.scrollTop = Math.max(0, top - ed.clientHeight / 3);
    }
    $('editor-status').textContent = 'error: showing the last good frame';
    $('editor-status').className = 'bad';
    return { ok: false, error: e };
  }
}

function renderInputs(inputs) {
  const box = $('inputs');
  box.textContent = '';
  $('inputs-box').hidden = !inputs || inputs.length === 0;
  for (const inp of inputs || []) {
    const row = document.createElement('div');
    row.className = 'row';
    const label = document.createElement('span');
    label.textContent = inp.name;
    const field = document.createElement('input');
    field.type = 'text';
    field.dataset.input = inp.name;
    field.value = String(inp.default ?? '');
    const send = document.createElement('button');
    send.textContent = 'set';
    send.title = 'Set this input from the current tick on';
    send.onclick = async () => {
      const v = field.value.trim();
      const value = /^-?\d+$/.test(v) ? Number(v) : v;
      try {
        await call('pushEvent', { tick: state.tick, input: inp.name, value });
        await gotoTick(state.tick);
      } catch (e) {
        toast(e.message);
      }
    };
    row.append(label, field, send);
    box.append(row);
  }
}

const gallery = new Map(); // scene file -> its event log file (or null)
async function loadGallery() {
  const list = await (await fetch('scenes/index.json')).json();
  const ul = $('gallery');
  for (const { file, events } of list) {
    gallery.set(file, events);
    const li = document.createElement('li');
    li.textContent = file.replace(/\.(toml|json)$/, '');
    if (events) li.title = `with its recorded inputs (${events})`;
    li.dataset.file = file;
    li.onclick = () => openExample(file);
    ul.append(li);
  }
  return list.map((e) => e.file);
}

// Loads an example scene and, when it has one, its recorded event log.
async function openExample(file) {
  const text = await (await fetch('scenes/' + file)).text();
  for (const li of $('gallery').children) li.classList.toggle('active', li.dataset.file === file);
  const events = gallery.get(file);
  const log = events ? await (await fetch('scenes/' + events)).text() : null;
  return loadScene(file, text, { events: log });
}

// ---- editor: live reload, line numbers, the error line marked ------------------------------------
let errorLine = 0;
function updateGutter() {
  const n = $('editor').value.split('\n').length;
  const g = $('gutter');
  if (g.childElementCount !== n || g.dataset.bad !== String(errorLine)) {
    g.textContent = '';
    for (let i = 1; i <= n; i++) {
      const d = document.createElement('div');
      d.textContent = String(i);
      if (i === errorLine) d.className = 'bad';
      g.append(d);
    }
    g.dataset.bad = String(errorLine);
  }
  g.scrollTop = $('editor').scrollTop;
}
$('editor').addEventListener('scroll', () => ($('gutter').scrollTop = $('editor').scrollTop));
$('editor').addEventListener('input', updateGutter);
let editTimer = 0;
$('editor').addEventListener('input', () => {
  clearTimeout(editTimer);
  editTimer = setTimeout(() => loadScene(state.file, $('editor').value, { fromEditor: true }), 200);
});
$('error').onclick = () => {
  const line = Number($('error').dataset.line), col = Number($('error').dataset.col);
  if (!line) return;
  const lines = $('editor').value.split('\n');
  let pos = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
  pos += Math.max(0, col - 1);
  const ed = $('editor');
  ed.focus();
  ed.setSelectionRange(pos, Math.min(pos + 1, ed.value.length));
  ed.scrollTop = Math.max(0, (line - 4) * 18);
};

// ---- files: open and drag-and-drop ------------------------------------------------------------
async function openFile(file) {
  const text = await file.text();
  for (const li of $('gallery').children) li.classList.remove('active');
  await loadScene(file.name, text);
}
$('open-file').onchange = (e) => e.target.files[0] && openFile(e.target.files[0]);
let dragDepth = 0;
addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; $('drop-overlay').hidden = false; });
addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; $('drop-overlay').hidden = true; } });
addEventListener('dragover', (e) => e.preventDefault());
addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  $('drop-overlay').hidden = true;
  const f = e.dataTransfer.files[0];
  if (f) openFile(f);
});

// ---- transport -------------------------------------------------------------------------------
function setPlaying(on) {
  state.playing = on;
  $('play').textContent = on ? '❚❚ Pause' : '▶ Play';
  if (on) {
    state.playStartWall = performance.now();
    state.playStartTick = state.tick;
    requestAnimationFrame(loop);
  }
}

function busAllowsFrame(now) {
  if (!$('throttle').checked || !state.busCost || state.busCost.micros === 0) return true;
  return now - state.lastShownWall >= state.busCost.micros / 1000;
}

function loop(now) {
  if (!state.playing || !state.info) return;
  const speed = Number($('speed').value);
  const tick = state.playStartTick + Math.floor(((now - state.playStartWall) / 1000) * state.info.tickRate * speed);
  // With the throttle on, the panel shows a new frame only when the bus has finished the last one:
  // ticks keep their real time, frames are dropped, as on the Pi.
  if (tick !== state.tick && busAllowsFrame(now)) {
    state.lastShownWall = now;
    gotoTick(tick);
  }
  keepLookahead(tick);
  requestAnimationFrame(loop);
}

// Keeps about two seconds of frames precomputed ahead of the playhead: when half of them are
// shown, the runtime's window moves to the playhead and its workers fill the missing ticks.
async function keepLookahead(tick) {
  if (state.precomputing) return;
  const target = Math.max(8, Math.ceil(state.info.tickRate * 2 * Number($('speed').value)));
  const st = await call('stats');
  if (st && st.lookahead >= target / 2) return;
  state.precomputing = true;
  try {
    showStats(await call('precompute', { from: tick + 1, count: target }));
  } finally {
    state.precomputing = false;
  }
}

$('play').onclick = () => setPlaying(!state.playing);
$('step').onclick = () => { setPlaying(false); gotoTick(state.tick + 1); };
$('step-back').onclick = () => { setPlaying(false); gotoTick(Math.max(0, state.tick - 1)); };
$('scrub').addEventListener('input', () => {
  const t = Number($('scrub').value);
  if (state.playing) { state.playStartTick = t; state.playStartWall = performance.now(); }
  gotoTick(t);
});
$('tick-input').addEventListener('change', () => {
  const t = Number($('tick-input').value);
  if (state.playing) { state.playStartTick = t; state.playStartWall = performance.now(); }
  gotoTick(t);
});
$('speed').onchange = () => { state.playStartTick = state.tick; state.playStartWall = performance.now(); };
for (const id of ['panel', 'scale', 'grid']) $(id).onchange = draw;
addEventListener('keydown', (e) => {
  if (e.target.closest('textarea, input, select')) return;
  if (e.key === ' ') { e.preventDefault(); setPlaying(!state.playing); }
  if (e.key === 'ArrowRight') $('step').click();
  if (e.key === 'ArrowLeft') $('step-back').click();
});

// ---- stats and bus ---------------------------------------------------------------------------
const pct = (x) => (x * 100).toFixed(0) + ' %';
function showStats(st) {
  if (!st) return;
  $('st-build').textContent = st.build;
  $('st-workers').textContent = st.workers_used ? `${st.workers} (${st.workers_used} busy)` : String(st.workers);
  $('st-util').textContent = st.frames ? pct(st.utilization) : '—';
  $('st-frame').textContent = st.frames ? `${(st.per_frame_ms * 1000).toFixed(0)} µs` : '—';
  $('st-hit').textContent = st.cache_hits + st.cache_misses ? pct(st.hit_rate) : '—';
  $('st-look').textContent = state.info ? `${st.lookahead} ticks ready (${(st.lookahead / state.info.tickRate).toFixed(1)} s)${st.window ? `, window ${st.window}` : ''}` : '—';
  $('st-cached').textContent = `${st.cached_frames} frames, ${(st.cache_bytes / 1024).toFixed(0)} KiB`;
  api.lastStats = st;
}
setInterval(async () => { if (state.info) showStats(await call('stats')); }, 500);

let busBusy = false;
async function updateBus(tick) {
  if (busBusy) return;
  busBusy = true;
  try {
    const c = await call('bus', { tick, bus: $('bus').value });
    state.busCost = c;
    const now = performance.now();
    state.busWindow.push([now, c.micros]);
    while (state.busWindow.length && now - state.busWindow[0][0] > 1000) state.busWindow.shift();
    const worst = Math.max(...state.busWindow.map((w) => w[1]));
    $('bus-bytes').textContent = `${c.wire_bytes} B on the wire`;
    $('bus-time').textContent = c.micros >= 1000 ? `${(c.micros / 1000).toFixed(2)} ms` : `${c.micros} µs`;
    $('bus-fps').textContent = c.micros ? `${(c.max_fps_x100 / 100).toFixed(1)} fps` : 'no change: 0 B';
    $('bus-worst').textContent = worst ? `${(1e6 / worst).toFixed(1)} fps` : '—';
    const rate = state.info.tickRate;
    $('bus-fps').style.color = c.micros && c.max_fps_x100 / 100 < rate ? 'var(--warn)' : 'var(--good)';
    const what = tick === 0 ? 'a full frame at tick 0' : `the change from tick ${tick - 1} to ${tick}`;
    $('bus-note').textContent = `The Pi's flush planner: ${what} sends ${c.rects} rectangle(s) in ${c.transactions} transactions` +
      ` (${c.floor} bytes changed). The scene runs at ${rate} ticks/s.`;
  } catch (e) {
    console.warn('bus', e.message);
  } finally {
    busBusy = false;
  }
}
$('bus').onchange = () => { state.busWindow = []; updateBus(state.tick); };

// ---- export ----------------------------------------------------------------------------------
function download(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
const stem = () => state.file.replace(/\.(toml|json)$/i, '');
$('export-png').onclick = async () => {
  const bytes = await call('png', { tick: state.tick, panel: $('panel').value, scale: Number($('scale').value) });
  download(bytes, `${stem()}-${state.tick}.png`, 'image/png');
  $('export-note').textContent = `PNG: ${bytes.length} bytes`;
};
$('export-gif').onclick = async () => {
  const from = Number($('gif-from').value), to = Number($('gif-to').value);
  $('export-note').textContent = 'encoding GIF…';
  try {
    const bytes = await call('gif', { from, to, panel: $('panel').value, scale: Math.min(4, Number($('scale').value)) });
    download(bytes, `${stem()}-${from}-${to}.gif`, 'image/gif');
    $('export-note').textContent = `GIF: ticks ${from}..${to}, ${(bytes.length / 1024).toFixed(0)} KiB`;
  } catch (e) {
    $('export-note').textContent = e.message;
  }
};

// ---- permalink: the scene text, deflated, base64url, in the fragment ---------------------------
async function deflate(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Response(stream).text();
}
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unb64url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

api.permalink = async () => {
  const z = await deflate($('editor').value);
  const frag = new URLSearchParams({ f: state.file, t: String(state.tick), z: b64url(z) });
  if (state.events) frag.set('e', b64url(await deflate(state.events)));
  return `${location.origin}${location.pathname}${location.search}#${frag}`;
};
$('permalink').onclick = async () => {
  const url = await api.permalink();
  history.replaceState(null, '', url);
  try { await navigator.clipboard.writeText(url); toast('Permalink copied'); } catch { toast('Permalink is in the address bar'); }
};
async function fromPermalink() {
  if (!location.hash.includes('z=')) return false;
  const frag = new URLSearchParams(location.hash.slice(1));
  const text = await inflate(unb64url(frag.get('z')));
  const events = frag.get('e') ? await inflate(unb64url(frag.get('e'))) : null;
  state.tick = Number(frag.get('t')) || 0;
  await loadScene(frag.get('f') || 'scene.toml', text, { events });
  return true;
}

function toast(msg) {
  $('toast').textContent = msg;
  $('toast').hidden = false;
  clearTimeout(toast.t);
  toast.t = setTimeout(() => ($('toast').hidden = true), 2500);
}

// ---- start -----------------------------------------------------------------------------------
async function start() {
  // The threads build needs SharedArrayBuffer, which needs a cross-origin-isolated page.
  state.threads = self.crossOriginIsolated === true && params.get('build') !== 'st';
  const wanted = Number(params.get('workers')) || Math.max(2, Math.min(navigator.hardwareConcurrency || 2, 8));
  await workerUp;
  const init = await call('init', { threads: state.threads, workers: wanted });
  PANEL = init.palettes;
  state.workers = init.workers;
  const badge = $('build-badge');
  if (state.threads) {
    badge.textContent = `threads build · ${init.workers} Web Workers`;
  } else {
    badge.textContent = self.crossOriginIsolated ? 'single-thread build (forced by ?build=st)'
      : 'single-thread build: this page is not cross-origin isolated';
    badge.classList.add('single');
    badge.title = 'Serve with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (cargo xtask serve does) for the Web Worker pool.';
  }
  const list = await loadGallery();
  if (!(await fromPermalink())) await openExample(params.get('scene') || (list.includes('dashboard.toml') ? 'dashboard.toml' : list[0]));
  api.build = init;
  api.firstFrameMs = state.firstFrameMs;
}

// Test and automation hooks (used by web/tests/*.mjs).
Object.assign(api, {
  call,
  state,
  goto: gotoTick,
  loadScene,
  openExample,
  play: () => setPlaying(true),
  pause: () => setPlaying(false),
});
api.ready = start().catch((e) => {
  console.error('start failed:', e);
  $('build-badge').textContent = 'failed to start: ' + e.message;
  throw e;
});
