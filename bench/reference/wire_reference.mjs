// The scenarios of bench/micro/wire_bench.cpp, run with the codecs of the Node.js reference
// server (socket.io-parser, engine.io-parser, notepack.io). Each returns a function of one op.
import { Encoder, Decoder } from "socket.io-parser";
import { decodePayload, encodePayload } from "engine.io-parser";
import notepack from "notepack.io";

const chatEvent = '["chat:message",{"roomId":"general","messageId":1234567,"from":"user:42","text":"Hello there, how is everyone doing today?","sentAt":1764086400000}]';
const chatPacket = () => ({ type: 2, nsp: "/chat", data: JSON.parse(chatEvent) });
const redisBroadcast = () => ["Xy12Ab", { type: 2, data: JSON.parse(chatEvent), nsp: "/chat" },
  { rooms: ["chat:general"], except: [], flags: {} }];

function decoderWith(sink) {
  const decoder = new Decoder();
  decoder.on("decoded", sink);
  return decoder;
}

export const scenarios = {
  sio_encode_event() {
    const encoder = new Encoder();
    const packet = chatPacket();
    // What the Node server does per emit: encode the packet, prefix the Engine.IO message type.
    return () => "4" + encoder.encode(packet)[0];
  },
  sio_decode_event() {
    let last;
    const decoder = decoderWith((p) => { last = p; });
    const text = "2/chat," + chatEvent;
    return () => { decoder.add(text); return last; };
  },
  "sio_decode_binary_event/1024": binaryDecode(1024),
  "sio_decode_binary_event/65536": binaryDecode(65536),
  eio_decode_payload() {
    const body = Array.from({ length: 10 }, () => "42/chat," + chatEvent).join("\x1e");
    return () => decodePayload(body);
  },
  frame_polling_payload_binary() {
    const encoder = new Encoder();
    return () => {
      const packet = chatPacket();
      packet.data.push(Buffer.alloc(4096, "b"));
      const parts = encoder.encode(packet);
      let payload;
      encodePayload(parts.map((data) => ({ type: "message", data })), (p) => { payload = p; });
      return payload;
    };
  },
  msgpack_encode_broadcast() {
    const message = redisBroadcast();
    return () => notepack.encode(message);
  },
  msgpack_decode_broadcast() {
    const bytes = notepack.encode(redisBroadcast());
    return () => notepack.decode(bytes);
  },
};

function binaryDecode(size) {
  return () => {
    let last;
    const decoder = decoderWith((p) => { last = p; });
    const text = '51-12["upload",{"name":"a.png","data":{"_placeholder":true,"num":0}}]';
    const attachment = Buffer.alloc(size, "x");
    return () => { decoder.add(text); decoder.add(attachment); return last; };
  };
}
