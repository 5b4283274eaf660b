// A socket.io-client program typed by the module sio-spec generates for
// tests/apps/features.py (copied next to this file as features.ts).
//
// typeChecks() is only compiled: every `@ts-expect-error` line below must be a type
// error, and the same lines without the directive must fail to compile.
// main() runs against the live server: node typescript_client.js URL
// prints one JSON line with what it saw.
import { io, type Socket } from "socket.io-client";
import type {
  AdminV2ClientToServerEvents,
  AdminV2ConnectAuth,
  AdminV2ServerToClientEvents,
  Circle,
  ClientToServerEvents,
  Drawing,
  Move,
  MoveAck,
  ServerToClientEvents,
  SioSpecBinary,
  SioSpecValidationError,
  Square,
  TreeNode,
} from "./features.js";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Admin = Socket<AdminV2ServerToClientEvents, AdminV2ClientToServerEvents>;
// What a client sends as a profile, and the profile it gets back in the ack
// (named by the document; read here from the event map).
type Profile = Parameters<ClientToServerEvents["profile"]>[0];
type ProfileAck = Parameters<Parameters<ClientToServerEvents["profile"]>[1]>[0];
type ProfileReceived = Extract<ProfileAck, { nickname: unknown }>;

export function area(shape: Circle | Square): number {
  if (shape.kind === "circle") {
    // @ts-expect-error a circle has no side: the union narrows on its tag
    const side: number = shape.side;
    return shape.radius * shape.radius * 3 + side;
  }
  return shape.side * shape.side;
}

export async function typeChecks(socket: Client, admin: Admin): Promise<void> {
  const move: Move = { game_id: 1, x: 0, y: 2 };
  // @ts-expect-error wrong payload: game_id is a number
  socket.emit("move", { game_id: "1", x: 0, y: 2 }, () => {});
  // @ts-expect-error wrong payload: y is required
  socket.emit("move", { game_id: 1, x: 0 }, () => {});
  // @ts-expect-error wrong argument count: the ack callback of move is required
  socket.emit("move", move);
  // @ts-expect-error wrong argument count: typing needs its room
  socket.emit("typing");
  // @ts-expect-error wrong argument count: typing takes two arguments and a callback
  socket.emit("typing", "general", true, () => {}, 4);
  // @ts-expect-error wrong argument count: upload takes a name and bytes
  socket.emit("upload", "a.bin", (ack) => ack);
  // @ts-expect-error unknown event
  socket.emit("no_such_event", 1);
  // @ts-expect-error wrong direction: notice is sent by the server
  socket.emit("notice", { text: "hi" });
  // @ts-expect-error wrong direction: move is sent by clients
  socket.on("move", () => {});
  // @ts-expect-error binary is not a string
  socket.emit("upload", "a.bin", "not bytes", () => {});
  // @ts-expect-error dict[str, int] values are numbers
  socket.emit("scores", { a: "1" }, () => {});
  // @ts-expect-error the ack of move is a MoveAck or a validation error
  socket.emit("move", move, (ack: number) => ack);
  // @ts-expect-error emitWithAck resolves to the ack
  const wrong: string = await socket.emitWithAck("move", move);
  // @ts-expect-error timeout() prepends an Error, then the ack
  socket.timeout(100).emit("move", move, (err: Error, ack: string) => [err, ack]);
  // @ts-expect-error the reply to question is an Answer
  socket.on("question", (notice, reply) => reply({ ok: "yes" }));
  // @ts-expect-error received bytes are not a string
  socket.on("blob", (data) => data.toUpperCase());
  // @ts-expect-error the connect auth token is a string
  const badAuth: AdminV2ConnectAuth = { token: 1 };
  // @ts-expect-error stats of /admin/v2 is not an event of /
  socket.emit("stats", () => {});
  // @ts-expect-error the server sends stats on /admin/v2, with Stats
  admin.on("stats", (stats) => stats.users.toUpperCase());
  // @ts-expect-error nickname is required (it may be null)
  const noNick: Profile = {};
  // @ts-expect-error what the server sends always has its defaulted fields
  const partial: ProfileReceived = { nickname: "ada" };
  // @ts-expect-error origin is a pair
  const badOrigin: Drawing = { shapes: [], origin: [1, 2, 3] };
  // @ts-expect-error a tree's children are trees
  const badTree: TreeNode = { label: "a", children: ["b"] };
  // @ts-expect-error a client-sent shape needs its tag
  socket.emit("draw", { shapes: [{ radius: 1 }] }, () => {});
  // @ts-expect-error a JSON Schema dict model is typed too: sku is required
  socket.emit("raw", { qty: 1 });
  // @ts-expect-error an unannotated ack is unknown, not any
  socket.emit("old", move, (value) => value.anything);
  void [wrong, badAuth, noNick, partial, badOrigin, badTree];

  // what compiles
  socket.emit("move", move, (ack) => {
    if ("error" in ack) {
      if (ack.error === "validation_error") {
        const detail: SioSpecValidationError["detail"] = ack.detail;
        void detail;
      }
    } else {
      const at: string = ack.at;
      void at;
    }
  });
  socket.timeout(100).emit("move", move, (err, ack) => void [err.message, ack]);
  const moved: MoveAck | { error: string } = await socket.emitWithAck("move", move);
  socket.emit("old", move);
  socket.emit("old", move, (...values) => void values);
  socket.emit("typing", "general");
  socket.emit("typing", "general", false);
  socket.emit("typing", "general", false, () => {});
  const bytes: SioSpecBinary = new Uint8Array([1, 2]);
  socket.emit("upload", "a.bin", bytes, (ack) => void ack);
  socket.emit("upload", "b.bin", new ArrayBuffer(2), (ack) => void ack);
  socket.emit("scores", { a: 1, b: 2 }, (ack) => void ack);
  socket.emit("tree", { label: "root", children: [{ label: "leaf" }] }, (ack) => void ack);
  const shapes: Drawing["shapes"] = [{ kind: "circle", radius: 1 }, { kind: "square", side: 2 }];
  socket.emit("draw", { shapes, origin: [0, 1] }, (ack) => void ack);
  socket.emit("profile", { nickname: null }, (ack) => {
    if (!("error" in ack)) {
      const age: number = ack.age;
      const bio: string | null = ack.bio;
      void [age, bio];
    }
  });
  socket.emit("anything", 1, "two", { three: 3 });
  socket.emit("raw", { sku: "A-1", qty: 2 });
  socket.emit("ping", (pong) => void (typeof pong === "string" ? pong.toUpperCase() : pong));
  socket.on("notice", (notice) => void notice.level.toUpperCase());
  socket.on("pair", (room, count) => void [room.toUpperCase(), count.toFixed()]);
  socket.on("tick", () => {});
  socket.once("notice", (notice) => void notice.text.toUpperCase());
  // @ts-expect-error once is typed like on
  socket.once("notice", (notice: string) => notice);
  const auth: AdminV2ConnectAuth = { token: "secret" };
  admin.emit("stats", (stats) => void ("rooms" in stats ? stats.rooms["general"] : stats));
  void [moved, auth];
}

