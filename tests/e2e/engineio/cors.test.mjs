// Origins: an allow-list of exact origins and subdomain patterns; polling responses carry the
// CORS headers, preflights are answered, and a refused origin gets 403 and no session.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startFixture } from "../support/fixture.mjs";
import { eioUrl, openPolling, openSocket, poll, stats } from "../support/eio.mjs";

let server;
let strict;
before(async () => {
  const origins = ["--cors-origin", "https://app.example.com", "--cors-origin", "https://*.example.org"];
  server = await startFixture("eio-conformance-server", origins);
  strict = await startFixture("eio-conformance-server", [...origins, "--refuse-missing-origin"]);
});
after(async () => {
  await server.stop();
  await strict.stop();
});

describe("CORS", () => {
  it("answers an allowed origin with its own origin and credentials", async () => {
    for (const origin of ["https://app.example.com", "https://a.example.org", "https://b.c.example.org"]) {
      const { sid, response } = await openPolling(server.base, { origin });
      assert.equal(response.headers.get("access-control-allow-origin"), origin);
      assert.equal(response.headers.get("access-control-allow-credentials"), "true");
      const polled = fetch(eioUrl(server.base, `&sid=${sid}`), { headers: { origin } });
      await fetch(eioUrl(server.base, `&sid=${sid}`), { method: "POST", body: "4x", headers: { origin } });
      assert.equal((await polled).headers.get("access-control-allow-origin"), origin);
    }
  });

  it("refuses other origins with 403 and code 4", async () => {
    for (const origin of ["https://evil.com", "http://app.example.com", "https://example.org",
                          "https://app.example.com.evil.com", "https://x.example.org.evil.com", "null"]) {
      const response = await fetch(eioUrl(server.base), { headers: { origin } });
      assert.equal(response.status, 403, origin);
      assert.deepEqual(await response.json(), { code: 4, message: "Forbidden" });
    }
  });

  it("refuses a polling request of an open session from a refused origin", async () => {
    const { sid } = await openPolling(server.base);
    const response = await fetch(eioUrl(server.base, `&sid=${sid}`), { headers: { origin: "https://evil.com" } });
    assert.equal(response.status, 403);
  });

  it("answers a preflight with 204 and the allowed methods and headers", async () => {
    const response = await fetch(eioUrl(server.base), {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST",
                 "access-control-request-headers": "content-type, x-custom" },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.match(response.headers.get("access-control-allow-methods"), /POST/);
    assert.equal(response.headers.get("access-control-allow-headers"), "content-type, x-custom");
  });

  it("refuses a WebSocket upgrade from a refused origin without opening a session", async () => {
    const before = (await stats(server.base)).sessions;
    const socket = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket`, { origin: "https://evil.com" });
    await assert.rejects(socket.opened, { status: 403 });
    assert.equal((await stats(server.base)).sessions, before);
    const allowed = openSocket(`${server.ws}/engine.io/?EIO=4&transport=websocket`, { origin: "https://app.example.com" });
    assert.equal((await allowed.next())[0], "0");
    allowed.close();
  });

  it("allows requests without an Origin by default, and refuses them when configured", async () => {
    assert.equal((await fetch(eioUrl(server.base))).status, 200);
    assert.equal((await fetch(eioUrl(strict.base))).status, 403);
    assert.equal((await fetch(eioUrl(strict.base), { headers: { origin: "https://app.example.com" } })).status, 200);
    const refused = await poll(strict.base, "AAAAAAAAAAAAAAAAAAAA");
    assert.equal(refused.status, 403);
  });
});
