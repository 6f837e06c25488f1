// Writes and reads session, id and transaction cookies with @auth0/nextjs-auth0's own code, so
// that authchain's tests can check its "nextjs" cookie format against the real package.
//
//   node nextjs.mjs fixtures <dir>   writes the fixture files authchain's tests read
//   node nextjs.mjs write            stdin: a write request (JSON); stdout: the cookies written
//   node nextjs.mjs read             stdin: a read request (JSON); stdout: what the package reads
//
// A write request is {"kind", "secret", "now"?, "cookieName"?, and "session" | "id" |
// "transaction"}; kind is "session" (the stateless store, chunked when large, with connection
// token cookies for session.connectionTokenSets), "stateful" (the id cookie) or "transaction"
// (TransactionStore.save as a login calls it: "cookies" are the login request's, whose oldest
// transaction cookies it evicts beyond its cap; the output's "deleted" names them).
// A read request is {"kind", "secret", "cookies": [{"name", "value"}], "cookieName"?,
// "state"?}. The package's functions that its entry points do not export (the session and
// transaction stores, encrypt and decrypt) are imported by path.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "node_modules", "@auth0", "nextjs-auth0", "dist");
const load = (path) => import(new URL(`file://${join(dist, path)}`).href);

const cookies = await load("server/cookies.js");
const { StatelessSessionStore } = await load("server/session/stateless-session-store.js");
const { StatefulSessionStore } = await load("server/session/stateful-session-store.js");
const { TransactionStore } = await load("server/transaction-store.js");
const { generateSessionCookie } = await import("@auth0/nextjs-auth0/testing");
const pkg = JSON.parse(readFileSync(join(dist, "..", "package.json"), "utf8"));

const realNow = Date.now;