async function main(url: string): Promise<void> {
  const seen: Record<string, unknown> = {};
  const socket: Client = io(url, { transports: ["websocket"], reconnection: false });
  const ticked = new Promise<void>((resolve) => socket.on("tick", () => resolve()));
  const paired = new Promise<[string, number]>((resolve) =>
    socket.on("pair", (room, count) => resolve([room, count])),
  );
  const blob = new Promise<number[]>((resolve) =>
    socket.on("blob", (data) => {
      resolve(data instanceof Uint8Array ? Array.from(data) : Array.from(new Uint8Array(data as ArrayBuffer)));
    }),
  );
  socket.on("question", (notice, reply) => {
    seen.question = notice.text;
    reply({ ok: true });
  });
  await new Promise<void>((resolve, reject) => {
    socket.on("connect", () => resolve());
    socket.on("connect_error", (err) => reject(err));
  });

  const ack = await socket.emitWithAck("move", { game_id: 3, x: 1, y: 2 });
  seen.move = "error" in ack ? ack.error : { accepted: ack.accepted, color: ack.color, at: ack.at };

  const invalid = await socket.emitWithAck("move", { game_id: 3, x: 9, y: 2 });
  if ("error" in invalid && invalid.error === "validation_error") {
    seen.invalid = { event: invalid.event, locs: invalid.detail.map((d) => d.loc) };
  }

  const uploaded = await socket.emitWithAck("upload", "data.bin", new Uint8Array([7, 8, 9]));
  seen.upload = "error" in uploaded ? uploaded.error : uploaded;

  seen.ask = await socket.emitWithAck("ask");
  seen.blob = await blob;
  await ticked;
  seen.tick = true;

  socket.emit("typing", "general", true);
  seen.pair = await paired;

  const profile = await socket.emitWithAck("profile", { nickname: null });
  seen.profile = profile;

  const adminAuth: AdminV2ConnectAuth = { token: "secret" };
  const admin: Admin = io(url + "/admin/v2", {
    transports: ["websocket"],
    reconnection: false,
    auth: adminAuth,
  });
  seen.stats = await admin.emitWithAck("stats");
  admin.disconnect();
  socket.disconnect();
  process.stdout.write(JSON.stringify(seen) + "\n");
}

if (process.argv[2]) {
  main(process.argv[2]).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stdout.write(JSON.stringify({ failed: String(err) }) + "\n");
      process.exit(1);
    },
  );
}
