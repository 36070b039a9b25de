// What the admin tests share: JWTs of the development configuration, and a socket's connection.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { binary } from "../support/fixture.mjs";

export const devConfig = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../config/dev.toml");

// A token of `user`, signed with the development secret.
export const token = (user) =>
  execFileSync(binary("switchboard"), ["token", "--config", devConfig, "--user", user], { encoding: "utf8" }).trim();

// Resolves once `socket` connects; rejects with its connect_error.
export const connected = (socket) => new Promise((resolve, reject) => {
  socket.once("connect", () => resolve(socket));
  socket.once("connect_error", reject);
});
