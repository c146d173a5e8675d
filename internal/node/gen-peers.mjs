// gen-peers.mjs — writes testdata/interop/peers.json: vectors of the cases
// where sealcookie and its JavaScript peers once disagreed (an empty session,
// single cookies between 4001 and 4096 bytes, stale chunks after overlapping
// requests, the SameSite attribute, seals without an expiration field) and
// of the peers added beside h3 and iron-session 8 (nuxt-auth-utils,
// iron-session 9).
//
//   node gen-peers.mjs > ../../testdata/interop/peers.json
//
// Every cookie, Set-Cookie line, status and session in the file is the real
// library's own output: each step is a job run by verify.mjs (this
// directory's driver of the pinned packages, package-lock.json), in a Node
// process of its own, with Date.now() fixed at the step's instant. The only
// values not written by a peer are the inputs marked "sealedBy": seals made
// with iron-webcrypto 2.0.0 directly, to show what a peer does with them.
// Salts, IVs and session ids are random: the file is not byte-for-byte
// reproducible, and tests never regenerate it.

import { execFileSync } from "node:child_process";

import { defaults, seal, unseal } from "iron-webcrypto";

const here = new URL(".", import.meta.url);

// run runs jobs through verify.mjs and returns its results.
function run(...jobs) {
  const out = execFileSync(process.execPath, ["verify.mjs"], { cwd: here, input: JSON.stringify(jobs), maxBuffer: 64 << 20 });
  const res = JSON.parse(out);
  if (res.length !== jobs.length) throw new Error("verify.mjs answered a different number of jobs");
  return res;
}

const versions = JSON.parse(execFileSync(process.execPath, ["verify.mjs", "--versions"], { cwd: here }));
const producer = (lib) =>
  ({
    h3v2: `h3@${versions.h3}`,
    h3v1: `h3@${versions.h3v1}`,
    "iron-session": `iron-session@${versions["iron-session"]}`,
    "iron-session9": `iron-session@${versions["iron-session9"]}`,
    "nuxt-auth-utils": `nuxt-auth-utils@${versions["nuxt-auth-utils"]} (h3@${versions["nuxt-auth-utils/h3"]})`,
  })[lib];

