/* sio-spec docs page: a small Socket.IO v5 / Engine.IO v4 client over WebSocket. */
"use strict";

var SioWire = (function () {
  var EVENT = 2;
  var ACK = 3;
  var BINARY_EVENT = 5;
  var BINARY_ACK = 6;

  function isBinary(value) {
    return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
  }

  /* Replace binary values by placeholders; the buffers go to ``buffers``. */
  function deconstruct(value, buffers) {
    if (isBinary(value)) {
      buffers.push(value);
      return { _placeholder: true, num: buffers.length - 1 };
    }
    if (Array.isArray(value)) {
      return value.map(function (item) { return deconstruct(item, buffers); });
    }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) { out[key] = deconstruct(value[key], buffers); });
      return out;
    }
    return value;
  }

  function reconstruct(value, buffers) {
    if (Array.isArray(value)) {
      return value.map(function (item) { return reconstruct(item, buffers); });
    }
    if (value && typeof value === "object") {
      if (value._placeholder === true && typeof value.num === "number") {
        if (value.num < 0 || value.num >= buffers.length) throw new Error("bad attachment");
        return buffers[value.num];
      }
      var out = {};
      Object.keys(value).forEach(function (key) { out[key] = reconstruct(value[key], buffers); });
      return out;
    }
    return value;
  }

  /* A Socket.IO packet as a text frame followed by its binary attachments. */
  function encode(packet) {
    var buffers = [];
    var data = packet.data === undefined ? undefined : deconstruct(packet.data, buffers);
    var type = packet.type;
    if (buffers.length) type = type === EVENT ? BINARY_EVENT : type === ACK ? BINARY_ACK : type;
    var text = String(type);
    if (buffers.length) text += buffers.length + "-";
    if (packet.nsp && packet.nsp !== "/") text += packet.nsp + ",";
    if (packet.id !== undefined && packet.id !== null) text += String(packet.id);
    if (data !== undefined) text += JSON.stringify(data);
    return [text].concat(buffers);
  }

  /* Parse the text part of a Socket.IO packet. */
  function decode(text) {
    var type = text.charCodeAt(0) - 48;
    if (!(type >= 0 && type <= 6)) throw new Error("unknown packet type");
    var i = 1;
    var attachments = 0;
    if (type === BINARY_EVENT || type === BINARY_ACK) {
      var dash = text.indexOf("-", i);
      if (dash < 0) throw new Error("bad binary packet");
      attachments = parseInt(text.slice(i, dash), 10);
      if (!(attachments >= 0)) throw new Error("bad attachment count");
      i = dash + 1;
    }
    var nsp = "/";
    if (text.charAt(i) === "/") {
      var comma = text.indexOf(",", i);
      if (comma < 0) {
        nsp = text.slice(i);
        i = text.length;
      } else {
        nsp = text.slice(i, comma);
        i = comma + 1;
      }
    }
    var id = "";
    while (i < text.length && text.charAt(i) >= "0" && text.charAt(i) <= "9") {
      id += text.charAt(i);
      i += 1;
    }
    var data = i < text.length ? JSON.parse(text.slice(i)) : undefined;
    return {
      type: type, nsp: nsp, id: id === "" ? null : parseInt(id, 10),
      data: data, attachments: attachments
    };
  }

  /* One Engine.IO v4 connection over WebSocket carrying any number of namespaces. */
  function Client(url) {
    this.url = url;
    this.ws = null;
    this.namespaces = {};
    this.acks = {};
    this.nextId = 0;
    this.pending = null;
    this.onevent = function () {};
    this.onclose = function () {};
    this.ondisconnect = function () {};
    this.timer = null;
    this.pingWindow = 45000;
  }

  Client.prototype.open = function () {
    var self = this;
    if (this.ready) return this.ready;
    this.ready = new Promise(function (resolve, reject) {
      var ws;
      try {
        ws = new WebSocket(self.url);
      } catch (error) {
        self.ready = null;
        reject(error);
        return;
      }
      ws.binaryType = "arraybuffer";
      self.ws = ws;
      self.rejectOpen = reject; // a no-op once the handshake resolved
      var opened = false;
      ws.onmessage = function (message) {
        if (typeof message.data !== "string") {
          self.binary(message.data);
          return;
        }
        var kind = message.data.charAt(0);
        if (kind === "0") {
          var handshake = JSON.parse(message.data.slice(1));
          self.sid = handshake.sid;
          self.pingWindow = (handshake.pingInterval || 25000) + (handshake.pingTimeout || 20000);
          self.watch();
          opened = true;
          resolve(self);
        } else if (kind === "2") {
          self.watch();
          ws.send("3" + message.data.slice(1));
        } else if (kind === "4") {
          self.packet(message.data.slice(1));
        } else if (kind === "1") {
          ws.close();
        }
      };
      ws.onerror = function () {
        if (!opened) reject(new Error("cannot open a WebSocket to the server"));
      };
      ws.onclose = function () {
        self.closed(opened ? "connection closed" : "connection refused");
        if (!opened) reject(new Error("cannot open a WebSocket to the server"));
      };
    });
    return this.ready;
  };

  Client.prototype.watch = function () {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () {
      if (self.ws) self.ws.close();
    }, this.pingWindow);
  };

  Client.prototype.closed = function (reason) {
    clearTimeout(this.timer);
    var self = this;
    this.ws = null;
    this.ready = null;
    this.pending = null;
    if (this.rejectOpen) this.rejectOpen(new Error(reason));
    this.rejectOpen = null;
    Object.keys(this.namespaces).forEach(function (nsp) {
      var state = self.namespaces[nsp];
      if (state.reject) state.reject(new Error(reason));
    });
    this.namespaces = {};
    Object.keys(this.acks).forEach(function (id) { self.acks[id].reject(new Error(reason)); });
    this.acks = {};
    this.onclose(reason);
  };

  Client.prototype.send = function (packet) {
    if (!this.ws || this.ws.readyState !== 1) throw new Error("not connected");
    var frames = encode(packet);
    this.ws.send("4" + frames[0]);
    for (var i = 1; i < frames.length; i += 1) this.ws.send(frames[i]);
  };

  Client.prototype.packet = function (text) {
    var packet = decode(text);
    if (packet.attachments > 0) {
      this.pending = { packet: packet, buffers: [] };
      return;
    }
    this.dispatch(packet);
  };

  Client.prototype.binary = function (buffer) {
    if (!this.pending) return;
    this.pending.buffers.push(buffer);
    if (this.pending.buffers.length === this.pending.packet.attachments) {
      var packet = this.pending.packet;
      packet.data = reconstruct(packet.data, this.pending.buffers);
      this.pending = null;
      this.dispatch(packet);
    }
  };

  Client.prototype.dispatch = function (packet) {
    var state = this.namespaces[packet.nsp];
    if (packet.type === 0) {
      if (state && state.resolve) {
        state.connected = true;
        state.sid = packet.data && packet.data.sid;
        state.resolve(state.sid);
        state.resolve = state.reject = null;
      }
    } else if (packet.type === 4) {
      if (state && state.reject) {
        var error = new Error("connect_error");
        error.data = packet.data;
        state.reject(error);
      }
      delete this.namespaces[packet.nsp];
    } else if (packet.type === 1) {
      delete this.namespaces[packet.nsp];
      this.ondisconnect(packet.nsp);
    } else if (packet.type === EVENT || packet.type === BINARY_EVENT) {
      if (!Array.isArray(packet.data) || typeof packet.data[0] !== "string") return;
      var self = this;
      var reply = null;
      if (packet.id !== null) {
        reply = function (args) {
          self.send({ type: ACK, nsp: packet.nsp, id: packet.id, data: args });
        };
      }
      this.onevent(packet.nsp, packet.data[0], packet.data.slice(1), reply);
    } else if (packet.type === ACK || packet.type === BINARY_ACK) {
      var waiting = this.acks[packet.id];
      if (waiting && waiting.nsp === packet.nsp) {
        delete this.acks[packet.id];
        waiting.resolve(Array.isArray(packet.data) ? packet.data : []);
      }
    }
  };

  Client.prototype.connect = function (nsp, auth) {
    var self = this;
    return this.open().then(function () {
      if (self.namespaces[nsp] && self.namespaces[nsp].connected) return self.namespaces[nsp].sid;
      return new Promise(function (resolve, reject) {
        self.namespaces[nsp] = { resolve: resolve, reject: reject, connected: false };
        self.send({ type: 0, nsp: nsp, data: auth === undefined ? undefined : auth });
      });
    });
  };

  Client.prototype.emit = function (nsp, event, args, withAck) {
    var self = this;
    var state = this.namespaces[nsp];
    if (!state || !state.connected) return Promise.reject(new Error("namespace not connected"));
    var packet = { type: EVENT, nsp: nsp, data: [event].concat(args) };
    if (!withAck) {
      this.send(packet);
      return Promise.resolve(null);
    }
    packet.id = this.nextId;
    this.nextId += 1;
    return new Promise(function (resolve, reject) {
      self.acks[packet.id] = { nsp: nsp, resolve: resolve, reject: reject };
      self.send(packet);
    });
  };

  Client.prototype.disconnect = function (nsp) {
    if (this.namespaces[nsp]) {
      try {
        this.send({ type: 1, nsp: nsp });
      } catch (error) {
        /* the connection is gone already */
      }
      delete this.namespaces[nsp];
    }
    if (!Object.keys(this.namespaces).length) this.close();
  };

  Client.prototype.close = function () {
    // forget the socket at once, so a connect() right after opens a new one; the old
    // socket's own close event no longer reaches this client
    var ws = this.ws;
    if (!ws) return;
    ws.onmessage = ws.onerror = ws.onclose = null;
    ws.close();
    this.closed("closed by the page");
  };

  Client.prototype.connected = function () {
    var self = this;
    return Object.keys(this.namespaces).filter(function (nsp) {
      return self.namespaces[nsp].connected;
    });
  };

  return { encode: encode, decode: decode, Client: Client, isBinary: isBinary };
})();
