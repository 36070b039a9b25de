// Starts a server binary of this tree (fixtures on a free loopback port), waits until it says
// it listens, and stops it by its process id. The exit status is checked: a sanitizer report fails the test.
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

const binDir = process.env.SWITCHBOARD_BIN_DIR ?? path.resolve("build/bin");

export const binary = (name) => path.join(binDir, name);

// A fixture server on a free port (it takes --port 0).
export const startFixture = (name, args = []) => startServer(name, ["--port", "0", ...args]);

// A server binary of this tree (or any program, by absolute path) run with `args`, once it
// prints "listening on PORT".
export async function startServer(name, args) {
  const child = spawn(path.isAbsolute(name) ? name : binary(name), args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => { stderr += chunk; });
  const port = await new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = /listening on (\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before listening:\n${stderr}`)));
    child.once("error", (error) => reject(new Error(`${name} could not start: ${error.message}`)));  // e.g. not built
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    base,
    ws: base.replace("http", "ws"),
    child,
    // What the server has logged so far (stderr).
    logs: () => stderr,
    async stop() {
      if (child.exitCode !== null) throw new Error(`${name} had already exited (${child.exitCode}):\n${stderr}`);
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code, signal] = await exited;
      if (code !== 0) throw new Error(`${name} exited with ${code ?? signal}:\n${stderr}`);
    },
  };
}

// Polls `probe` until it returns a truthy value, or fails after `timeoutMs`.
export async function waitUntil(probe, timeoutMs = 5000, what = "condition") {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