// withClock runs fn with Date.now at now (epoch seconds), when given.
async function withClock(now, fn) {
  if (now === undefined) return fn();
  Date.now = () => now * 1000;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

// jar returns the request cookies of a Cookie header that carries list, parsed as the package
// parses a request's.
function jar(list = []) {
  const header = (list ?? []).map((c) => `${c.name}=${c.value}`).join("; ");
  return new cookies.RequestCookies(new Headers(header ? { cookie: header } : {}));
}

// written returns the cookies a response sets, as a browser sends them back (the raw value of
// each Set-Cookie line that is not a deletion), and the Set-Cookie lines.
function written(resCookies) {
  const lines = [];
  const deleted = resCookies.getAll().filter((c) => c.value === "").map((c) => c.name);
  for (const c of resCookies.getAll()) {
    const one = new cookies.ResponseCookies(new Headers());
    one.set(c);
    lines.push(one.toString());
  }
  const set = lines
    .map((line) => line.slice(0, line.indexOf(";") < 0 ? line.length : line.indexOf(";")))
    .map((pair) => ({ name: pair.slice(0, pair.indexOf("=")), value: pair.slice(pair.indexOf("=") + 1) }))
    .filter((c) => c.value !== "");
  return { cookies: set, setCookie: lines, deleted };
}

function memoryStore() {
  const data = new Map();
  return {
    data,
    get: async (id) => data.get(id) ?? null,
    set: async (id, s) => void data.set(id, s),
    delete: async (id) => void data.delete(id)
  };
}

const cookieOptions = (req) => ({ name: req.cookieName ?? "__session" });

async function write(req) {
  return withClock(req.now, async () => {
    const resCookies = new cookies.ResponseCookies(new Headers());
    switch (req.kind) {
      case "session": {
        const store = new StatelessSessionStore({ secret: req.secret, cookieOptions: cookieOptions(req) });
        await store.set(jar(), resCookies, structuredClone(req.session));
        return written(resCookies);
      }
      case "stateful": {
        const backing = memoryStore();
        const store = new StatefulSessionStore({ secret: req.secret, store: backing, cookieOptions: cookieOptions(req) });
        await store.set(jar(), resCookies, structuredClone(req.session), true);
        return { ...written(resCookies), id: [...backing.data.keys()][0] };
      }
      case "transaction": {
        const store = new TransactionStore({ secret: req.secret });
        await store.save(resCookies, structuredClone(req.transaction), jar(req.cookies));
        return written(resCookies);
      }
      case "generateSessionCookie": {
        const value = await generateSessionCookie(structuredClone(req.session), { secret: req.secret });
        return { cookies: [{ name: req.cookieName ?? "__session", value }], setCookie: [] };
      }
      default:
        throw new Error(`unknown kind ${req.kind}`);
    }
  });
}

async function read(req) {
  const reqCookies = jar(req.cookies);
  switch (req.kind) {
    case "session": {
      const store = new StatelessSessionStore({ secret: req.secret, cookieOptions: cookieOptions(req) });
      return { payload: await store.get(reqCookies) };
    }
    case "stateful": {
      // The backing store answers every id with the id itself, so the output shows the id the
      // cookie carries.
      const backing = { get: async (id) => ({ id }), set: async () => {}, delete: async () => {} };
      const store = new StatefulSessionStore({ secret: req.secret, store: backing, cookieOptions: cookieOptions(req) });
      const got = await store.get(reqCookies);
      return { payload: got ? { id: got.id } : null };
    }
    case "transaction": {
      const store = new TransactionStore({ secret: req.secret });
      const got = await store.get(reqCookies, req.state);
      return { payload: got ? got.payload : null };
    }
    case "decrypt": {
      const got = await cookies.decrypt(req.cookies[0].value, req.secret);
      return got ? { payload: got.payload, protectedHeader: got.protectedHeader } : { payload: null };
    }
    default:
      throw new Error(`unknown kind ${req.kind}`);
  }
}

// The fixtures: one secret, one clock, and the sessions of authchain's tests and benchmarks.
const secret = "b7e2c5a1f0d94e36a8c1027f5e9d3b64c2a7f18e0d5b9c3a6f4e2d1c0b9a8f7e";
const now = 1_800_000_000;

function fixtureSessions() {
  const realistic = JSON.parse(readFileSync(join(here, "realistic-session.json"), "utf8"));
  const small = {
    user: { sub: "auth0|small", name: "Small Session", email: "small@example.com" },
    tokenSet: { accessToken: "at-small", expiresAt: now + 3600 },
    internal: { sid: "sid-small", createdAt: now - 60 }
  };
  const withConnection = {
    ...structuredClone(small),
    connectionTokenSets: [
      { accessToken: "fc-access-token", scope: "https://www.googleapis.com/auth/calendar", expiresAt: now + 3600, connection: "google-oauth2" }
    ]
  };
  return { realistic, small, withConnection };
}

async function fixture(file, description, req, extra = {}) {
  const out = await write({ ...req, now });
  const got = await read({ kind: req.kind === "generateSessionCookie" ? "session" : req.kind, secret, cookies: out.cookies, state: req.transaction?.state, cookieName: req.cookieName });
  if (!got.payload) throw new Error(`${file}: the package cannot read what it wrote`);
  const body = {
    description,
    package: `${pkg.name}@${pkg.version}`,
    secret,
    now,
    kind: req.kind === "generateSessionCookie" ? "session" : req.kind,
    cookieName: req.cookieName ?? (req.kind === "transaction" ? undefined : "__session"),
    state: req.transaction?.state,
    cookies: out.cookies,
    setCookie: out.setCookie,
    payload: got.payload,
    id: out.id,
    ...extra
  };
  writeFileSync(file, JSON.stringify(body, null, 2) + "\n");
}

async function fixtures(dir) {
  const s = fixtureSessions();
  const txn = {
    nonce: "n-0S6_WzA2Mj",
    maxAge: 600,
    codeVerifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    responseType: "code",
    state: "af0ifjsldkj-state-4c9e2d1f",
    returnTo: "/dashboard?tab=2",
    scope: "openid profile email offline_access",
    audience: "https://api.example.com/"
  };
  await fixture(join(dir, "generate-session-cookie.json"), "generateSessionCookie (@auth0/nextjs-auth0/testing) of a small session: one __session cookie, exp = now + 1 h",
    { kind: "generateSessionCookie", secret, session: s.small });
  await fixture(join(dir, "session-small.json"), "StatelessSessionStore.set of a small session: one __session cookie",
    { kind: "session", secret, session: s.small });
  await fixture(join(dir, "session-realistic.json"), "StatelessSessionStore.set of the realistic 2.6 KB session: over 3,500 bytes, chunked as __session__0 and __session__1",
    { kind: "session", secret, session: s.realistic });
  await fixture(join(dir, "session-connection.json"), "StatelessSessionStore.set of a session with one connection token set: __session and __FC_0",
    { kind: "session", secret, session: s.withConnection });
  await fixture(join(dir, "stateful-id.json"), "StatefulSessionStore.set of a new session: __session holds the JWE of {id}",
    { kind: "stateful", secret, session: s.small });
  await fixture(join(dir, "transaction.json"), "TransactionStore.save: __txn_<state> = <unixSeconds>:<JWE of the TransactionState>",
    { kind: "transaction", secret, transaction: txn });
  // Versions up to 4.28 wrote the transaction's JWE without the timestamp prefix.
  const legacy = JSON.parse(readFileSync(join(dir, "transaction.json"), "utf8"));
  legacy.description = "a transaction cookie as 4.0 to 4.28 wrote it: the JWE alone, no timestamp prefix";
  legacy.cookies = legacy.cookies.map((c) => ({ name: c.name, value: c.value.slice(c.value.indexOf("%3A") + 3) }));
  legacy.setCookie = [];
  const got = await read({ kind: "transaction", secret, cookies: legacy.cookies, state: txn.state });
  if (!got.payload) throw new Error("the package cannot read a transaction cookie without the prefix");
  writeFileSync(join(dir, "transaction-legacy.json"), JSON.stringify(legacy, null, 2) + "\n");
}

async function stdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

const [mode, arg] = process.argv.slice(2);
switch (mode) {
  case "fixtures":
    await fixtures(arg ?? join(here, "fixtures"));
    break;
  case "write":
    process.stdout.write(JSON.stringify(await write(await stdin())) + "\n");
    break;
  case "read":
    process.stdout.write(JSON.stringify(await read(await stdin())) + "\n");
    break;
  default:
    process.stderr.write("usage: node nextjs.mjs fixtures [dir] | write | read\n");
    process.exit(2);
}
