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
  log: null,             // the attached event log's text, or null
  logName: null,         // its file name
  edits: [],             // hand edits: [{ tick, input, value }], in the order made
  clock: null,           // the clock value fed at tick 0 (seconds), or null: the fixed epoch
  files: {},             // the pictures and fonts the scene names: path -> Uint8Array
};
const api = {};
window.tinydisplay = api;

// ---- drawing ---------------------------------------------------------------------------------
const canvas = $('oled');
const ctx = canvas.getContext('2d');
// The panel colours, the yellow band and the grid rule are tinydisplay-export's, from the wasm
// module (set at start), so the canvas shows exactly what a PNG/GIF export saves.
let PANEL = null;

// The panel's scale: the chosen one, or with "fit" the largest integer scale (1 at least) at
// which the panel fits the centre column and most of the window's height.
function scale() {
  const v = $('scale').value;
  if (v !== 'fit') return Number(v);
  const info = state.info;
  if (!info) return 1;
  const bezel = $('canvas-wrap');
  const pad = bezel.offsetWidth - canvas.offsetWidth;
  const width = $('center').clientWidth - Math.max(0, pad);
  const height = Math.max(120, innerHeight * 0.62);
  return Math.max(1, Math.min(8, Math.floor(width / info.width), Math.floor(height / info.height)));
}
addEventListener('resize', () => draw());

let bg = { key: '', canvas: null };
function background(w, h, s, grid, pal) {
  const key = `${w}x${h}x${s}:${grid}:${pal.gap}:${pal.dark}`;
  if (bg.key === key) return bg.canvas;
  const c = new OffscreenCanvas(w * s, h * s);
  const g = c.getContext('2d');
  g.fillStyle = grid ? pal.gap : pal.dark;
  g.fillRect(0, 0, c.width, c.height);
  if (grid) {
    g.fillStyle = pal.dark;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g.fillRect(x * s, y * s, s - 1, s - 1);
  }
  bg = { key, canvas: c };
  return c;
}

function draw() {
  const info = state.info;
  const f = state.frame;
  if (!info || !PANEL) return;
  const s = scale();
  const pal = PANEL[$('panel').value];
  const grid = $('grid').checked && s >= pal.gridMinScale;
  const w = info.width, h = info.height;
  if (canvas.width !== w * s || canvas.height !== h * s) {
    canvas.width = w * s;
    canvas.height = h * s;
  }
  // The dark panel (with the grid, the last row and column of every cell are the gap, as in an
  // export) is drawn once per size and style and copied; only lit cells are drawn per frame.
  const cell = grid ? s - 1 : s;
  ctx.drawImage(background(w, h, s, grid, pal), 0, 0);
  if (!f) return;
  const lit = litColours(pal, f);
  if (!lit) return;
  const b = f.bytes;
  for (let y = 0; y < h; y++) {
    ctx.fillStyle = y < pal.altRows ? lit[1] : lit[0];
    const row = (y >> 3) * w, bit = 1 << (y & 7);
    for (let x = 0; x < w; x++) if (b[row + x] & bit) ctx.fillRect(x * s, y * s, cell, cell);
  }
}

