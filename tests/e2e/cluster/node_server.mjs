// A Node.js cluster node: the reference Socket.IO 4.8 server with @socket.io/redis-adapter 8.3,
// implementing on "/" and "/custom" the event contract that build/bin/sio-conformance-server
// implements with --redis (see mixed.test.mjs). Prints "listening on PORT"; exits 0 on SIGTERM.
//
//   node node_server.mjs --redis URL[,URL...] [--key KEY] [--name NAME] [--request-timeout-ms N] [--adapter classic|sharded]
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createAdapter, createShardedAdapter } from "@socket.io/redis-adapter";
import { createClient, createCluster } from "redis";
import { Server } from "socket.io";

const { values: options } = parseArgs({
  options: {
    redis: { type: "string" },
    key: { type: "string", default: "socket.io" },
    name: { type: "string", default: "node" },
    "request-timeout-ms": { type: "string", default: "5000" },
    adapter: { type: "string", default: "classic" },
  },
});
if (!options.redis) {
  console.error("usage: node node_server.mjs --redis URL [--key KEY] [--name NAME] [--request-timeout-ms N]");
  process.exit(2);
}

// Several URLs (comma-separated) are the nodes of a Redis Cluster.
const urls = options.redis.split(",");
const pub = urls.length > 1 ? createCluster({ rootNodes: urls.map((url) => ({ url })) }) : createClient({ url: urls[0] });
const sub = pub.duplicate();
// Without a listener, node-redis's "error" event (e.g. Redis restarting) would end the process.
for (const client of [pub, sub]) client.on("error", (error) => console.error(`redis: ${error.message}`));
await Promise.all([pub.connect(), sub.connect()]);

const httpServer = createServer();
const io = new Server(httpServer, {
  adapter: options.adapter === "sharded"
    ? createShardedAdapter(pub, sub, { channelPrefix: options.key })
    : createAdapter(pub, sub, { key: options.key, requestsTimeout: Number(options["request-timeout-ms"]) }),
});

const byJson = (a, b) => {
  const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};
const withError = (result, error) => (error ? { ...result, error: error.message } : result);

for (const name of ["/", "/custom"]) {
  const nsp = io.of(name);

  // Socket.IO has no catch-all for server-side events: the contract's two are listened to by name.
  const received = [];
  for (const event of ["cluster-note", "cluster-ping"]) {
    nsp.on(event, (...args) => {
      const reply = typeof args.at(-1) === "function" ? args.pop() : null;
      received.push([event, ...args]);
      if (event === "cluster-ping" && reply) reply({ pong: args[0], from: options.name });
    });
  }

  nsp.on("connection", (socket) => {
    // Every command is acked: `handler(ack, ...args)`. A failed request (e.g. a node that never
    // answers fetchSockets) is acked as {error} rather than ending the process.
    const command = (event, handler) => socket.on(event, async (...args) => {
      const ack = args.pop();
      try {
        await handler(ack, ...args);
      } catch (error) {
        ack({ error: error.message });
      }
    });

    command("join", (ack, room) => { socket.join(room); ack(); });
    command("leave", (ack, room) => { socket.leave(room); ack(); });
    command("rooms", (ack) => ack([...socket.rooms]));
    command("broadcast", (ack, room, ...args) => {
      nsp.to(room).emit("room-message", ...args);
      ack();
    });
    command("broadcast-to", (ack, { rooms, except }, ...args) => {
      nsp.to(rooms).except(except).emit("room-message", ...args);
      ack();
    });
    // Node hands a broadcast's callback only the first argument of each answer; each is wrapped
    // as a one-element argument list, the shape the switchboard fixture acks.
    command("broadcast-ack", (ack, room, timeoutMs, ...args) => {
      nsp.to(room).timeout(timeoutMs).emit("room-question", ...args, (error, answers) => {
        ack(withError({ answers: answers.map((answer) => [answer]).sort(byJson) }, error));
      });
    });
    command("fetch", async (ack, room) => {
      const sockets = await nsp.in(room).fetchSockets();
      ack(sockets.map((s) => s.id).sort());
    });
    command("fetch-details", async (ack, room) => {
      const sockets = await nsp.in(room).fetchSockets();
      const details = sockets.map((s) => ({ id: s.id, rooms: [...s.rooms].sort(), handshake: s.handshake }));
      ack(details.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
    });
    command("all-join", (ack, room, newRoom) => { nsp.in(room).socketsJoin(newRoom); ack(); });
    command("all-leave", (ack, room, oldRoom) => { nsp.in(room).socketsLeave(oldRoom); ack(); });
    command("all-disconnect", (ack, room) => {
      ack();
      nsp.in(room).disconnectSockets();
    });
    command("all-rooms", async (ack) => ack([...(await nsp.adapter.allRooms())].sort()));
    command("server-side-emit", (ack, event, ...args) => {
      nsp.serverSideEmit(event, ...args);
      ack();
    });
    // Node has no per-call timeout for serverSideEmit: the adapter's requestsTimeout
    // (--request-timeout-ms) applies, and timeoutMs is not used.
    command("server-side-emit-ack", (ack, timeoutMs, event, ...args) => {
      nsp.serverSideEmit(event, ...args, (error, answers) => ack(withError({ answers: [...answers].sort(byJson) }, error)));
    });
    command("received-server-side", (ack) => ack(received));
  });
}

httpServer.listen(0, "127.0.0.1", () => console.log(`listening on ${httpServer.address().port}`));

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, async () => {
    await io.close();
    await Promise.all([pub.quit(), sub.quit()]);
    // The adapter keeps each broadcast with ack for its whole timeout, on a timer nothing clears.
    process.exit(0);
  });
}
