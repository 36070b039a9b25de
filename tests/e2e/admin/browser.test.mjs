// The official Socket.IO Admin UI (the npm bundle served at /admin/) in a real browser, Debian's
// headless Chromium driven by playwright-core, against `switchboard serve` with the admin login:
// a wrong password shows the UI's "Invalid credentials"; the right one opens the dashboard, which
// shows the server (by its admin.server_id) and three connected clients (two Node socket.io-client
// sockets and one python-socketio client, three users) with their rooms; the byte chart moves
// while a client sends events and the events page lists them; a room joined and a socket
// disconnected from the UI reach the clients. On a read-only server the action buttons are not
// shown. Nothing the pages load comes from another site, fails, or logs an error.
// Screenshot: build/tests/admin-ui.png (with UPDATE_SCREENSHOTS=1 also docs/admin-ui.png, the one
// README shows; a test run never changes the checkout otherwise).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { io } from "socket.io-client";
import { startServer, waitUntil } from "../support/fixture.mjs";
import { devConfig, token } from "./users.mjs";
import { watchProblems } from "../support/page_problems.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-admin-browser-"));
const screenshot = path.join(process.env.SWITCHBOARD_BIN_DIR ?? "build/bin", "..", "tests", "admin-ui.png");
const passwordHash = "$2b$10$heqvAkYMez.Va6Et2uXInOnkCT6/uQj1brkrbyG3LpopDklcq7ZOS";  // "changeit"
const apiKey = "development-api-key-0123456789";  // config/dev.toml
const serverId = "switchboard-e2e";
const WAIT = 30000;  // the sanitizer build is slow, and the UI hears from the server every 2 s

let server;    // the login configured
let readOnly;  // admin.read_only, no login (loopback): the page connects to its own origin at once
let browser;
const clients = [];  // Node sockets to close at the end
let python;          // the python-socketio client process

const serve = (name, ...sets) => startServer("switchboard", ["serve", "--config", devConfig, "--port", "0",
  "--set", `server.data_dir=${dir}/${name}`, "--set", "admin.enabled=true", ...sets.flatMap((s) => ["--set", s])]);

async function connectUser(node, user, transports = ["polling", "websocket"]) {
  const socket = io(node.base, { forceNew: true, reconnection: false, transports, auth: { token: token(user) } });
  clients.push(socket);
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

// A python-socketio client (Debian's python3-socketio) as a child process: prints "connected
// <sid>" and, when the server drops it, "disconnected"; emits "<event>" for each "emit <event>"
// line on its input, and leaves on "quit".
const pythonClient = `
import sys
import socketio

client = socketio.Client(reconnection=False)

@client.event
def disconnect():
    print("disconnected", flush=True)

client.connect(sys.argv[1], auth={"token": sys.argv[2]}, wait_timeout=10)
print("connected", client.get_sid("/"), flush=True)
for line in sys.stdin:
    line = line.strip()
    if line == "quit":
        break
    if line.startswith("emit "):
        client.emit(line[5:], {"from": "python"})
client.disconnect()
`;

function startPython(node, user) {
  const child = spawn("/usr/bin/python3", ["-c", pythonClient, node.base, token(user)], { stdio: ["pipe", "pipe", "pipe"] });
  const lines = [];
  let stderr = "";
  readline.createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
  child.stderr.on("data", (chunk) => { stderr += chunk; });
  const said = (prefix) => waitUntil(() => {
    if (child.exitCode !== null) throw new Error(`the python client exited (${child.exitCode}):\n${stderr}`);
    return lines.find((line) => line.startsWith(prefix));
  }, WAIT, `the python client to say "${prefix}"`);
  return {
    child,
    said,
    async sid() { return (await said("connected ")).split(" ")[1]; },
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, "exit");
        child.stdin.end("quit\n");
        await exited;
      }
      assert.equal(child.exitCode, 0, stderr);
    },
  };
}

