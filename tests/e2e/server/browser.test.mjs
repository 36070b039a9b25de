// The demo page in a real browser: Debian's headless Chromium driven by playwright-core. The page
// connects with its demo token (polling, then upgraded to WebSocket), joins the lobby, sends a
// message a second browser context receives, shows a notification emitted through the REST API,
// and a page of a refused origin cannot connect. Screenshot: build/tests/demo-page.png.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../support/fixture.mjs";
import { watchProblems } from "../support/page_problems.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-browser-"));
const screenshot = path.join(process.env.SWITCHBOARD_BIN_DIR ?? "build/bin", "..", "tests", "demo-page.png");
let server;
let browser;
let origin;
// A free loopback port, known before the server starts: the allowed origin names it.
const freePort = () => new Promise((resolve) => {
  const probe = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});

before(async () => {
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  // The development configuration as it is, on a port it does not list: the page's own origin is
  // always allowed; the same server reached as "localhost" is another origin.
  server = await startServer("switchboard", ["serve", "--config", path.join(root, "config/dev.toml"), "--port", String(port),
    "--set", `server.data_dir=${dataDir}`]);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});
after(async () => {
  await browser?.close();
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

// What a page logs as an error, fails to load, or answers with an error status (e.g. a missing
// /favicon.ico): the demo must have none.
const pageProblems = [];

async function openDemo() {
  const context = await browser.newContext();
  const page = await context.newPage();
  watchProblems(page, pageProblems);
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.getElementById("room-state").textContent === "joined");
  return page;
}

describe("the demo page in Chromium", () => {
  it("connects, upgrades, chats between two contexts and shows REST notifications", async () => {
    const first = await openDemo();
    const second = await openDemo();
    await first.waitForFunction(() => document.getElementById("transport").textContent === "over websocket");
    assert.equal(await first.textContent("#state"), "connected");

    await first.fill("#text", "hello from the first context");
    await first.click("#send-form button");
    await second.waitForFunction(() => document.getElementById("messages").textContent.includes("hello from the first context"));

    const res = await fetch(`${origin}/api/v1/emit`, {
      method: "POST",
      headers: { Authorization: "Bearer development-api-key-0123456789" },
      body: JSON.stringify({ event: "notice", data: { text: "hi from the REST API" }, users: ["demo"] }),
    });
    assert.equal(res.status, 202);
    await first.waitForFunction(() => document.getElementById("notices").textContent.includes("hi from the REST API"));
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    await first.screenshot({ path: screenshot, fullPage: true });
    await first.close();  // a page that closes while connected logs nothing either
    assert.deepEqual(pageProblems, []);
  });

  it("cannot connect from a refused origin", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // A page of another origin (the same server named "localhost") connecting to this one.
    await page.goto(`${origin.replace("127.0.0.1", "localhost")}/`);
    const outcome = await page.evaluate((url) => new Promise((resolve) => {
      const socket = io(url, { auth: { token: demoToken }, reconnection: false });  // eslint-disable-line no-undef
      socket.on("connect", () => resolve("connected"));
      socket.on("connect_error", (err) => resolve(`refused: ${err.message}`));
    }), origin);
    assert.match(outcome, /^refused: /);
    await context.close();
  });
});
