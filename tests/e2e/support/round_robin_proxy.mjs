// A load balancer with no stickiness at all: each HTTP request, and each WebSocket upgrade, goes
// to the next backend in turn, whatever the session (requests and upgrades each have their own
// turn, so both spread evenly whatever their interleaving). It records what it saw: requests per backend,
// and the bodies of the answers whose status is 400 or more (e.g. "Session ID unknown").
import http from "node:http";
import net from "node:net";

export async function startRoundRobinProxy(backends) {
  const turns = { request: 0, upgrade: 0 };
  const tunnels = new Set();
  const stats = { requests: backends.map(() => 0), upgrades: backends.map(() => 0), errors: [] };
  const pick = (kind) => turns[kind]++ % backends.length;

  const server = http.createServer((req, res) => {
    const index = pick("request");
    stats.requests[index] += 1;
    const upstream = http.request({
      host: "127.0.0.1", port: backends[index], method: req.method, path: req.url, headers: req.headers,
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      if (answer.statusCode < 400) return answer.pipe(res);
      let body = "";
      answer.on("data", (chunk) => { body += chunk; res.write(chunk); });
      answer.on("end", () => { stats.errors.push({ status: answer.statusCode, body }); res.end(); });
    });
    upstream.on("error", (error) => {
      stats.errors.push({ status: 502, body: error.message });
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });

  server.on("upgrade", (req, socket, head) => {
    const index = pick("upgrade");
    stats.upgrades[index] += 1;
    const upstream = net.connect(backends[index], "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    tunnels.add(socket);
    const close = () => { upstream.destroy(); socket.destroy(); tunnels.delete(socket); };
    upstream.on("error", close);
    socket.on("error", close);
    upstream.on("close", close);
    socket.on("close", close);
  });

  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    stats,
    sessionIdUnknown: () => stats.errors.filter((e) => e.body.includes("Session ID unknown")).length,
    async stop() {
      server.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
