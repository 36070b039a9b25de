// Credentials for the soak: the config's JWT secret and API key, JWTs minted here (HS256,
// claim `sub`), and session tokens made and revoked with the binary's `session` command.
import crypto from "node:crypto";
import fs from "node:fs";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

// The JWT secret and the first API key of a TOML config such as config/dev.toml.
export function readSecrets(configFile) {
  const text = fs.readFileSync(configFile, "utf8");
  const jwtSecret = /^\s*jwt_secret\s*=\s*"([^"]+)"/m.exec(text)?.[1];
  const apiKey = /^\s*keys\s*=\s*\{\s*[\w-]+\s*=\s*"([^"]+)"/m.exec(text)?.[1];
  if (!jwtSecret || !apiKey) throw new Error(`${configFile}: auth.jwt_secret or api.keys not found`);
  return { jwtSecret, apiKey };
}

const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

// A JWT for `user`, valid for a day (longer than any soak, so that expiry plays no part).
export function mintJwt(secret, user) {
  const now = Math.floor(Date.now() / 1000);
  const signed = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub: user, iat: now, exp: now + 86400 })}`;
  return `${signed}.${crypto.createHmac("sha256", secret).update(signed).digest("base64url")}`;
}

// A session token for `user` in the store the server reads; `id` is the prefix `revoke` takes.
export async function createSession(binary, sqlite, user) {
  const { stdout, stderr } = await run(binary, ["session", "create", "--user", user, "--sqlite", sqlite]);
  const id = /^session (\S+) for user/m.exec(stderr)?.[1];
  if (!id) throw new Error(`session create printed no id: ${stderr}`);
  return { token: stdout.trim(), id };
}

export async function revokeSession(binary, sqlite, id) {
  await run(binary, ["session", "revoke", id, "--sqlite", sqlite]);
}
