// The coverage page in a real headless Chromium (Debian's `chromium` package,
// driven by playwright-core; no browser download). Skipped when it is absent:
//   apt-get install -y --no-install-recommends chromium
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { formatCoverageHtml } from '../../src/coverage/html.js';
import type { CoverageSummary, PolicyCoverage } from '../../src/coverage/model.js';
import { ruleLineRanges } from '../../src/coverage/ruleLines.js';

const CHROMIUM = process.env.AUDITSPEC_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const source = `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    users: ["system:kube-proxy"]
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets"]
  # <script>alert("not run")</script>
  - level: RequestResponse
    verbs: ["create"]
`;

function summary(): CoverageSummary {
  const ranges = ruleLineRanges(source);
  const levels = ['None', 'Metadata', 'RequestResponse'] as const;
  const hits = [3, 0, 7];
  const policy: PolicyCoverage = {
    file: '/abs/policies/audit.yaml',
    displayPath: 'policies/audit.yaml',
    source,
    error: undefined,
    rules: ranges.map((lines, index) => ({
      index,
      level: levels[index],
      pos: { file: 'policies/audit.yaml', line: lines.start, col: 5 },
      lines,
      hits: hits[index],
      hitsByMode: (hits[index] ? { offline: hits[index] - 1, local: 1 } : {}) as Record<string, number>,
    })),
    defaultHits: 2,
    defaultHitsByMode: { offline: 2 },
    coveredRules: 2,
    percent: (2 / 3) * 100,
  };
  return { policies: [policy], totalRules: 3, coveredRules: 2, percent: (2 / 3) * 100 };
}

describe.skipIf(!existsSync(CHROMIUM))(`coverage HTML in headless Chromium (skipped: no ${CHROMIUM}; apt-get install chromium)`, () => {
  let browser: Browser;
  // Made in beforeAll, not while collecting: a skipped block runs no afterAll to remove it.
  let dir: string;
  let page: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'auditspec-html-'));
    page = join(dir, 'index.html');
    writeFileSync(page, formatCoverageHtml(summary()));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('renders the totals, each rule\'s hit count and the unreached rule', async () => {
    const tab = await browser.newPage();
    const blocked: string[] = [];
    // Self-contained: the page must not ask for anything beyond itself.
    tab.on('request', (r) => {
      if (r.url() !== pathToFileURL(page).href) blocked.push(r.url());
    });
    const dialogs: string[] = [];
    tab.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await tab.goto(pathToFileURL(page).href);

    expect(await tab.textContent('#total')).toBe('2 of 3 rules reached by specs (66.7%).');
    expect(await tab.textContent('.hits[data-rule="0"]')).toBe('3×');
    expect(await tab.textContent('.hits[data-rule="1"]')).toBe('not reached');
    expect(await tab.textContent('.hits[data-rule="2"]')).toBe('7×');
    expect(await tab.getAttribute('.hits[data-rule="2"]', 'title')).toContain('local: 1');
    expect(await tab.textContent('.default-hits')).toBe('2');

    // Every line of the unreached rule is marked, and only those.
    const missLines = await tab.$$eval('tr.miss', (rows) => rows.map((r) => Number(r.getAttribute('data-line'))));
    expect(missLines).toEqual([6, 7, 8, 9]);
    // Colours really differ (the CSS applied).
    type Styles = { getComputedStyle(el: unknown): { backgroundColor: string } };
    const colour = (selector: string) => tab.$eval(selector, (el) => (globalThis as unknown as Styles).getComputedStyle(el).backgroundColor);
    const hit = await colour('tr.hit td.code');
    const miss = await colour('tr.miss td.code');
    const plain = await colour('tr.plain td.code');
    expect(new Set([hit, miss, plain]).size).toBe(3);

    // Policy text is shown as text, never run.
    expect(await tab.textContent('tr[data-line="10"] td.code')).toBe('  # <script>alert("not run")</script>');
    expect(dialogs).toEqual([]);
    expect(blocked).toEqual([]);
    if (process.env.AUDITSPEC_SCREENSHOT) await tab.screenshot({ path: process.env.AUDITSPEC_SCREENSHOT, fullPage: true });
    await tab.close();
  }, 60_000);
});
