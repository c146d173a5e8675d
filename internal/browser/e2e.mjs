// e2e.mjs — drives Debian's headless Chromium through playwright-core
// (pinned in package.json; no browser download) against a running
// `sealcookie serve`, and prints what the browser saw, as JSON, for the Go
// test beside it (browser_test.go) to check.
//
//   node e2e.mjs --url URL [--secure-url URL] [--quickstart-url URL]
//                [--screenshot FILE] [--chromium PATH] [--timeout MS]
//
//   --url         a serve started with the default --insecure-cookies auto
//                 (the localhost exception: no Secure attribute)
//   --secure-url  a serve started with --insecure-cookies false (Secure kept)
//   --quickstart-url  the README's quick start program, built and running
//   --screenshot  where to save a PNG of the inspect page holding the large value
//   --chromium    the browser (default /usr/bin/chromium, Debian's package)
//   --timeout     milliseconds for any one browser action (default 15000)
//
// Every scenario launches Chromium afresh with an empty --user-data-dir, so
// each starts with an empty cookie store. Scenarios:
//
//   flow                  --url: log in through the route guard and back,
//                         count visits, store the large value
//                         and reload, shrink it, store it again, log out.
//   secure-loopback       --secure-url as given (http://127.0.0.1:PORT).
//   secure-plain-host     --secure-url reached as http://demo.test:PORT.
//   exception-plain-host  --url reached as http://demo.test:PORT.
//   quickstart            --quickstart-url: the README's flow, as a user
//                         clicks it: /account, the login form, sign in,
//                         back on /account, then the home page.
//   everywhere-first,     --url in two browsers signed in as one user: log
//   everywhere-second     out everywhere in the first, then the second's
//                         next request.
//
// demo.test reaches the same loopback server through Chromium's
// --host-resolver-rules (nothing else resolves it, and nothing leaves the
// machine): a plain-http host that is not loopback, where a Secure cookie
// needs the exception.
//
// The output: {"chromium": version, "playwright": version, "scenarios":
// [{"name", "base", "steps": [{"step", "path", "cookies", "facts"}]}]}, where
// cookies is the browser's own cookie store (context.cookies()) after the
// step, sorted by name, and facts are texts read from the page. Exit status 0
// when every step ran, 1 when the browser or a step failed (the reason on
// stderr), 2 for bad arguments.

import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";

// launchArgs are the flags the issue asks for; --user-data-dir is the fresh
// directory launchPersistentContext is given.
const launchArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// plainHost is the non-loopback name that Chromium maps to 127.0.0.1.
const plainHost = "demo.test";

// browserVersion is the version of the Chromium the first launch started.
let browserVersion = "";

let opts;
try {
  ({ values: opts } = parseArgs({
    options: {
      url: { type: "string" },
      "secure-url": { type: "string" },
      "quickstart-url": { type: "string" },
      screenshot: { type: "string" },
      chromium: { type: "string", default: "/usr/bin/chromium" },
      timeout: { type: "string", default: "15000" },
    },
    strict: true,
    allowPositionals: false,
  }));
  if (!opts.url) throw new Error("--url is required");
  for (const u of [opts.url, opts["secure-url"], opts["quickstart-url"]]) {
    if (u !== undefined && !/^http:\/\/127\.0\.0\.1:\d+$/.test(u)) {
      throw new Error(`${u}: want http://127.0.0.1:PORT (the demo serves loopback only)`);
    }
  }
  if (!(Number(opts.timeout) > 0)) throw new Error("--timeout must be a positive number of milliseconds");
} catch (err) {
  process.stderr.write(`e2e.mjs: ${err.message}\n`);
  process.exit(2);
}
const timeout = Number(opts.timeout);

// onPlainHost returns base with its host replaced by plainHost.
function onPlainHost(base) {
  const u = new URL(base);
  u.hostname = plainHost;
  return u.origin;
}

