// htmx.mjs — drives Debian's headless Chromium through playwright-core
// against the htmx test page that htmx_test.go serves, once per htmx build
// given, and prints what the browser saw, as JSON, for the Go test to check.
//
//   node htmx.mjs --url URL --versions v2,v4 [--chromium PATH] [--timeout MS]
//
// For each version V, in a fresh browser (an empty cookie store), on the
// page URL/shop/V?step=2 that loads that htmx build:
//
//   control   click a button whose hx-get reaches a route guarded the old
//             way (a 303 to the login page): htmx follows it itself and
//             swaps the login page into the fragment, and the page stays.
//   guard     click a button whose hx-get reaches a route behind
//             httpx.Guard: the answer's HX-Redirect makes htmx load the
//             login page as a full page, with the shop page to come back to.
//   login     sign in with the form: back on the shop page.
//   fragment  click the first button again: the fragment is swapped in.
//   logout    click a button whose hx-post reaches httpx.NewLogout: the
//             cookie is gone and the browser is on its redirect page.
//
// The output: {"chromium": version, "runs": [{"version", "steps": [{"step",
// "path", "h1", "out", "cookies"}]}]}, where h1 is the page's own heading,
// out the text of the fragment's target and cookies the names in the
// browser's cookie store. Exit status 0 when every step ran, 1 when one
// failed (the reason on stderr), 2 for bad arguments.

import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const launchArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      url: { type: "string" },
      versions: { type: "string" },
      chromium: { type: "string", default: "/usr/bin/chromium" },
      timeout: { type: "string", default: "15000" },
    },
    strict: true,
    allowPositionals: false,
  }));
  if (!opts.url || !/^http:\/\/127\.0\.0\.1:\d+$/.test(opts.url)) throw new Error("--url http://127.0.0.1:PORT is required");
  if (!opts.versions) throw new Error("--versions is required");
  if (!(Number(opts.timeout) > 0)) throw new Error("--timeout must be a positive number of milliseconds");
} catch (err) {
  process.stderr.write(`htmx.mjs: ${err.message}\n`);
  process.exit(2);
}
const timeout = Number(opts.timeout);
let browserVersion = "";

async function run(version) {
  const dir = mkdtempSync(join(tmpdir(), "sealcookie-htmx-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: opts.chromium,
      headless: true,
      args: launchArgs,
      timeout,
    });
    browserVersion ||= context.browser()?.version() ?? "";
    context.setDefaultTimeout(timeout);
    context.setDefaultNavigationTimeout(timeout);
    const page = context.pages()[0] ?? (await context.newPage());
    const steps = [];
    const record = async (step) => {
      const u = new URL(page.url());
      const seen = await page.evaluate(() => ({
        h1: document.querySelector("body > h1")?.textContent.trim() ?? "",
        out: document.querySelector("#out")?.textContent.replace(/\s+/g, " ").trim() ?? "",
      }));
      const names = (await context.cookies()).map((c) => c.name).sort();
      steps.push({ step, path: u.pathname + u.search, ...seen, cookies: names });
    };
    const shop = `${opts.url}/shop/${version}?step=2`;

    await page.goto(shop);
    await page.click("#control");
    await page.waitForSelector("#out h1");
    await record("control");

    await Promise.all([page.waitForURL("**/auth/login?**"), page.click("#load")]);
    await record("guard");

    await page.fill("input[name=name]", "ada");
    await Promise.all([page.waitForURL(shop), page.click("#signin")]);
    await record("login");

    await page.click("#load");
    await page.waitForSelector("#out #secret");
    await record("fragment");

    await Promise.all([page.waitForURL("**/bye"), page.click("#logout")]);
    await record("logout");
    return { version, steps };
  } finally {
    if (context) await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  const runs = [];
  for (const v of opts.versions.split(",")) runs.push(await run(v));
  process.stdout.write(JSON.stringify({ chromium: browserVersion, runs }) + "\n");
} catch (err) {
  process.stderr.write(`htmx.mjs: ${err.stack ?? err}\n`);
  process.exit(1);
}
