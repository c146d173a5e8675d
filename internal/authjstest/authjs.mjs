// authjs.mjs — runs the real Auth.js (@auth/core 0.41.3, pinned in
// package.json with the jose and @panva/hkdf it uses) for sealcookie's Go
// tests of session/authjs. Nothing listens on a socket: Auth.js's own
// encode and decode are called directly, and its request handler Auth()
// answers Request objects in-process, as a Next.js route handler would.
//
//   node authjs.mjs < jobs.json     runs a JSON array of jobs, prints a JSON array of results
//   node authjs.mjs --versions      prints the versions of the packages it loads
//   node authjs.mjs --vectors       prints testdata/interop/authjs.json (seeded: reproducible)
//
// A job: {"op": …, "now": Unix milliseconds (default the real clock), …}
//
//   encode   {secret, salt, maxAge?, token, enc?}  Auth.js's encode (jwt.ts); with
//            enc "A256GCM", jose's EncryptJWT under Auth.js's A256GCM key and kid
//            (Auth.js decodes those; it never encodes them)
//   decode   {secret, salt, token}                 Auth.js's decode
//   session  {secret, cookie, maxAge?}             GET /auth/session through Auth()
//   update   {secret, cookie, maxAge?, data}       POST /auth/session {data}: the
//            update() / unstable_update flow (its jwt callback merges data)
//   signin   {secret, maxAge?, user}               a Credentials sign-in through Auth()
//
// secret is a string or an array (the first encrypts); cookie is the request's
// Cookie header. Results: {"ok": true, …} with "payload" (decode; null when
// Auth.js's decode threw, "error" then says why), "token" (encode), or
// "status", "body" and "setCookie" (the Auth() ops); {"ok": false, "error"}
// when a job itself failed.
//
// The Auth() ops run the configuration of authConfig below: the session
// cookie over https (__Secure-authjs.session-token), a jwt callback that
// merges update() data into the token, and a session callback that returns
// the whole token as session.token, so that a test sees what the Next.js
// app would.

import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";

import { Auth, skipCSRFCheck } from "@auth/core";
import Credentials from "@auth/core/providers/credentials";
import { encode, decode } from "@auth/core/jwt";
import { EncryptJWT, base64url, calculateJwkThumbprint } from "jose";
import { hkdf } from "@panva/hkdf";

const RealDate = Date;

