// verify.mjs — runs sealcookie's JavaScript peers for the Go interop tests
// (internal/interoptest): real h3 2.0.8 and h3 1.15.11 apps, real
// iron-session 8.0.4 and 9.0.1 sessions, and nuxt-auth-utils 0.5.30's own
// session utilities and routes (on its h3 1.15.11), pinned in package.json,
// handle requests that carry the cookies or headers Go wrote, and write
// cookies for Go to read.
//
//   node verify.mjs < jobs.json     runs a JSON array of jobs, prints a JSON array of results
//   node verify.mjs --versions      prints the versions of the packages it loads
//
// A job:
//
//   {
//     "op":      "read" | "update" | "clear" | "replace" (nuxt-auth-utils only),
//     "lib":     "h3v2" | "h3v1" | "iron-session" | "iron-session9" | "nuxt-auth-utils",
//     "password": "…" | {"1": "…", "2": "…"} | {"id": "2", "secret": "…", …},
//     "name":    session name (h3, default "h3"; nuxt-auth-utils, default "nuxt-session")
//                or cookieName (iron-session, required),
//     "maxAge", "idleTimeout" (h3, seconds), "ttl" (iron-session, seconds),
//     "config":  extra library options merged in ({"legacySealFallback": false},
//                {"sessionHeader": false}, {"cookie": {…}}, iron-session {"cookieOptions": {…}},
//                iron-session 9 {"chunk": true}; nuxt-auth-utils: runtimeConfig.session, e.g.
//                {"maxAge": 3600}),
//     "now":     the Unix milliseconds Date.now() returns during the job (default: the real clock),
//     "headers": request headers, e.g. {"cookie": "h3=…", "x-h3-session": "…"},
//     "data":    for "update": the object merged into the session's data
//   }
//
// read:    h3's getSession (which re-seals a legacy or sliding session as h3
//          does), iron-session's getIronSession; nuxt-auth-utils's own
//          GET /api/_auth/session route (getUserSession, without "secure").
// update:  h3's useSession + update(data); iron-session Object.assign + save();
//          nuxt-auth-utils's setUserSession(event, data).
// replace: nuxt-auth-utils's replaceUserSession(event, data).
// clear:   h3's clearSession; iron-session destroy(); nuxt-auth-utils's own
//          DELETE /api/_auth/session route (clearUserSession).
//
// nuxt-auth-utils runs outside a Nuxt build: its session utilities import
// useRuntimeConfig from Nuxt's virtual "#imports", which nuxt-hooks.mjs
// resolves to nuxt-runtime.mjs. That returns what the module's setup puts in
// runtimeConfig.session (name "nuxt-session", cookie {sameSite: "lax"})
// merged with the job's config, and the password comes, as in Nuxt, from
// NUXT_SESSION_PASSWORD. Each job loads a fresh copy of the package's
// modules, since they cache the configuration on first use.
//
// A result: {"ok": true, "session": …, "fresh": bool, "reason": "…", "status": n,
// "setCookie": ["…", …]}. For h3, session is {id, createdAt, data, lastSeenAt?}
// as the library holds it, fresh is true when h3 started a new session (no
// value, or one it rejected: reason then gives h3's own error message); for
// iron-session, session is the data object (iron-session swallows most errors
// into {}); for nuxt-auth-utils, session is h3's session as for h3 and
// "body" the route's JSON answer. {"ok": false, "error": "…", "status": n}
// reports a job that threw or answered an error (h3's 500 included).
// Requests go to the apps in-process: nothing listens on a socket.
//
// Exit status: 0 when every job ran (each result says what the library did),
// 2 for bad input.

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire, register } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

import * as h3 from "h3";
import * as h3v1 from "h3v1";
import { getIronSession } from "iron-session";
import { getIronSession as getIronSession9 } from "iron-session9";

register("./nuxt-hooks.mjs", import.meta.url);

const realNow = Date.now;

function fail(msg) {
  process.stderr.write(`verify.mjs: ${msg}\n`);
  process.exit(2);
}

