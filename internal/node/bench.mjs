// bench.mjs — times sealcookie's JavaScript peers on the team's reference
// payloads (testdata/payloads/small.json and large.json at the module root),
// with the real npm packages pinned in package.json:
//
//   h3 2.0.8       sealSession / unsealSession (iron Fe26.2, PBKDF2 ×8192), and a
//                  whole in-process request to a real H3 app: useSession + update
//   h3 1.15.11     sealSession / unsealSession (iron, PBKDF2 ×1)
//   iron-session   sealData / unsealData (iron, PBKDF2 ×1, "~2" suffix)
//
// It prints Go benchmark lines, so one parser (internal/benchreport) reads both:
//
//   BenchmarkSeal/small/h3-node   45   6680000 ns/op   505 chars
//
// Each benchmark warms up, then runs its operation one call after the other
// (each awaited) for about --time-ms (default 300) and reports the mean of
// that run; internal/benchreport takes the median over its passes. The result
// of the last call is checked after the loop. No network: requests go to the
// app in-process.
//
// Usage: node bench.mjs [--time-ms N] [--filter REGEXP]
// Exit status: 0 all measured, 1 a benchmark failed its check, 2 usage error.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";

import * as h3 from "h3";
import * as h3v1 from "h3v1";
import { sealData, unsealData } from "iron-session";

const here = new URL(".", import.meta.url);

