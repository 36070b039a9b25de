// A throwaway redis-server on a free loopback port, without persistence, for the cluster tests:
// started once it answers PING, stopped by its process id with its exit status checked.
import { spawn } from "node:child_process";
import { once } from "node:events";
import net from "node:net";
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
