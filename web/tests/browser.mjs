// The simulator in a real browser (Debian's Chromium via playwright-core).
// Run by `cargo xtask web --test` / `cargo xtask test`, which serve the site and pass:
//   TD_URL        the served page
//   TD_EXPECTED   JSON { "scene.toml": { "TICK": "HASH", ... } } from the native `tinydisplay hash`
//   TD_ARTIFACTS  where screenshots, exports and measurements.json go
//   TD_CLI        the native `tinydisplay` binary, TD_SCENES the example scenes: the page's PNG and
//                 GIF downloads must be byte-identical to `tinydisplay render` of the same request
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, openSimulator } from './chromium.mjs';
import { benchThroughput, perFrameUs } from './measure.mjs';

const URL_ = process.env.TD_URL || 'http://127.0.0.1:8000/';
const expected = JSON.parse(readFileSync(process.env.TD_EXPECTED, 'utf8'));
const out = process.env.TD_ARTIFACTS || 'target/web-artifacts';
mkdirSync(out, { recursive: true });

const results = [];
const measurements = {};
// `tinydisplay render` of the request the page just exported, as bytes.
function cliRender(scene, ticks, panel, scale, file) {
  execFileSync(process.env.TD_CLI, [
    'render', join(process.env.TD_SCENES, scene), '--ticks', ticks,
    '--panel', panel, '--scale', String(scale), '--out', file, '--force',
  ]);
  return readFileSync(file);
}

async function check(name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    results.push([true, name, note || '']);
    console.log(`ok   ${name}${note ? `  (${note})` : ''}  [${Date.now() - t0} ms]`);
  } catch (e) {
    results.push([false, name, e.message]);
    console.log(`FAIL ${name}: ${e.message}`);
  }
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// Sets a tick through the UI's tick box and waits for the shown hash of that tick.
async function showTick(page, tick) {
  const t0 = await page.evaluate((t) => {
    const input = document.getElementById('tick-input');
    input.value = String(t);
    const start = performance.now();
    input.dispatchEvent(new Event('change'));
    return start;
  }, tick);
  await page.waitForFunction((t) => document.getElementById('hash').dataset.tick === String(t), tick);
  const { hash, ms } = await page.evaluate((start) => ({
    hash: document.getElementById('hash').textContent,
    ms: performance.now() - start,
  }), t0);
  return { hash, ms };
}

// Compares the canvas with the frame bytes: a cell is lit on the canvas iff its bit is set and
// the panel is awake. Lit is brighter than dark (0) and the grid gap (24 per channel) at any
// contrast: the dimmest lit colour, blue at contrast 0, sums to 125.
async function canvasMatchesFrame(page) {
  return page.evaluate(() => {
    const td = window.tinydisplay;
    const { width: w, height: h } = td.state.info;
    const bytes = td.state.frame.bytes;
    const on = td.state.frame.on !== false;
    const c = document.getElementById('oled');
    const s = c.width / w;
    const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let bad = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = (Math.floor(y * s + s / 2 - 0.5) * c.width + Math.floor(x * s + s / 2 - 0.5)) * 4;
        const lit = img[i] + img[i + 1] + img[i + 2] > 100;
        const bit = (bytes[(y >> 3) * w + x] >> (y & 7)) & 1;
        if (lit !== (on && bit === 1)) bad++;
      }
    }
    return bad;
  });
}


// A scene of `w` x `h` with a frame and a line of text, written here (no example has these sizes).
const sizedScene = (w, h) => `display = { width = ${w}, height = ${h}, tick_rate = 30 }\n` +
  `[[widgets]]\nkind = "rect"\nw = ${w}\nh = ${h}\n[[widgets]]\nkind = "text"\nx = 2\ny = 2\ntext = "${w}x${h}"\n`;

// Main boxes that must not overlap, and every visible control must be the element at its centre.
async function layoutProblems(page) {
  return page.evaluate(() => {
    const bad = [];
    const boxes = ['header', '#gallery-pane', '#side', '.bezel', '.readout', '.transport', '.strip-row', '.display-opts', '.editor-box']
      .map((sel) => [sel, document.querySelector(sel).getBoundingClientRect()]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, ra] = boxes[i], [b, rb] = boxes[j];
        const ox = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const oy = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (ox > 0.5 && oy > 0.5) bad.push(`${a} overlaps ${b}`);
      }
    }
    const c = document.getElementById('oled').getBoundingClientRect();
    const center = document.getElementById('center').getBoundingClientRect();
    if (c.left < center.left - 0.5 || c.right > center.right + 0.5) bad.push(`canvas ${c.left}..${c.right} outside the centre column ${center.left}..${center.right}`);
    if (document.documentElement.scrollWidth > innerWidth + 1) bad.push(`page scrolls sideways (${document.documentElement.scrollWidth} > ${innerWidth})`);
    const controls = [...document.querySelectorAll('button, select, input, textarea, label.button, canvas')]
      .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden' && !el.closest('#toast, #drop-overlay'));
    for (const el of controls) {
      el.scrollIntoView({ block: 'center', inline: 'center' });
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (!hit || !(hit === el || el.contains(hit) || (el.labels && [...el.labels].some((l) => l.contains(hit))))) {
        bad.push(`${el.id || el.tagName.toLowerCase()}: covered by ${hit ? hit.id || hit.className || hit.tagName : 'nothing'}`);
      }
    }
    scrollTo(0, 0);
    return bad;
  });
}

