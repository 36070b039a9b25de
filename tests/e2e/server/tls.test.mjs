// `switchboard serve` with [tls] cert and key: HTTPS for the routes and WSS (and HTTPS polling)
// for socket.io-client, on one port. The certificate is made by the test with openssl.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { io } from "socket.io-client";
import { binary, startServer } from "../support/fixture.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-tls-"));
const cert = path.join(dir, "cert.pem");
const key = path.join(dir, "key.pem");
const configFile = path.join(dir, "switchboard.toml");
let server;
let base;
before(async () => {
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  fs.writeFileSync(configFile, `
[server]
port = 0
data_dir = "${dir}/var"
[tls]
cert = "${cert}"
key = "${key}"
[auth]
jwt_secret = "a-tls-test-secret-that-is-long-enough-0123456789"
`);
  server = await startServer("switchboard", ["serve", "--config", configFile]);
  base = server.base.replace("http:", "https:");
});
after(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const getJson = (url) => new Promise((resolve, reject) => {
  https.get(url, { ca: fs.readFileSync(cert) }, (res) => {
    let body = "";
    res.on("data", (c) => { body += c; });
    res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
  }).on("error", reject);
});

describe("TLS", () => {
  it("serves the routes over HTTPS", async () => {
    assert.deepEqual(await getJson(`${base}/healthz`), { status: 200, body: { status: "alive" } });
  });

  for (const transports of [["websocket"], ["polling"]]) {
    it(`connects socket.io-client over ${transports[0] === "websocket" ? "WSS" : "HTTPS polling"}`, async () => {
      const token = execFileSync(binary("switchboard"), ["token", "--config", configFile, "--user", "secure"], { encoding: "utf8" }).trim();
      const socket = io(base, { transports, reconnection: false, auth: { token }, ca: fs.readFileSync(cert) });
      await new Promise((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      assert.equal(socket.io.engine.transport.name, transports[0]);
      socket.disconnect();
    });
  }

  it("does not speak plain HTTP on its TLS port", async () => {
    await assert.rejects(fetch(`${server.base}/healthz`));
  });
});
