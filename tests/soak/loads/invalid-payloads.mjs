// Invalid payloads: an authenticated raw WebSocket client sending malformed Engine.IO and
// Socket.IO packets (and, to end some rounds, malformed WebSocket frames), plus a polling client
// posting malformed bodies. Whatever the server closes is reopened.
import { mintJwt } from "../auth.mjs";
import { request, makeAgent } from "../http.mjs";
import { count, loops, pause } from "../kit.mjs";
import { frame, openRaw, send } from "../rawws.mjs";

const text = [
  "", "x", "7", "9", "0", "0{}", "5", "6", "3probe", "2probe", "4", "40{", "40/nowhere,", "40/nowhere,{}", "41/nowhere,",
  "42", "42[", "42{}", '42"x"', "42[]", "42[1]", '42["disconnect"]', '42["connect"]', '42/nowhere,["x"]', '42abc["x"]',
  '42-1["x"]', '4299999999999999999999["x"]', "43", "43[]", '437["x"]', "43x", "44", '44{"message":1}', "45",
  '451-["x",{"_placeholder":true,"num":0}]', '45999-["x"]', "46", "461-[]", "47", "48[]", `42${"[".repeat(5000)}`,
  `42["x",${'{"a":'.repeat(2000)}1${"}".repeat(2000)}]`, `42["x","${"\u00e9".repeat(4000)}"]`,
].map((packet) => frame(0x1, packet));
const binary = [
  frame(0x1, Buffer.from([0x34, 0x32, 0xff, 0xfe, 0xfd])),  // text that is not UTF-8
  frame(0x2, Buffer.from([0x00, 0x01, 0x02])), frame(0x2, Buffer.alloc(0)), frame(0x2, Buffer.from("4garbage")),
];
const junk = [  // each closes the connection
  frame(0x3, "reserved opcode"), frame(0x1, "42[]", { rsv: 4 }), frame(0x1, "42[]", { masked: false }),
  frame(0x8, Buffer.from([0x03, 0xe7])), frame(0x8, Buffer.from([0x03, 0xe8, 0xff, 0xfe])), frame(0x9, "p".repeat(200)),
  frame(0x0, "continuation without a start"), frame(0x1, "4", { fin: false }),
];
const bodies = ["", "x", "4\x1e", "1:", "\x1e\x1e", "40{bad", "bxyz", "42[", `4${"\x1e4".repeat(1000)}`, "9".repeat(70_000)];

export default async function invalidPayloads(ctx) {
  const hello = frame(0x1, `40${JSON.stringify({ token: mintJwt(ctx.jwtSecret, "invalid-payloads") })}`);
  const websocket = async () => {
    const socket = await openRaw(ctx);
    socket.resume();  // reads and discards: this client is not slow
    count(ctx, "connections");
    let ok = await send(socket, hello);
    for (let round = 0; ok && round < 20 && !ctx.stopping; round++) {
      for (const packet of [...text, ...binary]) {
        if (!(ok = await send(socket, packet))) break;
        count(ctx, "packets");
      }
    }
    if (ok && (await send(socket, junk[Math.floor(Math.random() * junk.length)]))) count(ctx, "junk frames");
    if (!ok) count(ctx, "closed by the server");
    await pause(ctx, ok ? 200 : 20);  // lets the server answer the junk
    socket.destroy();
  };
  const agent = makeAgent();
  const polling = async () => {
    const url = `${ctx.base}/socket.io/?EIO=4&transport=polling`;
    const open = await request(url, { agent, localAddress: ctx.localAddress });
    const sid = /"sid":"([^"]+)"/.exec(open.body ?? "")?.[1] ?? "none";
    for (const body of bodies) {
      const res = await request(`${url}&sid=${sid}`, { method: "POST", body, agent, localAddress: ctx.localAddress });
      count(ctx, `post ${res.status || res.error}`);
    }
    for (const query of ["EIO=3&transport=polling", "EIO=5&transport=polling", "EIO=4&transport=bogus", "EIO=4&transport=polling&sid=nope"]) {
      const res = await request(`${ctx.base}/socket.io/?${query}`, { agent, localAddress: ctx.localAddress });
      count(ctx, `get ${res.status || res.error}`);
    }
  };
  await Promise.all([loops(ctx, 2, websocket), loops(ctx, 1, polling)]);
  agent.destroy();
}