function version(pkg) {
  const url = new URL(`node_modules/${pkg}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

// nuxtAuthUtils is nuxt-auth-utils's package directory, and nuxtH3 the h3
// its modules import (its own dependency, h3 ^1.15.4).
const nuxtAuthUtils = new URL("node_modules/nuxt-auth-utils/", import.meta.url);
const nuxtH3Dir = dirname(createRequire(new URL("package.json", nuxtAuthUtils)).resolve("h3/package.json"));

// withClock runs fn with Date.now() fixed at ms (when given): every library
// reads the time through it.
async function withClock(ms, fn) {
  if (ms === undefined || ms === null) return fn();
  if (!Number.isSafeInteger(ms)) throw new Error("now must be an integer number of milliseconds");
  Date.now = () => ms;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

const plain = (v) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

// ---------------------------------------------------------------------------
// h3 (both majors): one app per job, three routes.

function h3Config(job, probe) {
  const cfg = { ...(job.config || {}), password: job.password };
  if (job.name !== undefined) cfg.name = job.name;
  if (job.maxAge !== undefined) cfg.maxAge = job.maxAge;
  if (job.idleTimeout !== undefined) cfg.idleTimeout = job.idleTimeout;
  // h3 calls generateId exactly when it starts a new session.
  cfg.generateId = () => {
    probe.fresh = true;
    return randomUUID();
  };
  return cfg;
}

// sealedInput is the value h3 looks at: the session header when sent and
// not empty, else the cookie (h3 v2 reassembles chunks).
function sealedInput(lib, event, cfg) {
  const name = cfg.name || "h3";
  if (cfg.sessionHeader !== false) {
    const header = typeof cfg.sessionHeader === "string" ? cfg.sessionHeader : `x-${name.toLowerCase()}-session`;
    const v = lib === "h3v2" ? event.req.headers.get(header) : h3v1.getRequestHeader(event, header);
    if (v) return v;
  }
  return lib === "h3v2" ? h3.getChunkedCookie(event, name) : h3v1.getCookie(event, name);
}

async function whyRejected(lib, event, cfg) {
  const value = sealedInput(lib, event, cfg);
  if (!value) return "no session value in the request";
  try {
    await (lib === "h3v2" ? h3.unsealSession(event, cfg, value) : h3v1.unsealSession(event, cfg, value));
    return "accepted on a second look";
  } catch (e) {
    return String(e?.message || e);
  }
}

async function runH3(job) {
  const lib = job.lib;
  const probe = { fresh: false };
  const cfg = h3Config(job, probe);
  const name = cfg.name || "h3";
  const handle = (event) =>
    handleH3(event).catch((e) => {
      probe.thrown = String(e?.message || e); // h3 answers 500 without the message
      throw e;
    });
  const handleH3 = async (event) => {
    const api = lib === "h3v2" ? h3 : h3v1;
    let session;
    if (job.op === "read") {
      session = await api.getSession(event, cfg);
    } else if (job.op === "update") {
      const s = await api.useSession(event, cfg);
      await s.update(job.data || {});
      session = (lib === "h3v2" ? h3.getEventContext(event) : event.context).sessions[name];
    } else {
      await api.clearSession(event, cfg);
      session = null;
    }
    const reason = probe.fresh ? await whyRejected(lib, event, cfg) : null;
    return { session: plain(session), fresh: probe.fresh, reason };
  };

  let app, fetchApp;
  if (lib === "h3v2") {
    app = new h3.H3({ silent: true });
    app.all("/", handle);
    fetchApp = (req) => app.fetch(req);
  } else {
    app = h3v1.createApp();
    app.use("/", h3v1.eventHandler(handle));
    fetchApp = h3v1.toWebHandler(app);
  }
  const res = await fetchApp(new Request("http://localhost/", { method: "POST", headers: job.headers || {} }));
  const body = await res.json();
  const out = { ok: res.status === 200, status: res.status, setCookie: res.headers.getSetCookie() };
  if (res.status !== 200) return { ...out, error: probe.thrown || body?.message || `HTTP ${res.status}` };
  return { ...out, ...body };
}

// ---------------------------------------------------------------------------
// iron-session (8 and 9): getIronSession(Request, {headers}, options).

async function runIronSession(job) {
  if (!job.name) throw new Error("iron-session needs a name (cookieName)");
  const opts = { ...(job.config || {}), cookieName: job.name, password: job.password };
  if (job.ttl !== undefined) opts.ttl = job.ttl;
  const req = new Request("http://localhost/", { headers: job.headers || {} });
  const res = { headers: new Headers() };
  const session = await (job.lib === "iron-session9" ? getIronSession9 : getIronSession)(req, res, opts);
  if (job.op === "update") {
    Object.assign(session, job.data || {});
    await session.save();
  } else if (job.op === "clear") {
    session.destroy();
  }
  return { ok: true, status: 200, session: plain({ ...session }), fresh: Object.keys(session).length === 0, setCookie: res.headers.getSetCookie() };
}

// ---------------------------------------------------------------------------
// nuxt-auth-utils: its own server utilities and /api/_auth/session routes in
// an app of its own h3, as a Nuxt server mounts them.

let nuxtJobs = 0;

async function runNuxtAuthUtils(job) {
  if (typeof job.password !== "string") throw new Error("nuxt-auth-utils takes NUXT_SESSION_PASSWORD: a string");
  const probe = { fresh: false };
  // The module's setup: runtimeConfig.session = defu(user's, {name, password: "", cookie: {sameSite: "lax"}}).
  const user = job.config || {};
  const session = { name: "nuxt-session", password: "", ...user, cookie: { sameSite: "lax", ...(user.cookie || {}) } };
  if (job.name !== undefined) session.name = job.name;
  // Our probe, not a Nuxt option: h3 calls generateId exactly when it starts a new session.
  session.generateId = () => {
    probe.fresh = true;
    return randomUUID();
  };
  globalThis.__sealcookieNuxtRuntimeConfig = { session };
  process.env.NUXT_SESSION_PASSWORD = job.password;

  const fresh = `?job=${++nuxtJobs}`; // a fresh module graph: the utilities cache their config
  const load = (rel) => import(new URL(rel, nuxtAuthUtils).href + fresh);
  const utils = await load("dist/runtime/server/utils/session.js");
  const getRoute = (await load("dist/runtime/server/api/session.get.js")).default;
  const deleteRoute = (await load("dist/runtime/server/api/session.delete.js")).default;
  const nh3 = await import(pathToFileURL(join(nuxtH3Dir, "dist/index.mjs")).href);

  const name = session.name;
  const app = nh3.createApp();
  app.use(
    "/",
    nh3.eventHandler((event) =>
      handleNuxt(event).catch((e) => {
        probe.thrown = String(e?.message || e); // h3 answers 500 without the message
        throw e;
      }),
    ),
  );
  const handleNuxt = async (event) => {
    let body;
    if (job.op === "read") body = await getRoute(event);
    else if (job.op === "clear") body = await deleteRoute(event);
    else if (job.op === "update") body = await utils.setUserSession(event, job.data || {});
    else body = await utils.replaceUserSession(event, job.data || {});
    const s = event.context.sessions?.[name];
    return { session: s ? plain({ id: s.id, createdAt: s.createdAt, data: s.data }) : null, body: plain(body), fresh: probe.fresh };
  };
  const res = await nh3.toWebHandler(app)(new Request("http://localhost/", { method: "POST", headers: job.headers || {} }));
  const body = await res.json();
  const out = { ok: res.status === 200, status: res.status, setCookie: res.headers.getSetCookie() };
  if (res.status !== 200) return { ...out, error: probe.thrown || body?.message || `HTTP ${res.status}` };
  return { ...out, ...body };
}

// ---------------------------------------------------------------------------

async function run(job) {
  if (!job || typeof job !== "object") throw new Error("a job must be an object");
  if (!["read", "update", "clear", "replace"].includes(job.op)) throw new Error(`unknown op ${JSON.stringify(job.op)}`);
  if (job.op === "replace" && job.lib !== "nuxt-auth-utils") throw new Error("replace is nuxt-auth-utils's replaceUserSession");
  switch (job.lib) {
    case "h3v2":
    case "h3v1":
      return runH3(job);
    case "iron-session":
    case "iron-session9":
      return runIronSession(job);
    case "nuxt-auth-utils":
      return runNuxtAuthUtils(job);
  }
  throw new Error(`unknown lib ${JSON.stringify(job.lib)}`);
}

if (process.argv[2] === "--versions") {
  const v = {
    node: process.version,
    h3: version("h3"),
    h3v1: version("h3v1"),
    "iron-session": version("iron-session"),
    "iron-session9": version("iron-session9"),
    "nuxt-auth-utils": version("nuxt-auth-utils"),
    "nuxt-auth-utils/h3": JSON.parse(readFileSync(join(nuxtH3Dir, "package.json"), "utf8")).version,
  };
  process.stdout.write(JSON.stringify(v) + "\n");
  process.exit(0);
}
if (process.argv.length > 2) fail(`unexpected arguments ${process.argv.slice(2).join(" ")}; usage: node verify.mjs < jobs.json`);

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
let jobs;
try {
  jobs = JSON.parse(Buffer.concat(chunks).toString("utf8"));
} catch (e) {
  fail(`stdin is not JSON: ${e.message}`);
}
if (!Array.isArray(jobs)) fail("stdin must be a JSON array of jobs");

const results = [];
for (const job of jobs) {
  try {
    results.push(await withClock(job?.now, () => run(job)));
  } catch (e) {
    results.push({ ok: false, error: String(e?.message || e) });
  }
}
process.stdout.write(JSON.stringify(results) + "\n");