// withBrowser runs fn with a fresh persistent context (an empty user data
// dir) and removes the directory afterwards.
async function withBrowser(fn) {
  const dir = mkdtempSync(join(tmpdir(), "sealcookie-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(dir, {
      executablePath: opts.chromium,
      headless: true,
      args: [...launchArgs, `--host-resolver-rules=MAP ${plainHost} 127.0.0.1`],
      viewport: { width: 1000, height: 900 },
      timeout,
    });
    browserVersion ||= context.browser()?.version() ?? "";
    context.setDefaultTimeout(timeout);
    context.setDefaultNavigationTimeout(timeout);
    const page = context.pages()[0] ?? (await context.newPage());
    return await fn(context, page);
  } finally {
    if (context) await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// cookies returns the browser's cookie store, sorted by name.
async function cookies(context) {
  const all = await context.cookies();
  return all
    .map((c) => ({
      name: c.name,
      domain: c.domain,
      path: c.path,
      secure: c.secure,
      httpOnly: c.httpOnly,
      sameSite: c.sameSite,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// pageFacts reads what the demo's page shows; which texts depend on the
// page (its h1).
function pageFacts() {
  const text = (sel, root = document) => {
    const el = root.querySelector(sel);
    return el === null ? null : el.textContent.trim();
  };
  const f = { h1: text("h1") ?? "", signedInAs: text("header .muted b") ?? "" };
  switch (f.h1) {
    case "Visit counter":
      f.visits = text(".big") ?? "";
      break;
    case "Account":
      f.user = text("main .card b") ?? "";
      break;
    case "Log in": {
      const form = document.querySelector("main form");
      f.action = form === null ? "" : form.getAttribute("action");
      f.error = text("main .error") ?? "";
      break;
    }
    case "Inspect the session": {
      for (const tr of document.querySelectorAll("main table tr")) {
        const key = text("th", tr);
        if (key === "chunks" || key === "source") f[key] = text("td", tr) ?? "";
      }
      const pre = text("main pre");
      if (pre !== null) {
        const data = JSON.parse(pre);
        for (const k of ["visits", "user", "blob"]) if (k in data) f[`data.${k}`] = String(data[k]);
      }
      break;
    }
  }
  return f;
}

// Recorder collects the steps of one scenario.
class Recorder {
  constructor(name, base, context, page) {
    Object.assign(this, { name, base, context, page, steps: [] });
  }

  // record notes the page's path, facts and the cookie store after a step.
  async record(step, facts) {
    const u = new URL(this.page.url());
    this.steps.push({
      step,
      path: u.pathname + u.search,
      cookies: await cookies(this.context),
      facts: facts ?? (await this.page.evaluate(pageFacts)),
    });
  }

  async goto(path) {
    const resp = await this.page.goto(this.base + path);
    if (resp === null) throw new Error(`${this.name}: GET ${path}: no response`);
    return resp;
  }

  // submit clicks a form's button and waits for the page it leads to.
  async submit(selector) {
    await Promise.all([this.page.waitForEvent("load"), this.page.click(selector)]);
  }

  // login goes to the protected page, is sent to the login form, logs in
  // and follows the redirect back.
  async login(user) {
    await this.goto("/account");
    await this.record("guard redirects to login");
    await this.page.fill("#name", user);
    await this.submit('main input[type="submit"]');
    await this.record("login redirects back");
  }

  async countVisits(n) {
    for (let i = 1; i <= n; i++) {
      await this.goto("/");
      await this.record(`visit ${i}`);
    }
  }

  result() {
    return { name: this.name, base: this.base, steps: this.steps };
  }
}

// flow is the whole demo, with the localhost exception on.
async function flow(base) {
  return withBrowser(async (context, page) => {
    const r = new Recorder("flow", base, context, page);
    await r.login("alice");
    await r.countVisits(3);

    const resp = await r.goto("/api/auth/session");
    const view = JSON.parse(await resp.text());
    await r.record("session endpoint", {
      status: String(resp.status()),
      cacheControl: resp.headers()["cache-control"] ?? "",
      loggedIn: String(view.loggedIn),
      user: String(view.user ?? ""),
      visits: String(view.visits),
      expires: view.expires ? "set" : "",
    });

    await r.goto("/");
    await r.record("visit 4");
    await r.submit('main form[action="/large"] button');
    await r.record("store large value");
    for (let i = 1; i <= 2; i++) {
      await page.reload();
      await r.record(`reload ${i}`);
    }
    await r.goto("/");
    await r.record("visit 5 with large value");
    await r.goto("/inspect");
    await r.record("inspect after visit 5");
    if (opts.screenshot) {
      mkdirSync(dirname(opts.screenshot), { recursive: true });
      await page.screenshot({ path: opts.screenshot, fullPage: true });
    }

    await r.submit('main form[action="/shrink"] button');
    await r.record("shrink");
    await r.submit('main form[action="/large"] button');
    await r.record("store large value again");

    // The logout button, with the handler's redirectTo parameter sending the
    // browser to the login form: the default target, /, counts a visit and
    // so would start a new session before the cookie store could be read.
    await page.evaluate(() => {
      document.querySelector('header form[action="/auth/logout"]').action = "/auth/logout?redirectTo=/auth/login";
    });
    await r.submit('header form[action^="/auth/logout"] button');
    await r.record("logout");
    await r.goto("/account");
    await r.record("guard after logout");
    await r.goto("/");
    await r.record("visit after logout");
    return r.result();
  });
}

// secureCheck counts visits and logs in through the guard: with the session
// cookie dropped, neither works.
async function secureCheck(name, base) {
  return withBrowser(async (context, page) => {
    const r = new Recorder(name, base, context, page);
    await r.countVisits(3);
    await r.login("bob");
    return r.result();
  });
}

// quickstart walks the README's quick start: its pages are plain text but
// the login form, so the facts are the page's text, or the form's action.
async function quickstart(base) {
  return withBrowser(async (context, page) => {
    const r = new Recorder("quickstart", base, context, page);
    const facts = () =>
      page.evaluate(() => {
        const form = document.querySelector("form");
        return form === null
          ? { text: document.body.innerText.trim() }
          : { form: `${form.getAttribute("method")} ${form.getAttribute("action")}` };
      });
    await r.goto("/account");
    await r.record("account sends to the login form", await facts());
    await page.fill('input[name="name"]', "ada");
    await r.submit("form button");
    await r.record("sign in lands on the account page", await facts());
    await r.goto("/");
    await r.record("home page", await facts());
    await r.goto("/");
    await r.record("home page again", await facts());
    return r.result();
  });
}

// everywhere is "log out everywhere": two browsers (two Chromium launches)
// signed in with the same name; the button in the first signs the second
// out at its next request.
async function everywhere(base) {
  return withBrowser(async (contextA, pageA) =>
    withBrowser(async (contextB, pageB) => {
      const first = new Recorder("everywhere-first", base, contextA, pageA);
      const second = new Recorder("everywhere-second", base, contextB, pageB);
      await first.login("carol");
      await second.login("carol");
      await first.goto("/account");
      await first.submit('main form[action="/auth/logout-everywhere"] button');
      await first.record("log out everywhere");
      await second.goto("/account");
      await second.record("next request");
      return [first.result(), second.result()];
    }),
  );
}

async function main() {
  const out = {
    chromium: "", // set once a browser has run
    playwright: JSON.parse(readFileSync(new URL("./node_modules/playwright-core/package.json", import.meta.url))).version,
    scenarios: [],
  };
  out.scenarios.push(await flow(opts.url));
  if (opts["secure-url"]) {
    out.scenarios.push(await secureCheck("secure-loopback", opts["secure-url"]));
    out.scenarios.push(await secureCheck("secure-plain-host", onPlainHost(opts["secure-url"])));
  }
  out.scenarios.push(await secureCheck("exception-plain-host", onPlainHost(opts.url)));
  if (opts["quickstart-url"]) out.scenarios.push(await quickstart(opts["quickstart-url"]));
  out.scenarios.push(...(await everywhere(opts.url)));
  out.chromium = browserVersion;
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
}

main().catch((err) => {
  process.stderr.write(`e2e.mjs: ${err.stack ?? err}\n`);
  process.exit(1);
});