// jar applies Set-Cookie lines to a Cookie header as a browser does: a
// cookie set again replaces the old one in place, an empty value or
// Max-Age=0 removes it.
function jar(before, lines) {
  const m = new Map();
  for (const part of (before || "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) m.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  for (const line of lines || []) {
    const [pair, ...attrs] = line.split(";");
    const i = pair.indexOf("=");
    const name = pair.slice(0, i).trim();
    const value = pair.slice(i + 1).trim();
    const gone = value === "" || attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    if (gone) m.delete(name);
    else m.set(name, value);
  }
  return [...m].map(([k, v]) => `${k}=${v}`).join("; ");
}

const iso = (ms) => new Date(ms).toISOString();
const t0 = 1768471200000; // 2026-01-15T10:00:00Z
const h3Pw = "correct-horse-battery-staple-h3-session-0001";
const h3v1Pw = "h3-version-one-password-at-least-32-chars";
const nuxtPw = "3f2c1a9e8b7d4c6a9e0f1b2c3d4e5f60"; // shaped as nuxt-auth-utils makes one in development
const ironName = "iron_app_session";
const nuxtUser = { user: { id: 42, login: "ada", name: "Ada Lovelace" }, secure: { apiToken: "tok-42" }, loggedInAt: t0 };

// step runs one job and records it: the library's options, what the
// browser sent, what the library answered, and the Cookie header the
// browser sends next.
function step(job) {
  const [r] = run(job);
  const { op, lib, now, headers, data, ...options } = job;
  return {
    producer: producer(lib),
    lib,
    op,
    at: now,
    atISO: iso(now),
    options,
    request: { cookie: headers?.cookie ?? "", data: data ?? null },
    response: {
      ok: r.ok,
      status: r.status,
      error: r.error ?? "",
      setCookie: r.setCookie ?? [],
      session: r.session ?? null,
      body: r.body ?? null,
      fresh: r.fresh ?? false,
      reason: r.reason ?? "",
    },
    cookieHeader: jar(headers?.cookie, r.setCookie),
  };
}

// atT0 runs fn with Date.now() at t0, the instant the cases start at.
async function atT0(fn) {
  const realNow = Date.now;
  Date.now = () => t0;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

const ironOptions = (iterations, ttl = 0) => ({
  ...defaults,
  ttl,
  encryption: { ...defaults.encryption, iterations },
  integrity: { ...defaults.integrity, iterations },
});

// plaintextOf unseals the session cookie of a Cookie header with the
// library's password and iteration count, for the vector's reader.
async function plaintextOf(cookieHeader, name, password, iterations) {
  const value = jar(cookieHeader, []).split("; ").find((p) => p.startsWith(`${name}=`))?.slice(name.length + 1);
  if (!value) return "";
  return JSON.stringify(await atT0(() => unseal(value.replace(/~\d+$/, ""), password, ironOptions(iterations))));
}

// sealWith seals object with iron-webcrypto as a library would, at t0 (the
// seal's expiration counts from it).
function sealWith(object, password, iterations, ttl = 0) {
  return atT0(() => seal(object, password, ironOptions(iterations, ttl)));
}

const cases = [];
function add(name, kind, description, steps, extra = {}) {
  cases.push({ name, kind, description, steps, ...extra });
}

// --- an empty session ------------------------------------------------------

for (const [lib, pw, iters] of [
  ["h3v1", h3v1Pw, 1],
  ["h3v2", h3Pw, 8192],
]) {
  // h3 1.x's getSession writes a new session at once; h3 2.x's writes it on update.
  const s = lib === "h3v1" ? step({ op: "read", lib, password: pw, now: t0 }) : step({ op: "update", lib, password: pw, now: t0, data: {} });
  add(`${lib} empty session`, "empty-session", `${producer(lib)} starts a session with no data and writes it (h3 1.x: getSession; h3 2.x: update({})): the shape of an empty session.`, [s], {
    plaintext: await plaintextOf(s.cookieHeader, "h3", pw, iters),
  });
}
for (const [lib, pw, iters] of [
  ["h3v1", h3v1Pw, 1],
  ["h3v2", h3Pw, 8192],
  ["nuxt-auth-utils", nuxtPw, 1],
]) {
  const name = lib === "nuxt-auth-utils" ? "nuxt-session" : "h3";
  const plaintext = JSON.stringify({ id: "null-data-session", createdAt: t0, data: null });
  const sealed = await sealWith(JSON.parse(plaintext), pw, iters);
  const s = step({ op: "update", lib, password: pw, now: t0 + 1000, headers: { cookie: `${name}=${sealed}` }, data: { k: "v" } });
  add(`${lib} update of data null`, "empty-session", `${producer(lib)} updates a session whose data is null, as sealcookie sealed an empty map session before: every update fails.`, [s], {
    sealedBy: `iron-webcrypto@2.0.0 seal, ${iters} iteration(s), no ttl`,
    plaintext,
  });
}

// --- values between 4001 and 4096 bytes -------------------------------------

for (const [lib, pw, name, extra] of [
  ["h3v1", h3v1Pw, "h3", {}],
  ["nuxt-auth-utils", nuxtPw, "nuxt-session", {}],
  ["iron-session", h3Pw, ironName, { name: ironName }],
  ["iron-session9", h3Pw, ironName, { name: ironName }],
]) {
  // The largest single cookie the library writes: pads up to where it
  // refuses (iron-session) or the browser would drop it (h3 1.x).
  const limit = 4096 - name.length;
  let best = null;
  for (let pad = 2780; pad <= 2980; pad += 4) {
    const s = step({ op: "update", lib, password: pw, now: t0, data: { pad: "p".repeat(pad) }, ...extra });
    const value = s.cookieHeader.slice(name.length + 1);
    if (!s.response.ok || value.length > limit) break;
    if (value.length > 4000) best = s;
  }
  if (!best) throw new Error(`${lib}: no value between 4001 and ${limit} characters`);
  add(`${lib} value over 4000`, "large-value", `${producer(lib)} writes one cookie longer than 4000 characters that a browser keeps (name and value within 4096 bytes).`, [best], {
    valueLength: best.cookieHeader.length - name.length - 1,
  });
}

// --- stale chunks after overlapping requests --------------------------------

{
  const start = step({ op: "update", lib: "h3v2", password: h3Pw, now: t0, data: { v: "start" } });
  const grow = step({ op: "update", lib: "h3v2", password: h3Pw, now: t0 + 1000, headers: { cookie: start.cookieHeader }, data: { v: "a".repeat(12000) } });
  const shrink = step({ op: "update", lib: "h3v2", password: h3Pw, now: t0 + 1000, headers: { cookie: start.cookieHeader }, data: { v: "b".repeat(5000) } });
  const held = jar(grow.cookieHeader, shrink.response.setCookie);
  const read = step({ op: "read", lib: "h3v2", password: h3Pw, now: t0 + 2000, headers: { cookie: held } });
  add("h3v2 stale chunks", "stale-chunks", "Two requests leave with the same cookie: A grows the session to four chunks, B (answered last) to two. The browser holds h3=__chunked__2 and h3.1…h3.4; h3 reads B's session from chunks 1–2.", [start, grow, shrink, read], {
    cookieHeader: held,
  });
}

// --- SameSite ----------------------------------------------------------------

for (const [lib, pw] of [
  ["h3v1", h3v1Pw],
  ["h3v2", h3Pw],
  ["nuxt-auth-utils", nuxtPw],
]) {
  const s = step({ op: "update", lib, password: pw, now: t0, data: { k: "v" } });
  add(`${lib} cookie attributes`, "samesite", `The attributes ${producer(lib)} writes by default (h3 1.x: no SameSite).`, [s]);
}

// --- nuxt-auth-utils ---------------------------------------------------------

{
  const set = step({ op: "update", lib: "nuxt-auth-utils", password: nuxtPw, now: t0, data: nuxtUser, config: { maxAge: 604800 } });
  const read = step({ op: "read", lib: "nuxt-auth-utils", password: nuxtPw, now: t0 + 1000, headers: { cookie: set.cookieHeader }, config: { maxAge: 604800 } });
  add("nuxt-auth-utils setUserSession", "nuxt-auth-utils", "setUserSession with nuxt-auth-utils's shape (user, secure, loggedInAt), maxAge 7 days; then its GET /api/_auth/session, which hides secure and adds the id.", [set, read], {
    plaintext: await plaintextOf(set.cookieHeader, "nuxt-session", nuxtPw, 1),
  });
  const clear = step({ op: "clear", lib: "nuxt-auth-utils", password: nuxtPw, now: t0 + 2000, headers: { cookie: set.cookieHeader }, config: { maxAge: 604800 } });
  add("nuxt-auth-utils clear", "nuxt-auth-utils", "Its DELETE /api/_auth/session (clearUserSession): an empty cookie, no expiry.", [clear]);
}

// --- iron-session 9 ------------------------------------------------------------

{
  const s = step({ op: "update", lib: "iron-session9", password: { 1: h3Pw }, name: ironName, ttl: 3600, now: t0, data: { user: { id: 7, name: "Zoë" } } });
  const v8 = step({ op: "read", lib: "iron-session", password: { 1: h3Pw }, name: ironName, ttl: 3600, now: t0 + 1000, headers: { cookie: s.cookieHeader } });
  add("iron-session9 save", "iron-session9", "iron-session 9 saves a session (ttl 3600); iron-session 8 reads it.", [s, v8]);
  const old = await sealWith({ persistent: { user: "old" }, user: "top" }, { id: "1", secret: h3Pw }, 1, 3600_000);
  const now = t0 + 1000;
  const n9 = step({ op: "read", lib: "iron-session9", password: h3Pw, name: ironName, ttl: 3600, now, headers: { cookie: `${ironName}=${old}` } });
  const n8 = step({ op: "read", lib: "iron-session", password: h3Pw, name: ironName, ttl: 3600, now, headers: { cookie: `${ironName}=${old}` } });
  add("iron-session no suffix", "iron-session9", "A seal without the ~2 suffix: iron-session 9 reads its data as it is, iron-session 8 its persistent member.", [n9, n8], {
    sealedBy: "iron-webcrypto@2.0.0 seal at t0, 1 iteration, ttl 3600 s, password id 1",
  });
}

// --- seals without an expiration field ---------------------------------------

for (const [lib, pw, cfg] of [
  ["h3v1", h3v1Pw, { maxAge: 3600 }],
  ["h3v2", h3Pw, { maxAge: 3600 }],
  ["nuxt-auth-utils", nuxtPw, { config: { maxAge: 3600 } }],
]) {
  const w = step({ op: "update", lib, password: pw, now: t0, data: { k: "v" } });
  const last = step({ op: "read", lib, password: pw, now: t0 + 3_600_000, headers: { cookie: w.cookieHeader }, ...cfg });
  const late = step({ op: "read", lib, password: pw, now: t0 + 3_600_001, headers: { cookie: w.cookieHeader }, ...cfg });
  add(`${lib} no expiration`, "no-expiration", `${producer(lib)} without maxAge seals with no expiration field; a reader with maxAge 3600 still ends it at createdAt + 3600 s.`, [w, last, late]);
}
for (const lib of ["iron-session", "iron-session9"]) {
  const w = step({ op: "update", lib, password: h3Pw, name: ironName, ttl: 0, now: t0, data: { k: "v" } });
  const later = step({ op: "read", lib, password: h3Pw, name: ironName, ttl: 3600, now: t0 + 10 * 365 * 86_400_000, headers: { cookie: w.cookieHeader } });
  add(`${lib} no expiration`, "no-expiration", `${producer(lib)} with ttl 0 seals with no expiration field; a reader with ttl 3600 still reads it ten years later.`, [w, later]);
}

const file = {
  schema: "sealcookie-peer-vectors/1",
  producer: "internal/node/gen-peers.mjs driving internal/node/verify.mjs",
  generatedWith: versions,
  notes: [
    "Each case is a list of steps; each step is one job of verify.mjs (lib, op, options as its job fields) at a fixed Date.now() (at), what the browser sent (request.cookie), what the library answered (response) and the Cookie header the browser sends next (cookieHeader).",
    "response.session is h3's session {id, createdAt, data, lastSeenAt?} for h3 and nuxt-auth-utils, iron-session's data object for iron-session; response.body is nuxt-auth-utils's answer; response.fresh is true when the library started a new session.",
    "plaintext, where present, is the JSON sealed in the case's first cookie (unsealed with iron-webcrypto 2.0.0), or the plaintext of an input marked sealedBy.",
    "Passwords are test passwords, published on purpose.",
  ],
  cases,
};
process.stdout.write(JSON.stringify(file, null, 1) + "\n");
