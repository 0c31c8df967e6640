// Launches Debian's Chromium through playwright-core (no downloaded browser; see docs/toolchain.md).
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'td-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

// Opens the simulator and waits until its first frame is shown.
export async function openSimulator(context, url) {
  const page = await context.newPage();
  const errors = [];
  // Errors, and the warning of a deprecated wasm-bindgen init call (the page, its engine
  // worker and the pool's workers must use `init({ module_or_path })`).
  page.on('console', (m) => {
    if (m.type() === 'error' || (m.type() === 'warning' && /deprecated/i.test(m.text()))) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => window.tinydisplay && window.tinydisplay.ready);
  await page.evaluate(() => window.tinydisplay.ready);
  await page.waitForFunction(() => document.getElementById('hash').dataset.tick !== '');
  return { page, errors };
}
