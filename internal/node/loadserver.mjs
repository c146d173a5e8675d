// The Node servers of the end-to-end race (internal/loadrace): the same
// route as the Go servers, GET / reads the session, counts the visit and
// writes the session back; GET /seed starts a session holding the small
// reference payload. Usage: node loadserver.mjs h3|iron-session
// It listens on a free loopback port and prints "listening <addr>".
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

import { H3, useSession, getSession, updateSession } from "h3";
import { toNodeHandler } from "h3/node";
import { getIronSession } from "iron-session";

const seed = JSON.parse(readFileSync(new URL("../../testdata/payloads/small.json", import.meta.url), "utf8")).data;
// Protects nothing but benchmark sessions.
const password = "the load race's Node password, 32 bytes or more";

function h3Handler() {
  const config = { name: "sid", password, cookie: { secure: false } };
  const app = new H3();
  app.get("/seed", async (event) => {
    await getSession(event, config);
    await updateSession(event, config, structuredClone(seed));
    return "ok";
  });
  app.get("/", async (event) => {
    const session = await useSession(event, config);
    await session.update({ views: (session.data.views ?? 0) + 1 });
    return "ok";
  });
  return toNodeHandler(app);
}

function ironSessionHandler() {
  const options = { password, cookieName: "sid", cookieOptions: { secure: false } };
  return async (req, res) => {
    const session = await getIronSession(req, res, options);
    if (req.url === "/seed") {
      Object.assign(session, structuredClone(seed));
    } else {
      session.views = (session.views ?? 0) + 1;
    }
    await session.save();
    res.end("ok");
  };
}

const mode = process.argv[2];
const handler = { h3: h3Handler, "iron-session": ironSessionHandler }[mode];
if (!handler) {
  console.error(`usage: node loadserver.mjs h3|iron-session (got ${mode})`);
  process.exit(2);
}
const server = createServer(handler());
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const { address, port } = server.address();
  console.log(`listening ${address}:${port}`);
});
