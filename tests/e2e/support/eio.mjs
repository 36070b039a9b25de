// Small Engine.IO helpers over fetch and ws, for tests written from the protocol specification.
import WebSocket from "ws";

export const PING_INTERVAL = 300;
export const PING_TIMEOUT = 200;

export function eioUrl(base, query = "") {
  return `${base}/engine.io/?EIO=4&transport=polling${query}`;
}

export async function openPolling(base, headers = {}) {
  const response = await fetch(eioUrl(base), { headers });
  const text = await response.text();
  if (response.status !== 200 || !text.startsWith("0")) throw new Error(`handshake failed: ${response.status} ${text}`);
  return { ...JSON.parse(text.substring(1)), response };
}

export const poll = (base, sid, init = {}) => fetch(eioUrl(base, `&sid=${sid}`), init);
export const post = (base, sid, body, init = {}) => fetch(eioUrl(base, `&sid=${sid}`), { method: "POST", body, ...init });

// A WebSocket that records every message and its close, for `next()` to await in order.
export function openSocket(url, options = {}) {
  const socket = new WebSocket(url, options);
  const messages = [];
  const waiters = [];
  socket.binaryType = "nodebuffer";
  socket.on("message", (data, isBinary) => {
    const message = isBinary ? Buffer.from(data) : data.toString();
    const waiter = waiters.shift();
    if (waiter) waiter(message); else messages.push(message);
  });
  socket.on("error", () => {});
  socket.closed = new Promise((resolve) => socket.on("close", (code) => resolve(code)));
  socket.opened = new Promise((resolve, reject) => {
    socket.on("open", resolve);
    socket.on("unexpected-response", (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
  });
  socket.next = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiters.push(resolve)));
  return socket;
}

export async function stats(base) {
  return (await fetch(`${base}/stats`)).json();
}
