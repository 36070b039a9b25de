// The official Socket.IO client as the loads use it: one connection per call, over WebSocket,
// from the load's own source address, no automatic reconnection (the loads reconnect themselves).
import { io } from "socket.io-client";

export function connect(ctx, token, extra = {}) {
  return io(ctx.base, {
    forceNew: true, reconnection: false, transports: ["websocket"], localAddress: ctx.localAddress, auth: { token }, ...extra,
  });
}

// Resolves { ok: true } once `socket` is connected, or { ok: false, why } on a refusal or after `timeoutMs`.
export function connected(socket, timeoutMs = 10000) {
  if (socket.connected) return Promise.resolve({ ok: true });
  return new Promise((resolve) => {
    const done = (result) => {
      clearTimeout(timer);
      socket.off("connect", onConnect);
      socket.off("connect_error", onError);
      resolve(result);
    };
    const onConnect = () => done({ ok: true });
    const onError = (err) => done({ ok: false, why: String(err?.message ?? err).slice(0, 60) });
    const timer = setTimeout(() => done({ ok: false, why: "timeout" }), timeoutMs);
    socket.on("connect", onConnect);
    socket.on("connect_error", onError);
  });
}

// The client stops reading: what the server sends piles up in the kernel, then in the server.
export function stopReading(socket) {
  socket.io.engine.transport.ws.pause();
}

// Closes without the goodbye a non-reading client could not complete.
export function destroy(socket) {
  socket.io.engine?.transport?.ws?._socket?.destroy();
  socket.disconnect();
}