// Puts `text` in the editor and returns the error's line and column, the gutter's marked line
// and the caret after a click on the error message.
async function editorError(page, text) {
  const before = await page.evaluate(() => document.getElementById('error').hidden ? '' : document.getElementById('error').textContent);
  await page.fill('#editor', text);
  await page.waitForFunction((prev) => {
    const e = document.getElementById('error');
    return !e.hidden && e.textContent !== prev && e.dataset.line !== '0';
  }, before);
  await page.click('#error');
  return page.evaluate(() => {
    const ed = document.getElementById('editor');
    const e = document.getElementById('error');
    const marked = [...document.querySelectorAll('#gutter div.bad')].map((d) => d.textContent);
    return { msg: e.textContent, line: Number(e.dataset.line), col: Number(e.dataset.col), marked, caret: ed.selectionStart, focused: document.activeElement === ed };
  });
}
const offsetOf = (text, line, col) => text.split('\n').slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + col - 1;

// Replaces the whole editor text as a paste does (select all, paste).
async function pasteScene(page, text) {
  await page.evaluate((t) => {
    const ed = document.getElementById('editor');
    ed.focus();
    ed.setSelectionRange(0, ed.value.length);
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    ed.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, text);
}

const context = await launch();
try {
  const loadStart = Date.now();
  const { page, errors } = await openSimulator(context, URL_);
  measurements.page_load_to_first_frame_ms = await page.evaluate(() => window.tinydisplay.firstFrameMs);
  measurements.wall_load_to_first_frame_ms = Date.now() - loadStart;

  await check('page is cross-origin isolated and uses the threads build', async () => {
    const iso = await page.evaluate(() => self.crossOriginIsolated);
    const build = await page.evaluate(() => window.tinydisplay.build);
    assert(iso === true, `crossOriginIsolated = ${iso}`);
    assert(build.build === 'threads', `build = ${build.build}`);
    return `${build.workers} workers, first frame after ${measurements.page_load_to_first_frame_ms.toFixed(0)} ms`;
  });

  await check('more than one worker renders frames', async () => {
    let best = null;
    for (let i = 0; i < 6; i++) {
      const st = await page.evaluate((from) => window.tinydisplay.call('precompute', { from, count: 480 }), 50_000 + i * 1000);
      best = st;
      if (st.workers_used >= 2) break;
    }
    assert(best.workers >= 2, `pool has ${best.workers} workers`);
    assert(best.workers_used >= 2, `only ${best.workers_used} worker(s) rendered in a 480-frame batch`);
    return `${best.workers_used}/${best.workers} workers busy, utilization ${(best.utilization * 100).toFixed(0)} %`;
  });

  await page.screenshot({ path: join(out, '01-loaded.png'), fullPage: true });

  await check('it plays', async () => {
    const before = Number(await page.textContent('#tick'));
    await page.click('#play');
    await page.waitForTimeout(1500);
    const mid = Number(await page.textContent('#tick'));
    await page.waitForTimeout(500);
    const after = Number(await page.textContent('#tick'));
    await page.screenshot({ path: join(out, '02-playing.png'), fullPage: true });
    await page.click('#play');
    assert(mid > before && after > mid, `ticks ${before} -> ${mid} -> ${after}`);
    const st = await page.evaluate(() => window.tinydisplay.call('stats'));
    return `advanced ${after - before} ticks in 2 s; hit rate ${(st.hit_rate * 100).toFixed(0)} %, lookahead ${st.lookahead}`;
  });

  for (const [scene, hashes] of Object.entries(expected)) {
    await check(`${scene}: shown hashes equal native tinydisplay hash`, async () => {
      const r = await page.evaluate((f) => window.tinydisplay.openExample(f), scene);
      assert(r.ok, `scene does not load: ${r.error && r.error.message}`);
      const bad = [];
      for (const [tick, want] of Object.entries(hashes)) {
        const { hash, ms } = await showTick(page, Number(tick));
        if (hash !== want) bad.push(`tick ${tick}: shown ${hash}, native ${want}`);
        if (Number(tick) === 1_000_000) {
          measurements[`goto_1e6_ms_${scene}`] = ms;
          const wrong = await canvasMatchesFrame(page);
          if (wrong) bad.push(`tick 1e6: ${wrong} canvas cells differ from the frame`);
        }
      }
      assert(bad.length === 0, bad.join('; '));
      return `${Object.keys(hashes).length} ticks; jump to 10^6 took ${measurements[`goto_1e6_ms_${scene}`]?.toFixed(1)} ms`;
    });
  }
  await page.screenshot({ path: join(out, '03-tick-1e6.png'), fullPage: true });

  await check('scrubber jumps to tick 10^6 and shows that frame', async () => {
    const start = await page.evaluate(() => {
      const s = document.getElementById('scrub');
      s.max = '2000000';
      s.value = '1000000';
      const t = performance.now();
      s.dispatchEvent(new Event('input'));
      return t;
    });
    await page.waitForFunction(() => document.getElementById('hash').dataset.tick === '1000000');
    const ms = await page.evaluate((t) => performance.now() - t, start);
    measurements.scrub_to_1e6_ms = ms;
    const wrong = await canvasMatchesFrame(page);
    assert(wrong === 0, `${wrong} canvas cells differ from the frame bytes`);
    return `${ms.toFixed(1)} ms from input to drawn frame`;
  });

  await check('input fields show the values in force at the tick, clamped as the engine reads them', async () => {
    const r = await page.evaluate(() => window.tinydisplay.openExample('status32.toml'));
    assert(r.ok, `status32 does not load: ${r.error && r.error.message}`);
    await showTick(page, 5);
    const field = (name) => page.inputValue(`#inputs input[data-input="${name}"]`);
    // The log sets batt=87 at tick 0 (the declared default is 100).
    await page.waitForFunction(() => document.querySelector('#inputs input[data-input="batt"]').value === '87');
    // An edit beyond max (batt is 0..=100) is shown clamped, as the frame uses it.
    await page.fill('#inputs input[data-input="batt"]', '150');
    await page.evaluate(() => {
      const f = document.querySelector('#inputs input[data-input="batt"]');
      f.blur();
      f.nextElementSibling.click();
    });
    await page.waitForFunction(() => document.querySelector('#inputs input[data-input="batt"]').value === '100');
    const now = await field('batt');
    // The edit is an event in the list, in the permalink and in the downloaded log.
    const listed = await page.textContent('#edits');
    assert(listed.includes('5 batt=150'), `edits list: ${listed}`);
    const hash = await page.textContent('#hash');
    const link = await page.evaluate(() => window.tinydisplay.permalink());
    const other = await openSimulator(context, link);
    await showTick(other.page, 5);
    const hash2 = await other.page.textContent('#hash');
    const batt2 = await other.page.inputValue('#inputs input[data-input="batt"]');
    await other.page.close();
    assert(hash2 === hash && batt2 === '100', `permalink: hash ${hash2} (want ${hash}), batt ${batt2}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-log')]);
    const file = join(out, 'status32.events');
    await download.saveAs(file);
    const log = readFileSync(file, 'utf8');
    assert(log.includes('0 wifi=1') && /^5 batt=150$/m.test(log), `downloaded log lacks the log or the edit:\n${log}`);
    // Deleting the edit brings the log's value back.
    await page.click('#edits li button');
    await page.waitForFunction(() => document.querySelector('#inputs input[data-input="batt"]').value === '87');
    return `batt: log 87 at tick 5, 150 pushed -> shown ${now}; permalink and log carry it; deleted -> 87`;
  });

  await check('a broken scene shows its line and column and keeps the last good frame', async () => {
    await page.evaluate(() => window.tinydisplay.openExample('dashboard.toml'));
    await showTick(page, 123);
    const goodHash = await page.textContent('#hash');
    const goodPixels = await page.evaluate(() => document.getElementById('oled').toDataURL());
    const text = await page.inputValue('#editor');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('[[widgets]]'));
    lines.splice(at + 1, 0, 'x = = 3');
    await page.fill('#editor', lines.join('\n'));
    await page.waitForSelector('#error:not([hidden])');
    const msg = await page.textContent('#error');
    await page.screenshot({ path: join(out, '04-error.png'), fullPage: true });
    assert(msg.includes(`line ${at + 2}`), `error "${msg}" does not name line ${at + 2}`);
    assert(/column \d+/.test(msg), `error "${msg}" has no column`);
    assert((await page.textContent('#hash')) === goodHash, 'the shown hash changed');
    const pixels = await page.evaluate(() => document.getElementById('oled').toDataURL());
    assert(pixels === goodPixels, 'the canvas changed');
    await page.fill('#editor', text);
    await page.waitForSelector('#error', { state: 'hidden' });
    return msg.trim();
  });


  await check('a glyph the font lacks: a warning with its line and column, the scene still plays', async () => {
    const scene = 'display = { width = 128, height = 64 }\n[[widgets]]\nkind = "text"\nfont = "6x10"\ntext = "21°C → ok"\n';
    await page.fill('#editor', scene);
    await page.waitForFunction(() => /warning/.test(document.getElementById('error').textContent)
      && !document.getElementById('error').hidden);
    const msg = await page.textContent('#error');
    assert(msg.includes('line 5'), `warning "${msg}" does not name line 5`);
    assert(msg.includes("'→'"), `warning "${msg}" does not name the missing arrow`);
    const status = await page.textContent('#editor-status');
    assert(/ok, 1 warning/.test(status), `status "${status}"`);
    await page.fill('#editor', scene.replace('"6x10"', '"uni_12"'));
    await page.waitForSelector('#error', { state: 'hidden' });
    return msg.trim();
  });

  await check('layout: the panel fits, nothing overlaps, every control is clickable (1280x720 and a 390 px phone)', async () => {
    const notes = [];
    const scenes = [['big.toml', sizedScene(256, 256)], ['mid.toml', sizedScene(128, 64)], ['small.toml', sizedScene(72, 40)]];
    for (const [w, h] of [[1280, 720], [390, 844]]) {
      await page.setViewportSize({ width: w, height: h });
      for (const [file, text] of scenes) {
        const r = await page.evaluate(([f, t]) => window.tinydisplay.loadScene(f, t), [file, text]);
        assert(r.ok, `${file} does not load: ${r.error && r.error.message}`);
        await page.waitForFunction((size) => {
          const td = window.tinydisplay;
          return document.getElementById('oled').width === size * td.scale();
        }, Number(file === 'big.toml' ? 256 : file === 'mid.toml' ? 128 : 72));
        const s = await page.evaluate(() => window.tinydisplay.scale());
        assert(Number.isInteger(s) && s >= 1, `scale ${s}`);
        const bad = await layoutProblems(page);
        assert(bad.length === 0, `${w}x${h}, ${file} at ${s}x: ${bad.join('; ')}`);
        notes.push(`${w}x${h} ${file.replace('.toml', '')} ${s}x`);
      }
      await page.screenshot({ path: join(out, `07-layout-${w}x${h}.png`), fullPage: true });
    }
    // On the phone the editor collapses, and nothing overlaps without it either.
    await page.click('#editor-toggle');
    assert(await page.isHidden('#editor'), 'the editor did not collapse');
    const bad = await layoutProblems(page);
    await page.click('#editor-toggle');
    assert(await page.isVisible('#editor'), 'the editor did not expand');
    assert(bad.length === 0, `collapsed editor: ${bad.join('; ')}`);
    await page.setViewportSize({ width: 1400, height: 1000 });
    return notes.join(', ');
  });

  await check('scene errors mark their line in the gutter; a click puts the caret at line and column', async () => {
    const notes = [];
    const cases = [
      ['syntax', 'display = { width = 32, height = 16 }\n\n[[widgets]]\nkind = "rect"\nw = = 4\n'],
      ['unknown field', 'display = { width = 32, height = 16 }\n\n[[widgets]]\nkind = "rect"\nw = 4\ncolour = 3\n'],
      ['key order', 'display = { width = 32, height = 16 }\n\n[[widgets]]\nkind = "rect"\nw = 4\nh = 4\nanimate = [{ prop = "x", keys = [{ t = 10, v = 0 }, { t = 5, v = 20 }] }]\n'],
      ['unknown id', 'display = { width = 32, height = 16 }\n\n[timelines.intro]\nmode = "sequence"\nitems = ["nope"]\n'],
      ['limit', 'name = "big"\ndisplay = { width = 300, height = 16 }\n'],
    ];
    for (const [kind, text] of cases) {
      const r = await editorError(page, text);
      assert(r.line >= 1 && r.col >= 1, `${kind}: no line/column in "${r.msg}"`);
      assert(r.marked.length === 1 && r.marked[0] === String(r.line), `${kind}: gutter marks ${r.marked}, error line ${r.line}`);
      assert(r.focused && r.caret === offsetOf(text, r.line, r.col), `${kind}: caret at ${r.caret}, want line ${r.line} column ${r.col} = ${offsetOf(text, r.line, r.col)}`);
      notes.push(`${kind} ${r.line}:${r.col}`);
    }
    // The expected places: the second `=` of line 5, `colour` on line 6, the second key's t,
    // the unknown item, the width.
    assert(notes[0].startsWith('syntax 5:') && notes[1].startsWith('unknown field 6:') && notes[2].startsWith('key order 7:')
      && notes[3].startsWith('unknown id 5:') && notes[4].startsWith('limit 2:'), notes.join(', '));
    return notes.join(', ');
  });

  await check('pasting a JSON scene over a TOML one: detected, loaded, named .json; a new scene has no log', async () => {
    const scenes = process.env.TD_SCENES;
    // Music and its log, opened together.
    await page.setInputFiles('#open-file', [
      { name: 'music.toml', mimeType: 'text/plain', buffer: readFileSync(join(scenes, 'music.toml')) },
      { name: 'music.events', mimeType: 'text/plain', buffer: readFileSync(join(scenes, 'music.events')) },
    ]);
    await page.waitForFunction(() => document.getElementById('log-name').textContent === 'music.events'
      && window.tinydisplay.state.file === 'music.toml' && document.getElementById('error').hidden);
    const json = readFileSync(join(scenes, 'clock_json.json'), 'utf8');
    await pasteScene(page, json);
    await page.waitForFunction(() => window.tinydisplay.state.file.endsWith('.json') && window.tinydisplay.state.info.name !== 'Music player');
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => ({
      name: document.getElementById('file-name').textContent,
      log: document.getElementById('log-name').textContent,
      error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
    }));
    assert(r.error === '', `error after the paste: ${r.error}`);
    assert(r.name === 'music.json', `file name ${r.name}`);
    assert(r.log === 'none', `log ${r.log} still attached`);
    return `${r.name}, log ${r.log}`;
  });

  await check('a log attaches to the open scene (hashes equal the CLI with it) and detaches', async () => {
    const scenes = process.env.TD_SCENES;
    await pasteScene(page, readFileSync(join(scenes, 'status32.toml'), 'utf8'));
    await page.waitForFunction(() => window.tinydisplay.state.info.height === 32);
    // The CLI's hashes are of the fixed epoch.
    if (!(await page.isChecked('#fixed-epoch'))) await page.click('#fixed-epoch');
    await page.setInputFiles('#open-file', [
      { name: 'status32.events', mimeType: 'text/plain', buffer: readFileSync(join(scenes, 'status32.events')) },
    ]);
    await page.waitForFunction(() => document.getElementById('log-name').textContent === 'status32.events');
    const { hash } = await showTick(page, 600);
    assert(hash === expected['status32.toml']['600'], `with the log, tick 600: ${hash}, CLI ${expected['status32.toml']['600']}`);
    await page.click('#detach-log');
    await page.waitForFunction(() => document.getElementById('log-name').textContent === 'none');
    const left = await page.evaluate(() => window.tinydisplay.eventsText());
    assert(left === '', `events after detach: ${JSON.stringify(left)}`);
    const field = await page.evaluate(() => document.querySelector('#inputs input[data-input="batt"]').value);
    await page.waitForFunction(() => document.querySelector('#inputs input[data-input="batt"]').value === '100');
    return `attached: tick 600 = ${hash}; detached: batt ${field} -> default`;
  });

  await check('a bundle and a scene with its picture files open, with the CLI\'s hashes; the permalink carries the pictures', async () => {
    const scenes = process.env.TD_SCENES;
    const want = expected['logo.toml'];
    const tick = Object.keys(want).map(Number).filter((t) => t > 1)[0];
    if (!(await page.isChecked('#fixed-epoch'))) await page.click('#fixed-epoch');
    const bundle = join(out, 'logo.bundle.json');
    execFileSync(process.env.TD_CLI, ['bundle', join(scenes, 'logo.toml'), '-o', bundle]);
    await page.setInputFiles('#open-file', [
      { name: 'logo.bundle.json', mimeType: 'application/json', buffer: readFileSync(bundle) },
    ]);
    await page.waitForFunction(() => document.getElementById('file-name').textContent === 'logo.toml');
    const fromBundle = (await showTick(page, tick)).hash;
    assert(fromBundle === want[tick], `bundle, tick ${tick}: ${fromBundle}, CLI ${want[tick]}`);
    // The same picture opened as a file beside the scene (matched by its name).
    await pasteScene(page, 'display = { width = 8, height = 8 }\n');
    await page.setInputFiles('#open-file', [
      { name: 'logo.toml', mimeType: 'text/plain', buffer: readFileSync(join(scenes, 'logo.toml')) },
      { name: 'logo.png', mimeType: 'image/png', buffer: readFileSync(join(scenes, 'assets/logo.png')) },
    ]);
    await page.waitForFunction(() => window.tinydisplay.state.info.height === 64 && document.getElementById('file-name').textContent === 'logo.toml');
    const fromFiles = (await showTick(page, tick)).hash;
    assert(fromFiles === want[tick], `scene + files, tick ${tick}: ${fromFiles}, CLI ${want[tick]}`);
    const link = await page.evaluate(() => window.tinydisplay.permalink());
    assert(link.includes('a='), 'the permalink has no pictures');
    const other = await openSimulator(context, link);
    await other.page.waitForFunction((t) => document.getElementById('hash').dataset.tick === String(t), tick);
    const viaLink = await other.page.textContent('#hash');
    await other.page.close();
    assert(viaLink === want[tick], `permalink, tick ${tick}: ${viaLink}, CLI ${want[tick]}`);
    return `tick ${tick} = ${want[tick]} from a bundle, from scene + picture and from a ${link.length}-character link`;
  });

  await check('the clock: the live local time at tick 0 unless "fixed epoch" is on', async () => {
    const scene = 'display = { width = 64, height = 16 }\n[[widgets]]\nkind = "text"\ntext = "{time:%H:%M:%S}"\n';
    await pasteScene(page, scene);
    await page.waitForFunction(() => window.tinydisplay.state.info.width === 64);
    const live = await page.evaluate(() => ({ text: window.tinydisplay.eventsText(), fixed: document.getElementById('fixed-epoch').checked, want: Math.floor(Date.now() / 1000) - new Date().getTimezoneOffset() * 60 }));
    assert(!live.fixed, 'a pasted scene starts with the fixed epoch');
    const m = /^0 clock=(-?\d+)\n$/.exec(live.text);
    assert(m && Math.abs(Number(m[1]) - live.want) < 600, `events ${JSON.stringify(live.text)}, local now ${live.want}`);
    const { hash: liveHash } = await showTick(page, 0);
    await page.click('#fixed-epoch');
    await page.waitForFunction(() => window.tinydisplay.eventsText() === '');
    await page.waitForFunction((h) => document.getElementById('hash').textContent !== h, liveHash);
    const { hash: epochHash } = await showTick(page, 0);
    // 00:00:00 on the fixed epoch: the hash `tinydisplay hash` gives without events.
    const file = join(out, 'time-of-day.toml');
    writeFileSync(file, scene);
    const cli = execFileSync(process.env.TD_CLI, ['hash', file, '--ticks', '0..1']).toString().trim().split(/\s+/).pop();
    assert(epochHash === cli, `fixed epoch ${epochHash}, CLI ${cli}`);
    return `live clock=${m[1]} ${liveHash}; fixed epoch ${epochHash} = CLI`;
  });

  await check('the timeline strip marks keyframes, timelines and events; a click goes to the tick', async () => {
    const r = await page.evaluate(() => window.tinydisplay.openExample('status32.toml'));
    assert(r.ok, 'status32 does not load');
    await page.waitForFunction(() => document.querySelectorAll('#strip .mark.event').length > 0);
    const kinds = await page.evaluate(() => [...new Set([...document.querySelectorAll('#strip .mark')].map((m) => m.className))]);
    const target = await page.evaluate(() => {
      const m = [...document.querySelectorAll('#strip .mark.event')].find((x) => Number(x.dataset.tick) > 0);
      const r = m.getBoundingClientRect();
      return { tick: Number(m.dataset.tick), x: r.left + r.width / 2, y: r.top + r.height / 2 };
    });
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction((t) => document.getElementById('hash').dataset.tick === String(t), target.tick);
    // The export checks below compare with `tinydisplay render` of the example without its log.
    await page.evaluate(() => window.tinydisplay.openExample('dashboard.toml'));
    return `kinds ${kinds.join(', ')}; clicked the event at tick ${target.tick}`;
  });

  await check('PNG export decodes to the frame', async () => {
    await showTick(page, 321);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-png')]);
    const file = join(out, 'export.png');
    await download.saveAs(file);
    const bytes = [...readFileSync(file)];
    const bad = await page.evaluate(async (arr) => {
      const td = window.tinydisplay;
      const { width: w, height: h } = td.state.info;
      const frame = td.state.frame.bytes;
      const bmp = await createImageBitmap(new Blob([new Uint8Array(arr)], { type: 'image/png' }));
      const s = bmp.width / w;
      if (bmp.height !== h * s || !Number.isInteger(s)) return `size ${bmp.width}x${bmp.height}`;
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const g = c.getContext('2d');
      g.drawImage(bmp, 0, 0);
      const img = g.getImageData(0, 0, bmp.width, bmp.height).data;
      let wrong = 0;
      for (let y = 0; y < bmp.height; y++) {
        for (let x = 0; x < bmp.width; x++) {
          const i = (y * bmp.width + x) * 4;
          const lit = img[i] + img[i + 1] + img[i + 2] > 0;
          const px = Math.floor(x / s), py = Math.floor(y / s);
          if (lit !== ((frame[(py >> 3) * w + px] >> (py & 7)) & 1) > 0) wrong++;
        }
      }
      return wrong ? `${wrong} pixels differ` : '';
    }, bytes);
    assert(bad === '', bad);
    const req = await page.evaluate(() => ({
      file: window.tinydisplay.state.file,
      panel: document.getElementById('panel').value,
      scale: window.tinydisplay.scale(),
    }));
    const cli = cliRender(req.file, '321', req.panel, req.scale, join(out, 'export-cli.png'));
    assert(Buffer.compare(cli, readFileSync(file)) === 0,
      `the page's PNG (${bytes.length} B) differs from tinydisplay render's (${cli.length} B)`);
    return `${bytes.length} bytes, byte-identical to tinydisplay render (${req.file}, ${req.panel}, x${req.scale})`;
  });

  await check('GIF export of a tick range', async () => {
    await page.fill('#gif-from', '0');
    await page.fill('#gif-to', '120');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-gif')]);
    const file = join(out, 'export.gif');
    await download.saveAs(file);
    const bytes = readFileSync(file);
    assert(bytes.subarray(0, 6).toString() === 'GIF89a', 'not a GIF89a file');
    const frames = await page.evaluate(async (arr) => {
      if (!('ImageDecoder' in self)) return -1;
      const d = new ImageDecoder({ data: new Uint8Array(arr), type: 'image/gif' });
      await d.tracks.ready;
      return d.tracks.selectedTrack.frameCount;
    }, [...bytes]);
    assert(frames !== 0, 'GIF has no frames');
    const req = await page.evaluate(() => ({
      file: window.tinydisplay.state.file,
      panel: document.getElementById('panel').value,
      scale: Math.min(4, window.tinydisplay.scale()),
    }));
    const cli = cliRender(req.file, '0..120', req.panel, req.scale, join(out, 'export-cli.gif'));
    assert(Buffer.compare(cli, bytes) === 0,
      `the page's GIF (${bytes.length} B) differs from tinydisplay render's (${cli.length} B)`);
    return `${bytes.length} bytes, ${frames} frames, byte-identical to tinydisplay render`;
  });

  await check('permalink reopens the same scene and tick', async () => {
    const link = await page.evaluate(() => window.tinydisplay.permalink());
    const text = await page.inputValue('#editor');
    const hash = await page.textContent('#hash');
    const other = await openSimulator(context, link);
    const text2 = await other.page.inputValue('#editor');
    const hash2 = await other.page.textContent('#hash');
    await other.page.close();
    assert(text2 === text, 'editor text differs');
    assert(hash2 === hash, `hash ${hash2} != ${hash}`);
    // In an open tab, a new fragment loads its scene.
    const tab = await openSimulator(context, URL_ + '?scene=tiny96.toml');
    await tab.page.evaluate((l) => { location.hash = new URL(l).hash; }, link);
    await tab.page.waitForFunction((t) => document.getElementById('editor').value === t, text);
    await tab.page.waitForFunction((h) => document.getElementById('hash').textContent === h, hash);
    await tab.page.close();
    assert(tab.errors.length === 0, tab.errors.join(' | '));
    return `${link.length} characters; an open tab follows a new fragment`;
  });

  await check('without COOP/COEP the page falls back to the single-thread build and says so', async () => {
    const plain = await openSimulator(context, URL_ + 'plain/?scene=dashboard.toml');
    const iso = await plain.page.evaluate(() => self.crossOriginIsolated);
    const build = await plain.page.evaluate(() => window.tinydisplay.build);
    const badge = await plain.page.textContent('#build-badge');
    const { hash } = await showTick(plain.page, 600);
    await plain.page.screenshot({ path: join(out, '06-single-thread.png'), fullPage: true });
    await plain.page.close();
    assert(iso === false, 'page is isolated');
    assert(build.build === 'single-thread', `build ${build.build}`);
    assert(/not cross-origin isolated/.test(badge), `badge "${badge}"`);
    assert(hash === expected['dashboard.toml']['600'], `tick 600: ${hash}`);
    assert(plain.errors.length === 0, plain.errors.join(' | '));
    return badge;
  });

  await check('no console errors', async () => {
    assert(errors.length === 0, errors.join(' | '));
  });

  await check('bus preview shows bytes and fps', async () => {
    await page.selectOption('#bus', 'i2c-100k');
    await showTick(page, 0);
    await page.waitForFunction(() => /B/.test(document.getElementById('bus-bytes').textContent));
    const full = await page.textContent('#bus-fps');
    await page.screenshot({ path: join(out, '05-bus.png'), fullPage: true });
    return `I2C 100 kHz, full frame: ${await page.textContent('#bus-bytes')}, ${full}`;
  });

  // The bus preview plans for the picked panel: the SH1106's full frame is a page seek and a data
  // transaction per page (no horizontal mode) into its 132-column RAM at column 2.
  await check('panel picker: SH1106 bus preview shows its page-mode bytes, SSD1306 one transaction', async () => {
    const r = await page.evaluate(() => window.tinydisplay.openExample('dashboard.toml'));
    assert(r.ok, `dashboard does not load: ${r.error && r.error.message}`);
    const ids = await page.$$eval('#bus-panel option', (os) => os.map((o) => o.value));
    for (const id of ['ssd1306-128x64', 'ssd1306-128x32', 'ssd1306-96x16', 'ssd1306-72x40', 'ssd1306-64x48', 'ssd1306-64x32', 'sh1106-128x64', 'ssd1309-128x64']) {
      assert(ids.includes(id), `the picker has no ${id}: ${ids.join(', ')}`);
    }
    await page.selectOption('#bus', 'i2c-400k');
    await showTick(page, 0);
    // Re-asks until the preview answers for `id` (a request in flight when the choice changed
    // is skipped by the page).
    const costFor = async (id) => {
      await page.selectOption('#bus-panel', id);
      for (let i = 0; i < 50; i++) {
        const c = await page.evaluate(async () => {
          const td = window.tinydisplay;
          await td.updateBus(td.state.tick);
          return td.state.busCost;
        });
        if (c && c.panel && c.controller === id.split('-')[0] && c.data_bytes === 1024) return c;
        await page.waitForTimeout(50);
      }
      throw new Error(`no bus preview for ${id}`);
    };
    const sh = await costFor('sh1106-128x64');
    assert(sh.data_transactions === 8 && sh.offset === 2, `SH1106: ${JSON.stringify(sh)}`);
    assert(/SH1106/.test(await page.textContent('#bus-model')), 'the panel row names the SH1106');
    assert(/8 data/.test(await page.textContent('#bus-tx')), `transactions row: ${await page.textContent('#bus-tx')}`);
    await page.screenshot({ path: join(out, '05-bus-sh1106.png'), fullPage: true });
    const ssd = await costFor('ssd1306-128x64');
    assert(ssd.data_transactions === 1 && ssd.offset === 0, `SSD1306: ${JSON.stringify(ssd)}`);
    assert(sh.command_bytes > ssd.command_bytes, `SH1106 ${sh.command_bytes} command bytes vs SSD1306 ${ssd.command_bytes}`);
    // A panel of another size than the scene's is refused, with the reason shown.
    await page.selectOption('#bus-panel', 'ssd1306-64x48');
    await page.waitForFunction(() => /64x48/.test(document.getElementById('bus-note').textContent));
    await page.selectOption('#bus-panel', 'ssd1306-128x64');
    return `dashboard tick 0 on I2C 400 kHz: SH1106 ${sh.wire_bytes} B in ${sh.transactions} transactions (${sh.data_transactions} data), SSD1306 ${ssd.wire_bytes} B in ${ssd.transactions} (${ssd.data_transactions} data)`;
  });

  // OLED care on the canvas: the oledcare scene fades in from contrast 40 (tick 0) to 200
  // (tick 40) and sleeps from 00:03 to 00:04 (ticks 360..480 with the fixed epoch).
  await check('oledcare: the canvas shows the contrast as brightness and the sleep as dark', async () => {
    const r = await page.evaluate(() => window.tinydisplay.openExample('oledcare.toml'));
    assert(r.ok, `oledcare does not load: ${r.error && r.error.message}`);
    await page.selectOption('#panel', 'white');
    const brightest = async (tick) => {
      await showTick(page, tick);
      return page.evaluate(() => {
        const td = window.tinydisplay;
        td.draw();
        const c = document.getElementById('oled');
        const img = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let max = 0;
        for (let i = 0; i < img.length; i += 4) max = Math.max(max, img[i]);
        return { max, contrast: td.state.frame.contrast, on: td.state.frame.on };
      });
    };
    const litRed = (contrast) => page.evaluate((c) => parseInt(window.tinydisplay.palettes.white.litLevels[c].slice(1, 3), 16), contrast);
    const dim = await brightest(2);
    const bright = await brightest(40);
    assert(dim.contrast < 64 && bright.contrast >= 200, `contrasts ${dim.contrast}, ${bright.contrast}`);
    assert(dim.max === await litRed(dim.contrast), `tick 2 (contrast ${dim.contrast}): brightest canvas red ${dim.max}`);
    assert(bright.max === await litRed(bright.contrast), `tick 40: brightest canvas red ${bright.max}`);
    assert(dim.max < bright.max, `tick 2 ${dim.max} is not dimmer than tick 40 ${bright.max}`);
    const asleep = await brightest(400);
    assert(!asleep.on && asleep.max <= 0x18, `tick 400 asleep: brightest ${asleep.max}`);
    await page.selectOption('#panel', 'yellow-blue');
    return `brightest pixel: contrast ${dim.contrast} -> ${dim.max}, contrast ${bright.contrast} -> ${bright.max}, asleep -> ${asleep.max}`;
  });

  // Measurements (reported, never asserted; see measure.mjs): precompute throughput of the
  // threads build with its workers against the single-thread build, on the heaviest example.
  await check('measure precompute throughput (threads vs single-thread)', async () => {
    const scenes = Object.keys(expected);
    const scene = scenes.includes('stress.toml') ? 'stress.toml' : scenes.includes('dashboard.toml') ? 'dashboard.toml' : scenes[0];
    const t = await benchThroughput(context, URL_, scene);
    measurements.throughput = t;
    return `${scene}: threads ${t.threads.fps.toFixed(0)} fps (${t.threads.workers} workers, ${t.threads.per_frame_us.toFixed(1)} µs/frame) vs single ${t.single.fps.toFixed(0)} fps (${t.single.per_frame_us.toFixed(1)} µs/frame) = ${t.ratio.toFixed(2)}x; control: two single-thread pages at once ${t.control_two_single_pages.ratio.toFixed(2)}x one alone`;
  });

  // The main thread's cost of drawing one frame on the canvas (the page draws from the frame
  // bytes; a worker drawing on an OffscreenCanvas would take this off the main thread).
  await check('measure main-thread canvas draw time per frame', async () => {
    await page.evaluate(() => window.tinydisplay.openExample('dashboard.toml'));
    await showTick(page, 600);
    const r = await page.evaluate(() => {
      const td = window.tinydisplay;
      const times = [];
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        td.draw();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const c = document.getElementById('oled');
      return { median: times[100], p95: times[190], w: c.width, h: c.height, grid: document.getElementById('grid').checked };
    });
    measurements.main_thread_draw_ms = r;
    return `dashboard at ${r.w}x${r.h}${r.grid ? ' with grid' : ''}: median ${r.median.toFixed(3)} ms, p95 ${r.p95.toFixed(3)} ms`;
  });

  // Per-frame compute time of every example, single-thread build (one frame at a time), to
  // compare with the native `frame_time` example (the same function, natively).
  await check('measure per-frame compute time in wasm', async () => {
    const per = await perFrameUs(context, URL_, Object.keys(expected));
    measurements.wasm_per_frame_us = per;
    return Object.entries(per).map(([s, us]) => `${s} ${us.toFixed(1)} µs`).join(', ');
  });
} finally {
  await context.close();
}

writeFileSync(join(out, 'measurements.json'), JSON.stringify(measurements, null, 2) + '\n');
const failed = results.filter((r) => !r[0]);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed; artifacts in ${out}`);
process.exit(failed.length ? 1 : 0);
