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
  // A message awaited on a socket that closes fails the test instead of hanging it.
  socket.on("close", (code) => {
    for (const waiter of waiters.splice(0)) waiter(Object.assign(new Error(`socket closed (${code})`), { closedWith: code }));
  });
  socket.opened = new Promise((resolve, reject) => {
    socket.on("open", resolve);
    socket.on("unexpected-response", (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
  });
  socket.next = () => {
    if (messages.length) return Promise.resolve(messages.shift());
    if (socket.readyState === WebSocket.CLOSED) return Promise.reject(new Error("socket closed"));
    return new Promise((resolve, reject) => waiters.push((m) => (m instanceof Error && m.closedWith !== undefined ? reject(m) : resolve(m))));
  };
  return socket;
}

export async function stats(base) {
  return (await fetch(`${base}/stats`)).json();
}