function version(pkg) {
  const url = new URL(`node_modules/${pkg}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")).version;
}

// withClock runs fn with the clock fixed at ms: Auth.js reads Date.now(), and
// jose `new Date()`.
async function withClock(ms, fn) {
  if (ms === undefined || ms === null) return fn();
  if (!Number.isSafeInteger(ms)) throw new Error("now must be an integer number of milliseconds");
  class FixedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(ms);
      else super(...args);
    }
    static now() {
      return ms;
    }
  }
  globalThis.Date = FixedDate;
  try {
    return await fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

function authConfig(job) {
  return {
    secret: job.secret,
    trustHost: true,
    basePath: "/auth",
    useSecureCookies: true,
    skipCSRFCheck, // CSRF is not under test: the session update flow is
    session: { strategy: "jwt", ...(job.maxAge && { maxAge: job.maxAge }) },
    logger: { error() {}, warn() {}, debug() {} },
    providers: [
      Credentials({
        credentials: { id: {}, name: {}, email: {} },
        authorize: (c) => ({ id: c.id, name: c.name, email: c.email }),
      }),
    ],
    callbacks: {
      jwt({ token, trigger, session }) {
        if (trigger === "update" && session) Object.assign(token, session);
        return token;
      },
      session({ session, token }) {
        return { ...session, token };
      },
    },
  };
}

async function respond(res) {
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text.length > 200 ? text.slice(0, 200) : text;
  }
  return { ok: true, status: res.status, body, setCookie: res.headers.getSetCookie() };
}

const origin = "https://app.example";

// gcmEncode writes what Auth.js's decode accepts and its encode never
// writes: the same token under A256GCM, with Auth.js's 32-byte key and kid.
async function gcmEncode(job) {
  const secret = Array.isArray(job.secret) ? job.secret[0] : job.secret;
  const key = await hkdf("sha256", secret, job.salt, `Auth.js Generated Encryption Key (${job.salt})`, 32);
  const kid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(key) }, "sha256");
  const now = (Date.now() / 1000) | 0;
  return new EncryptJWT(job.token ?? {})
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid })
    .setIssuedAt()
    .setExpirationTime(now + (job.maxAge ?? 30 * 24 * 60 * 60))
    .setJti(crypto.randomUUID())
    .encrypt(key);
}

async function runJob(job) {
  switch (job.op) {
    case "encode":
      if (job.enc === "A256GCM") return { ok: true, token: await gcmEncode(job) };
      return {
        ok: true,
        token: await encode({ token: job.token ?? {}, secret: job.secret, salt: job.salt, maxAge: job.maxAge }),
      };
    case "decode":
      try {
        return { ok: true, payload: await decode({ token: job.token, secret: job.secret, salt: job.salt }) };
      } catch (e) {
        return { ok: true, payload: null, error: `${e.name}: ${e.message}` };
      }
    case "session":
      return respond(
        await Auth(new Request(`${origin}/auth/session`, { headers: { cookie: job.cookie ?? "" } }), authConfig(job)),
      );
    case "update":
      return respond(
        await Auth(
          new Request(`${origin}/auth/session`, {
            method: "POST",
            headers: { cookie: job.cookie ?? "", "content-type": "application/json" },
            body: JSON.stringify({ data: job.data }),
          }),
          authConfig(job),
        ),
      );
    case "signin":
      return respond(
        await Auth(
          new Request(`${origin}/auth/callback/credentials`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(job.user).toString(),
          }),
          authConfig(job),
        ),
      );
  }
  throw new Error(`unknown op ${JSON.stringify(job.op)}`);
}

async function runJobs(jobs) {
  const out = [];
  for (const job of jobs) {
    try {
      out.push(await withClock(job.now, () => runJob(job)));
    } catch (e) {
      out.push({ ok: false, error: `${e.name}: ${e.message}` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Vectors: every random byte (IVs, jti) comes from a seeded generator, and the
// clock is fixed per case, so the output is byte for byte reproducible.

function seedRandom(seed) {
  let counter = 0;
  let pool = Buffer.alloc(0);
  const next = (n) => {
    while (pool.length < n) {
      pool = Buffer.concat([pool, createHash("sha256").update(`${seed}:${counter++}`).digest()]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
  };
  crypto.getRandomValues = (a) => {
    const b = next(a.byteLength);
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(b);
    return a;
  };
  crypto.randomUUID = () => {
    const b = Buffer.from(next(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
}

const vecSecret = "sealcookie authjs vector secret one, 44 chars";
const vecSecret2 = "sealcookie authjs vector secret two, 44 chars";
const vecName = "__Secure-authjs.session-token";
const vecT0 = 1768471200000; // 2026-01-15T10:00:00Z
const vecUser = { name: "Ada Lovelace", email: "ada@example.com", picture: "https://example.com/ada.png", sub: "user-1" };

async function vectors() {
  seedRandom("sealcookie-authjs:vectors:1");
  const cases = [];
  const add = (c) => cases.push(c);
  const one = async (job) => {
    const [r] = await runJobs([job]);
    if (!r.ok) throw new Error(`${job.op}: ${r.error}`);
    return r;
  };
  const token = async (extra) =>
    (await one({ op: "encode", now: vecT0, secret: vecSecret, salt: vecName, token: vecUser, ...extra })).token;

  const plain = await token({});
  const check = async (name, kind, tok, opts) => {
    const r = await one({ op: "decode", now: opts.readAt, secret: opts.secret ?? [vecSecret], salt: opts.salt ?? vecName, token: tok });
    if ((kind === "accept") !== (r.payload !== null)) throw new Error(`${name}: Auth.js says ${JSON.stringify(r)}`);
    add({
      name,
      kind,
      note: opts.note,
      secrets: opts.secret ?? [vecSecret],
      cookieName: opts.salt ?? vecName,
      readAt: opts.readAt,
      token: tok,
      payload: r.payload,
      authjsError: r.error,
    });
  };
  const maxAge = 30 * 24 * 3600;
  const exp = vecT0 / 1000 + maxAge;
  await check("encode", "accept", plain, { readAt: vecT0 + 1000, note: "Auth.js's encode of the default claims" });
  await check("expiry: 15 s after exp, the last accepted second", "accept", plain, {
    readAt: (exp + 14) * 1000 + 999,
    note: "exp > now - 15 with now in whole seconds",
  });
  await check("expiry: exp + 15 s is refused", "reject", plain, { readAt: (exp + 15) * 1000 });
  const rotated = await token({ secret: [vecSecret2, vecSecret] });
  await check("rotation: the new secret encrypts, both decode", "accept", rotated, {
    readAt: vecT0,
    secret: [vecSecret, vecSecret2],
    note: "the kid picks the secret, whatever its place in the list",
  });
  await check("rotation: a secret no longer configured", "reject", rotated, { readAt: vecT0, secret: [vecSecret] });
  await check("wrong salt: another cookie name", "reject", plain, { readAt: vecT0, salt: "authjs.session-token" });
  const gcm = await token({ enc: "A256GCM" });
  await check("A256GCM, which Auth.js decodes and never encodes", "accept", gcm, { readAt: vecT0 });
  const big = await token({ token: { ...vecUser, groups: Array.from({ length: 200 }, (_, i) => `group-${i}-${"x".repeat(20)}`) } });
  await check("a token long enough for three chunks (at Auth.js's 3936 characters)", "accept", big, { readAt: vecT0 });
  const parts = plain.split(".");
  const flip = (s, i) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
  await check("tampered ciphertext", "reject", [parts[0], "", parts[2], flip(parts[3], 5), parts[4]].join("."), { readAt: vecT0 });
  await check("tampered tag", "reject", [parts[0], "", parts[2], parts[3], flip(parts[4], 0)].join("."), { readAt: vecT0 });
  await check("tampered iv", "reject", [parts[0], "", flip(parts[2], 3), parts[3], parts[4]].join("."), { readAt: vecT0 });

  // Auth.js's own cookies: a sign-in, then a session read that re-encodes
  // and chunks a large token, as the browser would receive them.
  const signin = await one({ op: "signin", now: vecT0, secret: vecSecret, user: { id: "user-1", name: "Ada", email: "ada@example.com" } });
  const jar = (lines) =>
    lines
      .map((l) => l.split(";")[0])
      .filter((kv) => !kv.endsWith("="))
      .filter((kv) => kv.startsWith(vecName))
      .join("; ");
  const cookie = jar(signin.setCookie);
  const upd = await one({
    op: "update",
    now: vecT0 + 60000,
    secret: vecSecret,
    cookie,
    data: { role: "admin", groups: Array.from({ length: 200 }, (_, i) => `group-${i}-${"x".repeat(20)}`) },
  });
  add({
    name: "Auth.js's Set-Cookie lines: sign-in, then update() to a chunked token",
    kind: "cookies",
    secrets: [vecSecret],
    cookieName: vecName,
    readAt: vecT0 + 61000,
    signinSetCookie: signin.setCookie,
    updateSetCookie: upd.setCookie,
    payload: upd.body.token,
  });

  return {
    schema: "sealcookie-authjs-vectors/1",
    producer: `internal/authjstest/authjs.mjs --vectors, Node ${process.version}, @auth/core@${version("@auth/core")}, jose@${version("jose")}, @panva/hkdf@${version("@panva/hkdf")}`,
    seed: "sealcookie-authjs:vectors:1",
    notes:
      "Test secrets, published on purpose. Times are Unix milliseconds; evaluate a case with the clock at readAt. Each accept/reject case was checked against Auth.js's decode as it was written; payload is what it returned, authjsError why it refused.",
    cases,
  };
}

const arg = process.argv[2];
if (arg === "--versions") {
  process.stdout.write(
    JSON.stringify({ "@auth/core": version("@auth/core"), jose: version("jose"), "@panva/hkdf": version("@panva/hkdf") }) + "\n",
  );
} else if (arg === "--vectors") {
  process.stdout.write(JSON.stringify(await vectors(), null, 2) + "\n");
} else if (arg !== undefined) {
  process.stderr.write(`authjs.mjs: unknown argument ${arg}\n`);
  process.exit(2);
} else {
  let jobs;
  try {
    jobs = JSON.parse(readFileSync(0, "utf8"));
    if (!Array.isArray(jobs)) throw new Error("not an array");
  } catch (e) {
    process.stderr.write(`authjs.mjs: stdin must be a JSON array of jobs (${e.message})\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await runJobs(jobs)) + "\n");
}
