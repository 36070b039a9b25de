// Writes JSON lines of test vectors made by the reference JavaScript codecs (socket.io-parser,
// engine.io-parser, notepack.io) from seeded pseudo-random values. reference_check.cpp reads
// them and checks that switchboard's codecs produce the same bytes and decode them back.
//
// Binary values are carried in the JSON lines as Socket.IO carries them: a placeholder
// {"_placeholder":true,"num":i} in the tree and base64 bytes in "attachments".
import { Encoder, PacketType } from "socket.io-parser";
import { encodePayload } from "engine.io-parser";
import notepack from "notepack.io";

const count = Number(process.argv[2] ?? 2000);
let seed = Number(process.argv[3] ?? 20261125) >>> 0;

// mulberry32: small, seeded, and the same on every machine.
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const int = (max) => Math.floor(random() * max);

const boundaryNumbers = [0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296,
  9007199254740991, -1, -31, -32, -33, -127, -128, -129, -32768, -32769, -2147483648,
  -2147483649, -9007199254740991, 0.5, -0.25, 1.5e21, 1e21, 1e-7, 123.456, 5e-324,
  1.7976931348623157e308, 0.1 + 0.2, 1e300, 100, 1e20];

// MessagePack vectors keep integers within +-2^53: notepack.io writes integral numbers past 2^63
// as garbage (it splits them with 32-bit shifts), and between 2^53 and 2^63 the JSON text of a
// double ("51719191484153270") reads back in C++ as a nearby exact int64, not that double.
let forMsgpack = false;
const msgpackSafe = (n) => (forMsgpack && Number.isInteger(n) && !Number.isSafeInteger(n) ? 0.5 : n);

function randomNumber() {
  return msgpackSafe(anyNumber());
}

function anyNumber() {
  switch (int(5)) {
    case 0: return pick(boundaryNumbers);
    case 1: return int(1 << 30) - (1 << 29);
    case 2: return (random() - 0.5) * Math.pow(10, int(40) - 20);
    case 3: return Math.floor((random() - 0.5) * Number.MAX_SAFE_INTEGER);
    default: return int(300) - 150;
  }
}

const alphabet = ["a", "b", "z", " ", "\"", "\\", "/", "\n", "\t", "\u0000", "\u001f", "\u007f",
  "é", "€", "\u2028", "😀", "中", "_", ","];
function randomString(maxLength = 40) {
  const roll = random();
  const length = roll < 0.05 ? 31 + int(3) : roll < 0.08 ? 255 + int(3) : roll < 0.083 ? 65535 + int(3) : int(maxLength);
  let s = "";
  for (let i = 0; i < length; i++) s += pick(alphabet);
  return s;
}

function randomBuffer() {
  const roll = random();
  const length = roll < 0.1 ? 255 + int(3) : roll < 0.103 ? 65535 + int(3) : int(20);
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = int(256);
  return bytes;
}

function randomValue(depth, allowBinary) {
  const roll = int(depth > 3 ? 6 : 9);
  switch (roll) {
    case 0: return null;
    case 1: return random() < 0.5;
    case 2: case 3: return randomNumber();
    case 4: return randomString();
    case 5: return allowBinary && random() < 0.5 ? randomBuffer() : randomString(5);
    case 6: case 7: {
      const length = random() < 0.05 ? 15 + int(3) : int(5);
      return Array.from({ length }, () => randomValue(depth + 1, allowBinary));
    }
    default: {
      const object = {};
      const length = random() < 0.05 ? 15 + int(3) : int(5);
      for (let i = 0; i < length; i++) object[randomString(8) + "k" + i] = randomValue(depth + 1, allowBinary);
      return object;
    }
  }
}

// The placeholder form of a value, numbering buffers in the order socket.io-parser does.
function withPlaceholders(value, attachments) {
  if (Buffer.isBuffer(value)) {
    attachments.push(value.toString("base64"));
    return { _placeholder: true, num: attachments.length - 1 };
  }
  if (Array.isArray(value)) return value.map((item) => withPlaceholders(item, attachments));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v, attachments)]));
  }
  return value;
}

const out = [];

function msgpackVector() {
  forMsgpack = true;
  const value = randomValue(0, true);
  forMsgpack = false;
  const attachments = [];
  const tree = withPlaceholders(value, attachments);
  out.push(JSON.stringify({ t: "msgpack", value: tree, attachments,
    bytes: notepack.encode(value).toString("base64") }));
}

function socketioVector() {
  const encoder = new Encoder();
  const type = pick([PacketType.CONNECT, PacketType.DISCONNECT, PacketType.EVENT, PacketType.EVENT,
    PacketType.ACK, PacketType.CONNECT_ERROR]);
  const packet = { type, nsp: pick(["/", "/admin", "/a-b/c.d", "/é"]) };
  if (type === PacketType.CONNECT && random() < 0.5) packet.data = { token: randomString(10), n: randomNumber() };
  if (type === PacketType.CONNECT_ERROR) packet.data = random() < 0.5 ? randomString() : { message: randomString(), data: randomValue(1, false) };
  if (type === PacketType.EVENT) packet.data = [random() < 0.9 ? "ev:" + randomString(10) : int(100), ...Array.from({ length: int(4) }, () => randomValue(1, true))];
  if (type === PacketType.ACK) packet.data = Array.from({ length: int(4) }, () => randomValue(1, true));
  if ((type === PacketType.EVENT || type === PacketType.ACK) && (type === PacketType.ACK || random() < 0.5)) {
    packet.id = random() < 0.1 ? 9007199254740991 : int(100000);
  }
  const attachments = [];
  const plain = { ...packet, data: packet.data === undefined ? undefined : withPlaceholders(packet.data, attachments) };
  const encoded = encoder.encode(packet).map((part, i) => (i === 0 ? part : Buffer.from(part).toString("base64")));
  out.push(JSON.stringify({ t: "sio", packet: plain, attachments, encoded }));
}

function engineioVector() {
  const packets = Array.from({ length: 1 + int(5) }, () => {
    if (random() < 0.3) return { type: "message", data: randomBuffer() };
    return { type: pick(["open", "close", "ping", "pong", "message", "upgrade", "noop"]),
             data: random() < 0.3 ? undefined : randomString().replaceAll("\u001e", "") };
  });
  encodePayload(packets.map((p) => ({ ...p })), (payload) => {
    out.push(JSON.stringify({ t: "eio", payload, packets: packets.map((p) => Buffer.isBuffer(p.data)
      ? { type: p.type, binary: p.data.toString("base64") }
      : { type: p.type, data: p.data ?? "" }) }));
  });
}

for (let i = 0; i < count; i++) {
  msgpackVector();
  socketioVector();
  engineioVector();
}
process.stdout.write(out.join("\n") + "\n");
