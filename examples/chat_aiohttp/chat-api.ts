// TypeScript types of "Chat API" "1.0.0" for socket.io-client.
// Written by sio-spec from the AsyncAPI document: do not edit, regenerate.

/** `Blob` where the environment has one (browsers, Node 18+), `never` elsewhere. */
export type SioSpecBlob = typeof globalThis extends { Blob: { prototype: infer B } } ? B : never;

/**
 * Binary data socket.io-client sends as an attachment: an `ArrayBuffer`, a typed
 * array or `DataView` (Node's `Buffer` too), or a `Blob` / `File`.
 */
export type SioSpecBinary = ArrayBuffer | ArrayBufferView | SioSpecBlob;

/** Credentials for ``/admin``. */
export interface AdminAuth {
  /** @minLength 1 */
  token: string;
}

export interface Announce {
  /**
   * @minLength 1
   * @maxLength 500
   */
  text: string;
}

/** A message from the administrators to every chat user. */
export interface Announcement {
  text: string;
  /** @format date-time */
  sent_at: string;
}

/** Who is connecting to ``/chat``. */
export interface ChatAuth {
  /**
   * @minLength 1
   * @maxLength 32
   * @pattern ^[A-Za-z0-9_.-]+$
   * @example "ada"
   */
  username: string;
}

export interface JoinRoom {
  /**
   * @minLength 1
   * @maxLength 40
   * @pattern ^[a-z0-9-]+$
   * @example "general"
   */
  room: string;
}

export interface Joined {
  room: string;
  /**
   * Users in the room, you included
   *
   * @minimum 1
   */
  members: number;
}

/** A message posted to a room. */
export interface Message {
  id: number;
  room: string;
  author: string;
  text: string;
  /** @format date-time */
  sent_at: string;
}

export interface NotInRoom {
  /** @default "not_in_room" */
  error: "not_in_room";
}

export interface PostMessage {
  /**
   * @minLength 1
   * @maxLength 40
   * @pattern ^[a-z0-9-]+$
   */
  room: string;
  /**
   * @minLength 1
   * @maxLength 2000
   * @example "hello!"
   */
  text: string;
}

export interface Posted {
  /** Id of the new message */
  id: number;
}

export type SendAck = Posted | NotInRoom;

/** One problem found in a payload. */
export interface SioSpecErrorDetail {
  /** Path inside the payload; for events with several arguments it starts with the argument's 0-based position. */
  loc: Array<string | number>;
  msg: string;
  type: string;
}

/** Sent as the acknowledgement when the server cannot answer (its handler's answer is invalid, or the handler's models cannot be read). Details are only logged on the server. */
export interface SioSpecInternalError {
  error: "internal_error";
  message: string;
}

/** Sent as the acknowledgement when an event's payload is invalid; the handler was not called. Input values are never echoed. */
export interface SioSpecValidationError {
  error: "validation_error";
  message: string;
  event: string;
  namespace: string;
  detail: SioSpecErrorDetail[];
}

export interface Stats {
  users: number;
  /** Members per room */
  rooms: Record<string, number>;
}

/** Someone in the room started or stopped typing. */
export interface Typing {
  room: string;
  username: string;
  active: boolean;
}

/**
 * Positional arguments: room, active (optional)
 *
 * @minItems 1
 * @maxItems 2
 */
export type TypingArgs = [string, boolean?];

/**
 * Positional arguments: filename, content
 *
 * @minItems 2
 * @maxItems 2
 */
export type UploadArgs = [string, SioSpecBinary];

export interface Uploaded {
  filename: string;
  size: number;
  sha256: string;
}

/** The `auth` payload of a connection to namespace "/admin". */
export type AdminConnectAuth = AdminAuth;

/**
 * Events clients emit on namespace "/admin":
 * the second type argument of socket.io-client's `Socket`.
 */
export interface AdminClientToServerEvents {
  /** Send an announcement to every chat user */
  announce: (
    ...args:
      | [data: Announce]
      | [data: Announce, callback: (error?: SioSpecValidationError) => void]
  ) => void;
  /**
   * Connected chat users and the size of each room.
   *
   * This event carries no data.
   */
  stats: (callback: (ack: Stats | SioSpecInternalError) => void) => void;
}

/**
 * Events the server emits on namespace "/admin":
 * the first type argument of socket.io-client's `Socket`.
 */
export interface AdminServerToClientEvents {}

/** The `auth` payload of a connection to namespace "/chat". */
export type ChatConnectAuth = ChatAuth;

/**
 * Events clients emit on namespace "/chat":
 * the second type argument of socket.io-client's `Socket`.
 */
export interface ChatClientToServerEvents {
  /**
   * Join a room (created on first use).
   *
   * @example {"room": "general"}
   */
  join: (data: JoinRoom, callback: (ack: Joined | SioSpecValidationError | SioSpecInternalError) => void) => void;
  /**
   * Leave a room.
   *
   * @example {"room": "general"}
   */
  leave: (
    ...args:
      | [data: JoinRoom]
      | [data: JoinRoom, callback: (error?: SioSpecValidationError) => void]
  ) => void;
  /** Post a message to a room you joined; everyone in it receives ``message``. */
  send: (data: PostMessage, callback: (ack: SendAck | SioSpecValidationError | SioSpecInternalError) => void) => void;
  /** Tell the others in ``room`` that you are (``active``) or stopped typing. */
  typing: (
    ...args:
      | [room: string]
      | [room: string, callback: (error?: SioSpecValidationError) => void]
      | [room: string, active: boolean]
      | [room: string, active: boolean, callback: (error?: SioSpecValidationError) => void]
  ) => void;
  /** Upload a file: its name, then its bytes (a binary attachment). */
  upload: (filename: string, content: SioSpecBinary, callback: (ack: Uploaded | SioSpecValidationError | SioSpecInternalError) => void) => void;
}

/**
 * Events the server emits on namespace "/chat":
 * the first type argument of socket.io-client's `Socket`.
 */
export interface ChatServerToClientEvents {
  /** Sent by an administrator to everyone */
  announcement: (data: Announcement) => void;
  /** A message was posted to a room */
  message: (data: Message) => void;
  /** Typing indicator of a room member */
  typing: (data: Typing) => void;
}
