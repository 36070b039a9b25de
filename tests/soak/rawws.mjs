// WebSocket by hand over `net`, for the loads that must misbehave below the official client:
// the upgrade request, masked client frames, and writes that respect backpressure.
import crypto from "node:crypto";
import net from "node:net";

// Resolves with the socket once the server answered 101 to an Engine.IO WebSocket upgrade; the
// caller then reads (resume) or does not (pause). Rejects on a refusal or after 10 s.
export function openRaw(ctx, query = "EIO=4&transport=websocket") {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: ctx.host, port: ctx.port, localAddress: ctx.localAddress });
    socket.on("error", () => {});  // a reset shows as "close"
    const fail = (why) => { socket.destroy(); reject(new Error(why)); };
    socket.setTimeout(10000, () => fail("upgrade timeout"));
    socket.once("close", () => fail("closed before the upgrade"));
    socket.once("connect", () => socket.write([
      `GET /socket.io/?${query} HTTP/1.1`, `Host: ${ctx.host}:${ctx.port}`, "Upgrade: websocket", "Connection: Upgrade",
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString("base64")}`, "Sec-WebSocket-Version: 13", "", ""].join("\r\n")));
    let head = "";
    const onData = (chunk) => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return head.length > 16384 ? fail("oversized answer") : undefined;
      socket.off("data", onData);
      socket.removeAllListeners("close");
      socket.setTimeout(0);
      if (!head.startsWith("HTTP/1.1 101")) return fail(`refused: ${head.slice(0, head.indexOf("\r\n"))}`);
      socket.pause();
      resolve(socket);
    };
    socket.on("data", onData);
  });
}

// One masked client frame (`fin` false for a fragment; `rsv` sets the reserved bits).
export function frame(opcode, payload, { fin = true, rsv = 0, masked = true } = {}) {
  const data = Buffer.from(payload);
  const len = data.length;
  const size = len < 126 ? [len] : len < 65536 ? [126, len >> 8, len & 255] : [127, 0, 0, 0, 0, len >>> 24, (len >> 16) & 255, (len >> 8) & 255, len & 255];
  const head = Buffer.from([(fin ? 0x80 : 0) | (rsv << 4) | opcode, (masked ? 0x80 : 0) | size[0], ...size.slice(1)]);
  if (!masked) return Buffer.concat([head, data]);
  const mask = crypto.randomBytes(4);
  for (let i = 0; i < len; i++) data[i] ^= mask[i & 3];
  return Buffer.concat([head, mask, data]);
}

// Writes `bytes`; when the socket's buffer is full, waits for it to drain (5 s at most, so that a
// stop is never held up). Resolves false once the socket is gone.
export function send(socket, bytes) {
  if (socket.destroyed) return Promise.resolve(false);
  if (socket.write(bytes)) return new Promise((resolve) => setImmediate(() => resolve(!socket.destroyed)));
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.off("drain", done);
      socket.off("close", done);
      resolve(!socket.destroyed);
    };
    const timer = setTimeout(done, 5000);
    socket.on("drain", done);
    socket.on("close", done);
  });
}
