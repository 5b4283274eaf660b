// A socket.io server (no sio-spec) that publishes its AsyncAPI document at
// /asyncapi.json, for `sio-spec fuzz` over a real connection.
//
//   node fuzz_server.mjs   -> prints {"port": N} once listening on 127.0.0.1
//
// "add" and "note" keep the contract; "shout" breaks its ack schema for texts
// longer than 3 characters (it answers their length, a number, instead of a string).
import http from "node:http";
import { Server } from "socket.io";

const document = {
  asyncapi: "3.0.0",
  info: { title: "node fuzz target", version: "1.0.0" },
  channels: {
    root: {
      address: "/",
      messages: {
        add: {
          name: "add",
          payload: {
            type: "object",
            properties: { a: { type: "integer" }, b: { type: "integer" } },
            required: ["a", "b"],
          },
        },
        addAck: {
          name: "addAck",
          payload: {
            type: "object",
            properties: { sum: { type: "number" } },
            required: ["sum"],
          },
        },
        shout: { name: "shout", payload: { type: "string", maxLength: 20 } },
        shoutAck: { name: "shoutAck", payload: { type: "string" } },
        note: {
          name: "note",
          payload: {
            type: "object",
            properties: { text: { type: "string" } },
            required: ["text"],
          },
        },
        noted: {
          name: "noted",
          payload: {
            type: "object",
            properties: { length: { type: "integer", minimum: 0 } },
            required: ["length"],
          },
        },
      },
    },
  },
  operations: {
    add: {
      action: "receive",
      channel: { $ref: "#/channels/root" },
      messages: [{ $ref: "#/channels/root/messages/add" }],
      reply: { messages: [{ $ref: "#/channels/root/messages/addAck" }] },
    },
    shout: {
      action: "receive",
      channel: { $ref: "#/channels/root" },
      messages: [{ $ref: "#/channels/root/messages/shout" }],
      reply: { messages: [{ $ref: "#/channels/root/messages/shoutAck" }] },
    },
    note: {
      action: "receive",
      channel: { $ref: "#/channels/root" },
      messages: [{ $ref: "#/channels/root/messages/note" }],
    },
    noted: {
      action: "send",
      channel: { $ref: "#/channels/root" },
      messages: [{ $ref: "#/channels/root/messages/noted" }],
    },
  },
};

const httpServer = http.createServer((req, res) => {
  if (req.url === "/asyncapi.json") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(document));
    return;
  }
  if (!req.url.startsWith("/socket.io/")) {
    res.writeHead(404);
    res.end();
  }
});
const io = new Server(httpServer);

io.on("connection", (socket) => {
  socket.on("add", (payload, ack) => {
    if (typeof ack === "function") ack({ sum: payload.a + payload.b });
  });
  socket.on("shout", (text, ack) => {
    if (typeof ack !== "function") return;
    ack(text.length > 3 ? text.length : text.toUpperCase());
  });
  socket.on("note", (payload) => {
    socket.emit("noted", { length: String(payload.text).length });
  });
});

httpServer.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ port: httpServer.address().port }));
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