// A frame's lit colours [lit, litAlt] at the contrast it carries (the export crate's curve,
// from the wasm palettes), or null while the panel sleeps: the canvas shows the display care as
// the PNG/GIF exports save it. Scenes without display care come at 255, the plain colours.
function litColours(pal, f) {
  if (f.on === false) return null;
  const c = f.contrast ?? 255;
  return [pal.litLevels[c] || pal.lit, pal.litAltLevels[c] || pal.litAlt];
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
// The events the page feeds the engine, as a log: its clock (unless the fixed epoch is on),
// the attached log, then the hand edits (later lines win at equal ticks).
function eventsText() {
  const lines = [];
  if (state.clock !== null) lines.push(`0 clock=${state.clock}`);
  if (state.log) lines.push(state.log.replace(/\n+$/, ''));
  for (const e of state.edits) lines.push(`${e.tick} ${e.input}=${logValue(e.value)}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}
// A text value the log format would read as something else is quoted, as the CLI writes it.
const logValue = (v) => typeof v === 'number' ? String(v)
  : (v === '' || v.trim() !== v || /["#\\\n]/.test(v) || /^-?\d+$/.test(v) ? JSON.stringify(v) : v);

// Local time now, in seconds since 1970 as a wall clock shows it (what `tinydisplay play` feeds).
const localSeconds = () => Math.floor(Date.now() / 1000) - new Date().getTimezoneOffset() * 60;

// Loads a scene. Not from the editor, it starts afresh: `events` is its log (or none),
// `clock` the live clock (true) or the fixed epoch (false) and the hand edits are dropped.
async function loadScene(file, text, { fromEditor = false, events = null, logName = null, clock = null, edits = [] } = {}) {
  state.file = file;
  $('file-name').textContent = file;
  if (!fromEditor) {
    $('editor').value = text;
    state.log = events || null;
    state.logName = events ? (logName || 'events') : null;
    state.edits = edits;
    if (clock !== null) state.clock = typeof clock === 'number' ? clock : clock ? localSeconds() : null;
    showLog();
  }
  try {
    const info = await call('load', { file, text, events: eventsText(), files: state.files });
    const sizeChanged = !state.info || state.info.width !== info.width || state.info.height !== info.height;
    state.info = info;
    $('error').hidden = true;
    errorLine = 0;
    updateGutter();
    $('editor-status').textContent = 'ok';
    $('editor-status').className = 'ok';
    showWarnings(info.warnings || []);
    $('scene-title').textContent = `${info.name || file} · ${info.width}×${info.height} · ${info.tickRate} ticks/s`;
    $('scrub').max = String(Math.max(info.tickRate * 600, state.tick));
    renderInputs(info.inputs);
    pickPanelModel(info);
    if (sizeChanged) draw();
    await gotoTick(state.tick);
    refreshMarks();
    return { ok: true, info };
  } catch (e) {
    // An event log's error names a line of the log, not of the scene.
    const inLog = e.source === 'events';
    const where = inLog ? `event log${e.line ? ` line ${e.line}` : ''}` : e.line ? `line ${e.line}, column ${e.col}` : 'scene';
    $('error').textContent = `${where}: ${e.detail || e.message}${e.path ? `  (${e.path})` : ''}`;
    $('error').dataset.line = String(inLog ? 0 : e.line || 0);
    $('error').dataset.col = String(inLog ? 0 : e.col || 0);
    $('error').hidden = false;
    errorLine = inLog ? 0 : e.line || 0;
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

// Glyphs the scene's fonts lack (drawn as boxes), as `tinydisplay check` warns: the first is
// shown where errors are (a click puts the caret there), the count in the status.
function showWarnings(warnings) {
  if (!warnings.length) return;
  const w = warnings[0];
  const where = w.line ? `line ${w.line}, column ${w.col}` : 'scene';
  const more = warnings.length > 1 ? ` (+${warnings.length - 1} more)` : '';
  $('error').textContent = `warning: ${where}: ${w.message}${w.path ? `  (${w.path})` : ''}${more}`;
  $('error').dataset.line = String(w.line || 0);
  $('error').dataset.col = String(w.col || 0);
  $('error').hidden = false;
  $('editor-status').textContent = `ok, ${warnings.length} warning${warnings.length > 1 ? 's' : ''}`;
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
        state.edits.push({ tick: state.tick, input: inp.name, value });
        showLog();
        refreshMarks();
        await gotoTick(state.tick);
      } catch (e) {
        toast(e.message);
      }
    };
    field.addEventListener('keydown', (e) => { if (e.key === 'Enter') send.click(); });
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
  state.files = await exampleFiles(file, text);
  // Examples show what `tinydisplay hash` and the golden files show: the fixed epoch.
  return loadScene(file, text, { events: log, logName: events, clock: false });
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
  editTimer = setTimeout(() => {
    followFormat($('editor').value);
    loadScene(state.file, $('editor').value, { fromEditor: true });
  }, 200);
});

// The format is the content's ('{' first: JSON, else TOML); the file name follows it.
function formatOf(text) {
  return text.trimStart().startsWith('{') ? 'json' : 'toml';
}
function followFormat(text) {
  const ext = formatOf(text);
  if (!state.file.toLowerCase().endsWith('.' + ext)) state.file = stem() + '.' + ext;
}

// A paste that replaces the whole text is a new scene: no log, no edits, the live clock.
$('editor').addEventListener('paste', (e) => {
  const text = e.clipboardData && e.clipboardData.getData('text/plain');
  if (!text) return;
  const ed = $('editor');
  const whole = ed.selectionStart === 0 && ed.selectionEnd === ed.value.length;
  e.preventDefault();
  ed.setRangeText(text, ed.selectionStart, ed.selectionEnd, 'end');
  updateGutter();
  clearTimeout(editTimer);
  followFormat(ed.value);
  for (const li of $('gallery').children) li.classList.remove('active');
  if (whole) loadScene(state.file, ed.value, { clock: true });
  else loadScene(state.file, ed.value, { fromEditor: true });
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
// Opens several files at once: a scene (.toml, .json) or a bundle (.json), the files it names
// (pictures, BDF fonts) and an event log (any other text file, e.g. .events). A log alone is
// attached to the scene that is open; pictures alone are added to the open scene's files.
const isScene = (name) => /\.(toml|json)$/i.test(name);
async function openFiles(files) {
  files = [...files];
  const assets = files.filter((f) => isAsset(f.name));
  files = files.filter((f) => !isAsset(f.name));
  const scene = files.find((f) => isScene(f.name));
  const log = files.find((f) => !isScene(f.name));
  const logText = log ? await log.text() : null;
  if (scene) {
    for (const li of $('gallery').children) li.classList.remove('active');
    const text = await scene.text();
    if (isBundleText(text)) return openBundle(scene.name, text, logText, log && log.name);
    state.files = await filesByName(assets);
    return loadScene(scene.name, text, { events: logText, logName: log && log.name, clock: true });
  }
  if (assets.length) {
    Object.assign(state.files, await filesByName(assets));
    if (!log) return loadScene(state.file, $('editor').value, { fromEditor: true });
  }
  if (log) return attachLog(log.name, logText);
}
// ---- assets: pictures and fonts next to the scene, bundles ---------------------------------------
const isAsset = (name) => /\.(png|gif|bmp|bdf|jpe?g)$/i.test(name);
const isBundleText = (text) => /^\s*\{/.test(text) && text.slice(0, 256).includes('"tinydisplay-bundle"');
async function filesByName(list) {
  const out = {};
  for (const f of list) out[f.name] = new Uint8Array(await f.arrayBuffer());
  return out;
}
// An example's files, fetched next to it (the site copies tests/scenes/assets/).
async function exampleFiles(file, text) {
  const out = {};
  for (const path of await call('assetPaths', { file, text })) {
    const res = await fetch('scenes/' + path);
    if (res.ok) out[path] = new Uint8Array(await res.arrayBuffer());
  }
  return out;
}
// A bundle: its scene goes to the editor, its files (checksum verified) are kept for reloads.
async function openBundle(name, text, logText = null, logName = null) {
  let b;
  try {
    b = await call('openBundle', { text });
  } catch (e) {
    $('error').textContent = `${name}: ${e.message}`;
    $('error').hidden = false;
    return { ok: false, error: e };
  }
  state.files = b.files;
  return loadScene(b.name, b.text, { events: logText, logName, clock: true });
}
// Bytes to base64 and back in chunks: a spread of a large array overflows the call stack.
function bytesToB64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
const b64ToBytes = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
// The link carries the files when they are small: at most this many characters encoded.
const LINK_ASSET_CHARS = 64 * 1024;
async function assetsFragment() {
  const paths = Object.keys(state.files);
  if (!paths.length) return { value: null, tooBig: false };
  const obj = {};
  for (const p of paths) obj[p] = bytesToB64(state.files[p]);
  const value = b64url(await deflate(JSON.stringify(obj)));
  return value.length <= LINK_ASSET_CHARS ? { value, tooBig: false } : { value: null, tooBig: true, size: value.length };
}
async function filesFromFragment(value) {
  const obj = JSON.parse(await inflate(unb64url(value)));
  const out = {};
  for (const [p, b] of Object.entries(obj)) out[p] = b64ToBytes(b);
  return out;
}
api.bundle = () => call('makeBundle', { file: state.file, text: $('editor').value, files: state.files });
$('download-bundle').onclick = async () => {
  try {
    const json = await api.bundle();
    download(new TextEncoder().encode(json), `${stem()}.bundle.json`, 'application/json');
    $('export-note').textContent = `bundle: ${Object.keys(state.files).length} file(s), ${(json.length / 1024).toFixed(0)} KiB`;
  } catch (e) {
    $('export-note').textContent = e.message;
  }
};

async function attachLog(name, text) {
  state.log = text;
  state.logName = text ? name : null;
  showLog();
  return loadScene(state.file, $('editor').value, { fromEditor: true });
}
$('open-file').onchange = (e) => { openFiles(e.target.files); e.target.value = ''; };
let dragDepth = 0;
addEventListener('dragenter', (e) => { e.preventDefault(); dragDepth++; $('drop-overlay').hidden = false; });
addEventListener('dragleave', () => { if (--dragDepth <= 0) { dragDepth = 0; $('drop-overlay').hidden = true; } });
addEventListener('dragover', (e) => e.preventDefault());
addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  $('drop-overlay').hidden = true;
  if (e.dataTransfer.files.length) openFiles(e.dataTransfer.files);
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
    const c = await call('bus', { tick, bus: $('bus').value, ...busPanel() });
    state.busCost = c;
    const now = performance.now();
    state.busWindow.push([now, c.micros]);
    while (state.busWindow.length && now - state.busWindow[0][0] > 1000) state.busWindow.shift();
    const worst = Math.max(...state.busWindow.map((w) => w[1]));
    $('bus-bytes').textContent = `${c.wire_bytes} B on the wire`;
    showBusPanel(c);
    $('bus-time').textContent = c.micros >= 1000 ? `${(c.micros / 1000).toFixed(2)} ms` : `${c.micros} µs`;
    $('bus-fps').textContent = c.micros ? `${(c.max_fps_x100 / 100).toFixed(1)} fps` : 'no change: 0 B';
    $('bus-worst').textContent = worst ? `${(1e6 / worst).toFixed(1)} fps` : '—';
    const rate = state.info.tickRate;
    $('bus-fps').style.color = c.micros && c.max_fps_x100 / 100 < rate ? 'var(--warn)' : 'var(--good)';
    const what = tick === 0 ? 'a full frame at tick 0' : `the change from tick ${tick - 1} to ${tick}`;
    $('bus-note').textContent = `The Pi's flush planner: ${what} sends ${c.rects} rectangle(s) in ${c.transactions} transactions` +
      ` (${c.floor} bytes changed). The scene runs at ${rate} ticks/s.`;
  } catch (e) {
    // A panel that cannot show this scene (another size, an offset past its RAM): say why.
    state.busCost = null;
    for (const id of ['bus-model', 'bus-bytes', 'bus-tx', 'bus-time', 'bus-fps']) $(id).textContent = '—';
    $('bus-note').textContent = e.message;
  } finally {
    busBusy = false;
  }
}
$('bus').onchange = () => { state.busWindow = []; updateBus(state.tick); };

// ---- panel picker: the controllers and sizes of tinydisplay-ssd1306's table --------------------
function fillPanelModels(models) {
  state.panelModels = models;
  for (const m of models) {
    const o = new Option(m.label, m.id);
    o.title = `picture at RAM column ${m.offset} of ${m.ramCols}`;
    $('bus-panel').append(o);
  }
  for (const id of ['bus-panel', 'bus-offset']) $(id).onchange = () => { state.busWindow = []; updateBus(state.tick); };
}
// After a scene loads: keep the chosen panel if it has the scene's size (turned by rotate), else
// the first of the same controller that has it, else any that has it, else the plain SSD1306.
function pickPanelModel(info) {
  const models = state.panelModels || [];
  const turned = info.rotate === 90 || info.rotate === 270;
  const [w, h] = turned ? [info.height, info.width] : [info.width, info.height];
  const fits = (m) => m.width === w && m.height === h;
  const cur = models.find((m) => m.id === $('bus-panel').value);
  if (cur && fits(cur)) return;
  const next = (cur && models.find((m) => m.controller === cur.controller && fits(m))) || models.find(fits);
  $('bus-panel').value = next ? next.id : '';
}
function busPanel() {
  const v = $('bus-offset').value;
  // The crate checks the offset against the panel's RAM; here it only has to be a byte.
  return { panel: $('bus-panel').value, offset: v === '' ? null : Math.max(0, Math.min(255, Math.trunc(Number(v)) || 0)) };
}
function showBusPanel(c) {
  $('bus-model').textContent = c.panel;
  $('bus-tx').textContent = `${c.transactions} (${c.data_transactions} data)`;
  $('bus-tx').title = `${c.command_bytes} command + ${c.data_bytes} data bytes`;
}

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
  const bytes = await call('png', { tick: state.tick, panel: $('panel').value, scale: scale() });
  download(bytes, `${stem()}-${state.tick}.png`, 'image/png');
  $('export-note').textContent = `PNG: ${bytes.length} bytes`;
};
$('export-gif').onclick = async () => {
  const from = Number($('gif-from').value), to = Number($('gif-to').value);
  $('export-note').textContent = 'encoding GIF…';
  try {
    const bytes = await call('gif', { from, to, panel: $('panel').value, scale: Math.min(4, scale()) });
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
  if (state.log) {
    frag.set('e', b64url(await deflate(state.log)));
    frag.set('en', state.logName || 'events');
  }
  if (state.edits.length) frag.set('x', b64url(await deflate(JSON.stringify(state.edits))));
  if (state.clock !== null) frag.set('c', String(state.clock));
  const assets = await assetsFragment();
  if (assets.value) frag.set('a', assets.value);
  api.permalinkTooBig = assets.tooBig ? assets.size : 0;
  return `${location.origin}${location.pathname}${location.search}#${frag}`;
};
$('permalink').onclick = async () => {
  const url = await api.permalink();
  history.replaceState(null, '', url);
  if (api.permalinkTooBig) {
    toast(`The pictures are too big for a link (${(api.permalinkTooBig / 1024).toFixed(0)} KB encoded, at most ${LINK_ASSET_CHARS / 1024} KB): the link has the scene only. Use "Bundle" to download one file with everything.`);
    return;
  }
  try { await navigator.clipboard.writeText(url); toast('Permalink copied'); } catch { toast('Permalink is in the address bar'); }
};
async function fromPermalink() {
  if (!location.hash.includes('z=')) return false;
  const frag = new URLSearchParams(location.hash.slice(1));
  const text = await inflate(unb64url(frag.get('z')));
  const events = frag.get('e') ? await inflate(unb64url(frag.get('e'))) : null;
  const edits = frag.get('x') ? JSON.parse(await inflate(unb64url(frag.get('x')))) : [];
  const clock = frag.has('c') ? Number(frag.get('c')) : false;
  state.tick = Number(frag.get('t')) || 0;
  state.files = frag.get('a') ? await filesFromFragment(frag.get('a')) : {};
  for (const li of $('gallery').children) li.classList.remove('active');
  await loadScene(frag.get('f') || 'scene.toml', text, { events, logName: frag.get('en'), edits, clock });
  return true;
}
// A permalink pasted into an open tab: only the fragment changes, so no page load.
addEventListener('hashchange', () => fromPermalink());

// ---- the event log: attached file, hand edits, clock ---------------------------------------------
function showLog() {
  $('log-name').textContent = state.logName ? state.logName : 'none';
  $('detach-log').hidden = !state.logName;
  $('fixed-epoch').checked = state.clock === null;
  const ul = $('edits');
  ul.textContent = '';
  state.edits.forEach((e, i) => {
    const li = document.createElement('li');
    const go = document.createElement('span');
    go.textContent = `${e.tick} ${e.input}=${logValue(e.value)}`;
    go.title = 'Go to its tick';
    go.onclick = () => gotoTick(e.tick);
    const del = document.createElement('button');
    del.textContent = '×';
    del.title = 'Delete this edit';
    del.onclick = () => {
      state.edits.splice(i, 1);
      showLog();
      loadScene(state.file, $('editor').value, { fromEditor: true });
    };
    li.append(go, del);
    ul.append(li);
  });
  $('edits-empty').hidden = state.edits.length > 0;
}
$('detach-log').onclick = () => attachLog(null, null);
$('fixed-epoch').onchange = () => {
  state.clock = $('fixed-epoch').checked ? null : localSeconds();
  loadScene(state.file, $('editor').value, { fromEditor: true });
};
$('download-log').onclick = () => {
  const head = `# ${state.file}: ${state.logName ? `log ${state.logName}` : 'no log'}, ${state.edits.length} hand edit(s)` +
    `${state.clock !== null ? ', the page\'s clock at tick 0' : ''}\n`;
  download(new TextEncoder().encode(head + eventsText()), `${stem()}.events`, 'text/plain');
};

// ---- the timeline strip: keyframes, timeline starts and events ----------------------------------
let marks = [];
async function refreshMarks() {
  if (!state.info) return;
  const end = Number($('scrub').max);
  try {
    marks = await call('marks', { from: 0, to: end + 1, max: 2000 });
  } catch (e) {
    console.warn('marks', e.message);
    marks = [];
  }
  drawMarks();
}
// The strip spans the ticks up to a little after the last mark (ten seconds at least).
function stripEnd() {
  const last = marks.length ? marks[marks.length - 1].tick : 0;
  return Math.max(state.info.tickRate * 10, Math.ceil(last * 1.05) + 1);
}
function drawMarks() {
  const strip = $('strip');
  strip.textContent = '';
  if (!state.info) return;
  const end = stripEnd();
  for (const m of marks) {
    const d = document.createElement('span');
    d.className = 'mark ' + m.kind;
    d.style.left = `${(m.tick / end) * 100}%`;
    d.dataset.tick = String(m.tick);
    d.title = `tick ${m.tick}: ${m.kind}`;
    strip.append(d);
  }
  $('strip-end').textContent = `${end} ticks`;
}
// A click goes to the nearest mark within a few pixels, else to the tick under the pointer.
$('strip').addEventListener('click', (e) => {
  if (!state.info) return;
  const r = $('strip').getBoundingClientRect();
  const end = stripEnd();
  let best = null;
  for (const m of marks) {
    const dx = Math.abs(r.left + (m.tick / end) * r.width - e.clientX);
    if (dx <= 6 && (!best || dx < best.dx)) best = { dx, tick: m.tick };
  }
  const tick = best ? best.tick : Math.round(((e.clientX - r.left) / r.width) * end);
  setPlaying(false);
  gotoTick(tick);
});

$('editor-toggle').onclick = () => {
  const box = $('editor-body');
  box.hidden = !box.hidden;
  $('editor-toggle').textContent = box.hidden ? 'show' : 'hide';
};

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
  // `cargo xtask serve` serves the page before the threads build exists; a static host has no
  // /build-status (its answer is not JSON), and then both builds are there.
  const threadsStatus = state.threads ? await buildStatus() : 'ready';
  if (threadsStatus !== 'ready') state.threads = false;
  const wanted = Number(params.get('workers')) || Math.max(2, Math.min(navigator.hardwareConcurrency || 2, 8));
  await workerUp;
  const init = await call('init', { threads: state.threads, workers: wanted });
  PANEL = init.palettes;
  api.palettes = PANEL;
  fillPanelModels(init.panelModels);
  state.workers = init.workers;
  const badge = $('build-badge');
  if (state.threads) {
    badge.textContent = `threads build · ${init.workers} Web Workers`;
  } else if (threadsStatus === 'building') {
    badge.textContent = 'single-thread build: the threads build is coming…';
    badge.classList.add('single');
    waitForThreads();
  } else if (threadsStatus === 'failed') {
    badge.textContent = 'single-thread build: the threads build failed (see the server\'s output)';
    badge.classList.add('single');
  } else {
    badge.textContent = self.crossOriginIsolated ? 'single-thread build (forced by ?build=st)'
      : 'single-thread build: this page is not cross-origin isolated';
    badge.classList.add('single');
    badge.title = 'Serve with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (cargo xtask serve does) for the Web Worker pool.';
  }
  const list = await loadGallery();
  if (!(await fromPermalink())) await openExample(params.get('scene') || (list.includes('dashboard.toml') ? 'dashboard.toml' : list[0]));
  showLog();
  api.build = init;
  api.firstFrameMs = state.firstFrameMs;
}

async function buildStatus() {
  try {
    const r = await fetch('build-status', { cache: 'no-store' });
    return r.ok ? (await r.json()).threads || 'ready' : 'ready';
  } catch {
    return 'ready';
  }
}
// Reloads onto the threads build when the server says it is ready, keeping scene and tick.
async function waitForThreads() {
  for (;;) {
    await new Promise((r) => setTimeout(r, 2000));
    const st = await buildStatus();
    if (st === 'failed') { $('build-badge').textContent = 'single-thread build: the threads build failed'; return; }
    if (st === 'ready') {
      history.replaceState(null, '', await api.permalink());
      location.reload();
      return;
    }
  }
}

// Test and automation hooks (used by web/tests/*.mjs).
Object.assign(api, {
  call,
  state,
  goto: gotoTick,
  loadScene,
  openExample,
  openFiles,
  scale,
  eventsText,
  draw,
  updateBus,
  play: () => setPlaying(true),
  pause: () => setPlaying(false),
});
api.ready = start().catch((e) => {
  console.error('start failed:', e);
  $('build-badge').textContent = 'failed to start: ' + e.message;
  throw e;
});