function usage(msg) {
  process.stderr.write(`bench.mjs: ${msg}\nusage: node bench.mjs [--time-ms N] [--filter REGEXP]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { timeMs: 300, filter: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--time-ms": {
        const n = Number(value());
        if (!Number.isFinite(n) || n <= 0 || n > 60000) usage("--time-ms must be a number of milliseconds in (0, 60000]");
        opts.timeMs = n;
        break;
      }
      case "--filter":
        try {
          opts.filter = new RegExp(value());
        } catch (e) {
          usage(`--filter: ${e.message}`);
        }
        break;
      case "-h":
      case "--help":
        usage("help");
        break;
      default:
        usage(`unknown argument ${a}`);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));

// ---------------------------------------------------------------------------
// payloads and versions

function moduleRoot() {
  // internal/node -> the module root, two levels up.
  return new URL("../../", here);
}

function loadPayload(name) {
  const url = new URL(`testdata/payloads/${name}.json`, moduleRoot());
  try {
    return JSON.parse(readFileSync(url, "utf8"));
  } catch (e) {
    process.stderr.write(`bench.mjs: cannot read payload ${name}: ${e.message}\n`);
    process.exit(1);
  }
}

function version(pkg) {
  try {
    return JSON.parse(readFileSync(new URL(`node_modules/${pkg}/package.json`, here), "utf8")).version;
  } catch {
    return "unknown";
  }
}

const PAYLOADS = ["small", "large"].map((name) => ({ name, value: loadPayload(name) }));

// A fresh random password per run (64 characters; h3 and iron want >= 32).
const password = randomBytes(32).toString("hex");

// ---------------------------------------------------------------------------
// timing

const budgetNs = BigInt(Math.round(opts.timeMs * 1e6));
const warmNs = budgetNs / 6n;
const maxIters = 1_000_000;
let failed = 0;

function fail(name, msg) {
  failed++;
  process.stdout.write(`--- FAIL: ${name}\n    ${String(msg).split("\n").join("\n    ")}\n`);
}

/**
 * bench runs setup() once, then times op() back to back. check(last) runs
 * after the loop on the last result; it throws on a wrong result and returns
 * the cookie length to report, if any.
 */
async function bench(name, setup) {
  if (opts.filter && !opts.filter.test(name)) return;
  try {
    const { op, check } = await setup();
    let last;
    let n = 0;
    let t0 = process.hrtime.bigint();
    while (n < 2 || (n < maxIters && process.hrtime.bigint() - t0 < warmNs)) {
      last = await op();
      n++;
    }
    n = 0;
    t0 = process.hrtime.bigint();
    let elapsed;
    do {
      last = await op();
      n++;
      elapsed = process.hrtime.bigint() - t0;
    } while (n < maxIters && elapsed < budgetNs);
    const chars = await check(last);
    const nsPerOp = Number(elapsed) / n;
    const ns = nsPerOp >= 100 ? nsPerOp.toFixed(0) : nsPerOp.toFixed(1);
    const metric = typeof chars === "number" ? `\t${chars} chars` : "";
    process.stdout.write(`${name}\t${n}\t${ns} ns/op${metric}\n`);
  } catch (e) {
    fail(name, e?.stack || e);
  }
}

function mustEqual(what, got, want) {
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(got)), want)) {
    throw new Error(`${what}: got ${JSON.stringify(got).slice(0, 200)}, want the payload`);
  }
}

// ---------------------------------------------------------------------------
// seal / unseal: the lowest public calls that do what a request does

const h3Config = { name: "h3", password };

// h3 2.x seals the session the event's context holds; a mock event carries it.
function h3v2EventWith(session) {
  const event = h3.mockEvent("http://localhost/");
  h3.getEventContext(event).sessions = { h3: structuredClone(session) };
  return event;
}

// h3 1.x's sealSession reads only event.context.sessions, so a plain object
// standing for the event is enough (its H3Event needs a Node socket pair).
function h3v1EventWith(session) {
  return { context: { sessions: { h3: structuredClone(session) } } };
}

const sealers = [
  {
    scheme: "h3-node",
    async seal(p) {
      const event = h3v2EventWith(p);
      return () => h3.sealSession(event, h3Config);
    },
    open: (sealed) => h3.unsealSession(undefined, h3Config, sealed),
  },
  {
    scheme: "h3v1-node",
    async seal(p) {
      const event = h3v1EventWith(p);
      return () => h3v1.sealSession(event, h3Config);
    },
    open: (sealed) => h3v1.unsealSession(undefined, h3Config, sealed),
  },
  {
    scheme: "iron-session-node",
    async seal(p) {
      return () => sealData(p, { password });
    },
    open: (sealed) => unsealData(sealed, { password }),
  },
];

// ---------------------------------------------------------------------------
// requests: a real H3 app, real Request objects, in-process

function makeApp(payload) {
  const app = new h3.H3();
  // What a route that reads and changes its session does.
  app.get("/session", async (event) => {
    const session = await h3.useSession(event, h3Config);
    await session.update({ views: session.data.views + 1 });
    return "ok";
  });
  // A route that never touches the session (the baseline).
  app.get("/none", () => "ok");
  // Writes the payload as the session, so the client has a cookie to send.
  app.get("/seed", async (event) => {
    const session = await h3.getSession(event, h3Config);
    session.id = payload.id;
    session.createdAt = payload.createdAt;
    await h3.updateSession(event, h3Config, payload.data);
    return "ok";
  });
  return app;
}

// The Cookie header a browser sends back after these Set-Cookie lines.
function cookieHeader(setCookieLines) {
  const jar = new Map();
  for (const line of setCookieLines) {
    const [pair, ...attrs] = line.split(";");
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const gone = value === "" || attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    jar.delete(name);
    if (!gone) jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

async function fetchApp(app, path, cookie) {
  const res = await app.fetch(new Request(`http://localhost${path}`, { headers: cookie ? { cookie } : {} }));
  const body = await res.text();
  return { status: res.status, body, setCookie: res.headers.getSetCookie() };
}

async function seededCookie(app) {
  const res = await fetchApp(app, "/seed");
  if (res.status !== 200 || res.setCookie.length === 0) throw new Error(`seeding the session: status ${res.status}`);
  return cookieHeader(res.setCookie);
}

// The session a cookie header holds, read with h3's own chunk reassembly.
async function sessionOf(cookie) {
  const sealed = h3.getChunkedCookie(h3.mockEvent("http://localhost/", { headers: { cookie } }), "h3");
  if (!sealed) throw new Error("no h3 session cookie in the response");
  return { sealed, session: await h3.unsealSession(undefined, h3Config, sealed) };
}

// ---------------------------------------------------------------------------
// the run

process.stdout.write(
  [
    "pkg: internal/node",
    "node: " + process.version,
    "h3: " + version("h3"),
    "h3v1: " + version("h3v1"),
    "iron-session: " + version("iron-session"),
    "",
  ].join("\n"),
);

const start = process.hrtime.bigint();

for (const { name, value } of PAYLOADS) {
  for (const s of sealers) {
    await bench(`BenchmarkSeal/${name}/${s.scheme}`, async () => ({
      op: await s.seal(value),
      check: async (sealed) => {
        mustEqual("the last seal opened", await s.open(sealed), value);
        return sealed.length;
      },
    }));
  }
  for (const s of sealers) {
    await bench(`BenchmarkOpen/${name}/${s.scheme}`, async () => {
      const sealed = await (await s.seal(value))();
      return {
        op: () => s.open(sealed),
        check: (got) => {
          mustEqual("the last open", got, value);
          return sealed.length;
        },
      };
    });
  }
}

await bench("BenchmarkRequest/none/h3-node", async () => {
  const small = PAYLOADS[0].value;
  const app = makeApp(small);
  const cookie = await seededCookie(app); // sent, never read
  return {
    op: () => fetchApp(app, "/none", cookie),
    check: (res) => {
      if (res.status !== 200 || res.setCookie.length !== 0) throw new Error(`status ${res.status}, ${res.setCookie.length} Set-Cookie`);
    },
  };
});

for (const { name, value } of PAYLOADS) {
  await bench(`BenchmarkRequest/${name}/h3-node`, async () => {
    const app = makeApp(value);
    const cookie = await seededCookie(app);
    return {
      op: () => fetchApp(app, "/session", cookie),
      check: async (res) => {
        if (res.status !== 200) throw new Error(`status ${res.status}: ${res.body.slice(0, 200)}`);
        const { sealed, session } = await sessionOf(cookieHeader(res.setCookie));
        const want = structuredClone(value);
        want.data.views++;
        mustEqual("the session after the request", session, want);
        return sealed.length;
      },
    };
  });
}

const secs = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`${failed ? "FAIL" : "ok"}\tinternal/node\t${secs.toFixed(3)}s\n`);
process.exit(failed ? 1 : 0);