before(async () => {
  server = await serve("main", "admin.username=admin", `admin.password_hash=${passwordHash}`, `admin.server_id=${serverId}`);
  readOnly = await serve("read-only", "admin.read_only=true");
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => {
  await browser?.close();
  clients.forEach((s) => s.close());
  await python?.stop();
  await server?.stop();
  await readOnly?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// What a page logs as an error, fails to load (a third-party site included: nothing outside the
// test's servers answers here), or answers with an error status: the UI must have none.
const pageProblems = [];

// A wide page (the navigation drawer shows from 1264 px) of its own browser context.
async function openAdmin(node) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  watchProblems(page, pageProblems, () => [server.base, readOnly.base]);
  await page.goto(`${node.base}/admin/`);
  return page;
}

// The login modal, filled and submitted.
async function submitLogin(page, password) {
  await page.getByLabel("Server URL").fill(server.base);
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Connect" }).click();
}

// The status in the app bar says "connected" (Vuetify's chip, upper-cased by CSS).
const uiConnected = (page) => page.waitForFunction(() => {
  const bar = document.querySelector("header");
  return bar && /Status:\s*connected/i.test(bar.innerText);
}, null, { timeout: WAIT });

// Through the navigation drawer: "" (the dashboard), "sockets", "rooms", "events", "servers".
const navigate = async (page, name) => {
  await page.click(`nav a[href="#/${name}"]`);
  await page.waitForFunction((n) => location.hash.replace(/\/$/, "") === `#/${n}`.replace(/\/$/, ""), name);
};

// Waits until the <main> text of the page matches every string of `texts`.
const mainShows = (page, texts, what = texts.join(", ")) => page.waitForFunction((wanted) => {
  const main = document.querySelector("main");
  return main && wanted.every((t) => main.innerText.includes(t));
}, texts, { timeout: WAIT }).catch((err) => { throw new Error(`the page never showed ${what}: ${err.message}`); });

// The visible rows of the page's clickable tables (Sockets, Rooms: views that are left stay in the
// DOM, hidden, for a moment).
const rows = (page) => page.locator("main .row-pointer tbody tr:visible");

// A socket's page, from the row of the Sockets page.
async function openSocket(page, id) {
  await navigate(page, "sockets");
  await rows(page).filter({ hasText: id }).click({ timeout: WAIT });
  await page.waitForFunction((i) => location.hash.endsWith(`/sockets/${i}`), id, { timeout: WAIT });
}

const rest = async (node, body) => {
  const res = await fetch(`${node.base}/api/v1/emit`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};

describe("the Admin UI in Chromium", () => {
  let page;
  let ada;
  let bob;
  let cydSid;

  before(async () => {
    // Three clients of three users before the UI logs in: all_sockets brings them.
    ada = await connectUser(server, "ada");
    bob = await connectUser(server, "bob", ["websocket"]);
    python = startPython(server, "cyd");
    cydSid = await python.sid();
  });

  it("refuses a wrong password with the UI's invalid credentials message", async () => {
    // A page of its own: the UI leaves the refused connection's Engine.IO session open.
    const refused = await openAdmin(server);
    await refused.getByLabel("Server URL").waitFor({ timeout: WAIT });
    await submitLogin(refused, "not-the-password");
    const error = refused.locator(".v-dialog .red--text");
    await error.waitFor({ timeout: WAIT });
    assert.equal((await error.textContent()).trim(), "Invalid credentials");
    assert.equal(await refused.locator(".v-dialog--active").count(), 1, "the login modal stays open");
    await refused.context().close();
  });

  it("logs in, and the dashboard shows the server and three clients", async () => {
    page = await openAdmin(server);
    await page.getByLabel("Server URL").waitFor({ timeout: WAIT });
    await submitLogin(page, "changeit");
    await uiConnected(page);
    await page.waitForFunction(() => !document.querySelector(".v-dialog--active"), null, { timeout: WAIT });
    assert.equal(await page.evaluate(() => localStorage.getItem("server_url")), server.base);
    assert.match(await page.evaluate(() => localStorage.getItem("session_id")), /^[0-9a-f]{16}$/, "the session was saved");

    // The namespaces card: three sockets in "/" (the three users), the UI's own in "/admin".
    await page.waitForFunction(() => {
      const card = [...document.querySelectorAll(".v-card")].find((c) => c.querySelector(".v-card__title")?.innerText.trim() === "Namespaces");
      if (!card) return false;
      const lines = [...card.querySelectorAll("tbody tr")].map((tr) => tr.innerText.replace(/\s+/g, " ").trim());
      return lines.includes("/ 3") && lines.includes("/admin 1");
    }, null, { timeout: WAIT });
    // The servers card: one healthy server.
    await page.waitForFunction(() => {
      const card = [...document.querySelectorAll(".v-card")].find((c) => c.querySelector(".v-card__title")?.innerText.trim() === "Servers");
      return card && /healthy\s+1\b/i.test(card.innerText.replace(/\s+/g, " "));
    }, null, { timeout: WAIT });

    await navigate(page, "servers");
    await mainShows(page, [serverId, os.hostname(), String(server.child.pid)], "the server's id, host name and pid");
  });

  it("lists the three sockets with their rooms, and a room joined from a socket's page reaches the client", async () => {
    await navigate(page, "sockets");
    // (Listed from all_sockets: the UI selects the "/" namespace when it comes.)
    await mainShows(page, [ada.id, bob.id, cydSid], "the three sockets on the Sockets page");
    await waitUntil(async () => (await rows(page).count()) === 3, WAIT, "three rows on the Sockets page");
    assert.equal(await page.locator("main .row-pointer button:has(.mdi-logout):visible").count(), 3, "a disconnect button each");

    await navigate(page, "rooms");
    await mainShows(page, ["user:ada", "user:bob", "user:cyd"], "the users' rooms on the Rooms page");

    // Bob's page: his rooms; "vip" joined through the UI's form (the admin join action).
    await openSocket(page, bob.id);
    await mainShows(page, ["user:bob", bob.id]);
    await page.getByLabel("Join a room").fill("vip");
    await page.click("main form button:has(.mdi-tag-plus-outline)");
    // The socket page's Rooms card, its first column.
    const roomsCard = () => page.evaluate(() => {
      const card = [...document.querySelectorAll("main .v-card")].find((c) => c.querySelector(".v-card__title")?.innerText.trim() === "Rooms");
      return card ? [...card.querySelectorAll("tbody tr td:first-child")].map((td) => td.innerText.trim()).sort() : [];
    });
    await waitUntil(async () => (await roomsCard()).includes("vip"), WAIT, "vip among bob's rooms");
    assert.deepEqual(await roomsCard(), [bob.id, "user:bob", "vip"].sort());
    const news = once(bob, "vip-news");
    assert.deepEqual(await rest(server, { event: "vip-news", data: { hello: "vip" }, rooms: ["vip"] }), { status: 202, body: { recipients: 1 } });
    assert.deepEqual(await news, [{ hello: "vip" }]);
  });

  it("moves the byte chart while clients send events, and lists them on the events page", async () => {
    await navigate(page, "");
    const chart = page.locator(".v-card", { hasText: "Bytes received and sent" }).locator("canvas");
    await chart.waitFor({ timeout: WAIT });
    const image = () => chart.evaluate((canvas) => canvas.toDataURL());
    // What the chart draws as "Bytes received", from its Vue component (the element's __vue__).
    const bytesReceived = () => chart.evaluate((canvas) => {
      let el = canvas;
      while (el && !el.__vue__?.chartData) el = el.parentElement;
      const dataset = el?.__vue__.chartData.datasets.find((d) => d.label === "Bytes received");
      return dataset ? dataset.data.reduce((sum, point) => sum + point.y, 0) : -1;
    });
    const imageBefore = await image();
    const bytesBefore = await bytesReceived();
    assert.ok(bytesBefore >= 0, "the chart has a Bytes received dataset");

    // 40 events of 10 kB (within the server's per-socket event burst) and one from python: the
    // chart is drawn again with the bytes they carry.
    for (let i = 0; i < 40; i++) ada.emit("load", i, "x".repeat(10000));
    python.child.stdin.write("emit from-python\n");
    await waitUntil(async () => (await bytesReceived()) >= bytesBefore + 400000, WAIT, "the chart to count the bytes received");
    await waitUntil(async () => (await image()) !== imageBefore, WAIT, "the byte chart to be drawn again");

    // The dashboard for the screenshot: the histograms' time axes (moved every 10 s by the UI)
    // reach their last bars, and the charts stand still (0.5 s without a change: they are drawn
    // again, animated for 1 s, at each server_stats, every 2 s).
    await page.waitForFunction(() => {
      const canvases = [...document.querySelectorAll("main canvas")];
      const inRange = canvases.every((canvas) => {
        let el = canvas;
        while (el && !el.__vue__?.chartData) el = el.parentElement;
        const max = el?.__vue__.chartOptions?.scales?.x?.max;
        return !max || el.__vue__.chartData.datasets.every((d) => d.data.every((point) => point.x <= +max));
      });
      const now = canvases.map((c) => c.toDataURL()).join();
      window.stillFor = now === window.lastCharts ? (window.stillFor ?? 0) + 1 : 0;
      window.lastCharts = now;
      return document.fonts.status === "loaded" && canvases.length === 4 && inRange && window.stillFor >= 5;
    }, null, { polling: 100, timeout: 2 * WAIT });
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS === "1") fs.copyFileSync(screenshot, path.join(root, "docs/admin-ui.png"));

    await navigate(page, "events");
    await mainShows(page, ["Event received", "load", "from-python", ada.id], "the events received");
  });

  it("disconnects a socket from its page: the client gets io server disconnect", async () => {
    const id = ada.id;
    await openSocket(page, id);
    const reason = new Promise((resolve) => ada.once("disconnect", resolve));
    // The Socket table's status row: "Disconnect this Socket instance" (the Client table's button
    // would close the whole connection).
    const socketTable = page.locator("main .v-card", { hasText: "Details" }).locator(".v-data-table").nth(1);
    await socketTable.locator("button:has(.mdi-logout)").click();
    assert.equal(await reason, "io server disconnect");
    await page.waitForFunction(() => /disconnected/i.test(document.querySelector("main").innerText), null, { timeout: WAIT });
  });

  it("disconnects the python client's whole connection from its page", async () => {
    await openSocket(page, cydSid);
    const clientTable = page.locator("main .v-card", { hasText: "Details" }).locator(".v-data-table").nth(0);
    await clientTable.locator("button:has(.mdi-logout)").click();
    await python.said("disconnected");
    await page.close();
  });
});

describe("the Admin UI of a read-only server (no login, loopback)", () => {
  it("connects to its own origin at once and shows no action button", async () => {
    const user = await connectUser(readOnly, "eve", ["websocket"]);
    const page = await openAdmin(readOnly);
    await uiConnected(page);
    assert.equal(await page.locator(".v-dialog--active").count(), 0, "no login modal");
    await navigate(page, "sockets");
    await mainShows(page, [user.id]);
    assert.equal(await page.locator("main button:has(.mdi-logout)").count(), 0);

    await openSocket(page, user.id);
    await mainShows(page, ["user:eve"]);
    assert.equal(await page.locator("main button:has(.mdi-logout)").count(), 0, "no disconnect button");
    assert.equal(await page.locator("main button:has(.mdi-tag-off-outline)").count(), 0, "no leave button");
    // (The 0.5.1 UI shows its "join a room" form whatever the server supports.)

    await navigate(page, "rooms");
    await mainShows(page, ["user:eve"]);
    assert.equal(await page.locator("main button:has(.mdi-logout), main button:has(.mdi-tag-off-outline)").count(), 0);
    await page.close();
    assert.ok(user.connected);
  });

  it("had no page problem: no console error, no failed or third-party request, no error status", () => {
    assert.deepEqual(pageProblems, []);
  });
});
