// A minimal HTTP client for the loads: from a chosen source address, never throwing (a
// transport failure is status 0 with its error code), with a deadline.
import http from "node:http";

export const makeAgent = () => new http.Agent({ keepAlive: true, maxSockets: 64 });

export function request(url, { method = "GET", headers = {}, body, agent, localAddress, timeoutMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const req = http.request(url, { method, headers, agent, localAddress, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      res.on("error", (err) => resolve({ status: 0, error: err.code ?? err.message }));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", (err) => resolve({ status: 0, error: err.code ?? err.message }));
    req.end(body);
  });
}

// POST /api/v1/emit with the config's API key.
export const emitRest = (ctx, payload, agent) => request(`${ctx.base}/api/v1/emit`, {
  method: "POST",
  agent,
  localAddress: ctx.localAddress,
  headers: { "Content-Type": "application/json", Authorization: `Bearer ${ctx.apiKey}` },
  body: JSON.stringify(payload),
});
