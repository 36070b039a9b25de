// A throwaway redis-server on a free loopback port, without persistence, for the cluster tests:
// started once it answers PING, stopped by its process id with its exit status checked.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { waitUntil } from "./fixture.mjs";

async function freePort() {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

// Resolves true once the server at `port` answers PING, false on any error.
function answersPing(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let reply = "";
    socket.on("data", (chunk) => {
      reply += chunk;
      if (reply.includes("\r\n")) {
        socket.destroy();
        resolve(reply.startsWith("+PONG"));
      }
    });
    socket.on("error", () => resolve(false));
    socket.on("close", () => resolve(false));
    socket.write("*1\r\n$4\r\nPING\r\n");
  });
}

export async function startRedis() {
  const port = await freePort();
  let child = null;
  let output = "";
  const running = () => child.exitCode === null && child.signalCode === null;

  async function launch() {
    output = "";
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                  { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => { output += chunk; });
    child.stderr.on("data", (chunk) => { output += chunk; });
    await waitUntil(async () => {
      if (!running()) throw new Error(`redis-server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`);
      return answersPing(port);
    }, 10000, "redis-server to answer PING");
  }

  async function stop() {
    if (!running()) throw new Error(`redis-server had already exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code, signal] = await exited;
    if (code !== 0) throw new Error(`redis-server exited with ${code ?? signal}:\n${output}`);
  }

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    // Starts it again on the same port (stopping it first if it runs), empty.
    async restart() {
      if (running()) await stop();
      await launch();
    },
  };
}

// One inline command to the server on `port`; resolves its answer as text ("" on any error).
function ask(port, command) {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let reply = "";
    socket.on("data", (chunk) => { reply += chunk; });
    socket.on("error", () => resolve(""));
    socket.on("close", () => resolve(reply));
    socket.write(`${command}\r\nQUIT\r\n`);
  });
}

// A throwaway Redis Cluster: `masters` masters with a replica each (redis-server on free loopback
// ports, data and cluster bus, joined with `redis-cli --cluster create`), ready once every node says
// cluster_state:ok. `urls` are the masters' and replicas' addresses; `shardSubscribers(channel)`
// sums PUBSUB SHARDNUMSUB over every node (the channel's master is the one that counts), and
// `shardChannels(pattern)` lists the shard channels subscribed anywhere.
export async function startRedisCluster(masters = 3) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "switchboard-redis-cluster-"));
  const nodes = [];
  for (let i = 0; i < 2 * masters; i++) {
    const port = await freePort();
    let bus = await freePort();
    while (bus === port) bus = await freePort();
    const nodeDir = path.join(dir, String(port));
    await mkdir(nodeDir);
    const child = spawn("redis-server", ["--port", String(port), "--cluster-port", String(bus), "--bind", "127.0.0.1",
                                         "--cluster-enabled", "yes", "--cluster-node-timeout", "1000",
                                         "--cluster-replica-validity-factor", "0", "--cluster-config-file", "nodes.conf",
                                         "--dir", nodeDir, "--save", "", "--appendonly", "no", "--loglevel", "warning"],
                        { stdio: "ignore" });
    nodes.push({ port, child });
    await waitUntil(() => answersPing(port), 10000, "redis-server to answer PING");
  }
  const create = spawn("redis-cli", ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`),
                                     "--cluster-replicas", "1", "--cluster-yes"], { stdio: "ignore" });
  const [code] = await once(create, "exit");
  if (code !== 0) throw new Error(`redis-cli --cluster create exited with ${code}`);
  for (const node of nodes) {
    await waitUntil(async () => (await ask(node.port, "CLUSTER INFO")).includes("cluster_state:ok"), 30000,
                    `cluster_state:ok on ${node.port}`);
  }
  return {
    urls: nodes.map((n) => `redis://127.0.0.1:${n.port}`),
    async shardSubscribers(channel) {
      let total = 0;
      for (const node of nodes) {
        const match = /:(\d+)\r\n/.exec(await ask(node.port, `PUBSUB SHARDNUMSUB ${channel}`));
        if (match) total += Number(match[1]);
      }
      return total;
    },
    // The union over every node of PUBSUB SHARDCHANNELS `pattern` (each channel lives on one master).
    async shardChannels(pattern) {
      const names = new Set();
      for (const node of nodes) {
        const lines = (await ask(node.port, `PUBSUB SHARDCHANNELS ${pattern}`)).split("\r\n");
        for (let i = 0; i + 1 < lines.length; i++) if (lines[i].startsWith("$")) names.add(lines[i + 1]);
      }
      return [...names].sort();
    },
    async stop() {
      await Promise.all(nodes.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, "exit");
        child.kill("SIGTERM");
        await exited;
      }));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
