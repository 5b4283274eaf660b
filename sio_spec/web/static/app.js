/* sio-spec docs page: renders the embedded view model; every document string is text. */
"use strict";

(function () {
  var model;
  try {
    model = JSON.parse(document.getElementById("sio-spec-model").textContent);
  } catch (error) {  // not JSON (NaN or Infinity in it): the one-line error, not a blank page
    model = { title: "AsyncAPI", namespaces: [], schemas: {}, error: "it is not valid JSON (" + error.name + ")" };
  }
  var config = JSON.parse(document.getElementById("sio-spec-config").textContent);
  var schemas = model.schemas || {};
  var REF = "#/components/schemas/";
  // the constraint keywords of sio_spec/jsonschema_keywords.py (CONSTRAINTS, and
  // "format"), each with the label the page shows
  var CONSTRAINTS = [
    ["minLength", "min length"], ["maxLength", "max length"], ["pattern", "pattern"],
    ["format", "format"], ["minimum", "≥"], ["maximum", "≤"],
    ["exclusiveMinimum", ">"], ["exclusiveMaximum", "<"], ["multipleOf", "multiple of"],
    ["minItems", "min items"], ["maxItems", "max items"], ["uniqueItems", "unique items"],
    ["minProperties", "min keys"], ["maxProperties", "max keys"],
    ["contentEncoding", "encoding"], ["contentMediaType", "media type"]
  ];

  // -- DOM helpers: text only, never markup from the document -------------------------------

  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === undefined || children === null) return node;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function link(href, text, className) {
    var a = el("a", className, text);
    a.setAttribute("href", href);
    return a;
  }

  function badge(text, kind) {
    return el("span", "badge" + (kind ? " badge-" + kind : ""), text);
  }

  function json(value) {
    return JSON.stringify(value, null, 2);
  }

  function inline(value) {
    var text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  }

  function paragraphs(text, className) {
    if (!text) return null;
    var box = el("div", (className || "text") + " md");
    append(box, Markdown.blocks(String(text)));
    return box;
  }

  function decoded(text) {
    // a name or hash that is not valid percent-encoding ("100%") is taken as written
    try {
      return decodeURIComponent(text);
    } catch (error) {
      return text;
    }
  }

  function refName(schema) {
    if (schema && typeof schema.$ref === "string" && schema.$ref.indexOf(REF) === 0) {
      return decoded(schema.$ref.slice(REF.length).replace(/~1/g, "/").replace(/~0/g, "~"));
    }
    return null;
  }

  function resolve(schema) {
    var seen = 0;
    while (schema && refName(schema) !== null && seen < 64) {
      var target = schemas[refName(schema)];
      if (target === undefined) return schema;
      schema = target;
      seen += 1;
    }
    return schema;
  }

  function eventId(ns, dir, name) {
    return (dir === "c" ? "send:" : "receive:") + ns + ":" + name;
  }

  function anchor(id) {
    return "#" + encodeURIComponent(id);
  }

  // -- descriptions: a small, safe CommonMark subset, built as DOM nodes ----------------------
  // Everything is text: no raw HTML, no images; links only to http(s), mailto and #anchors.
  // reST from docstrings reads well too: ``literal`` and :role:`name` show as code, and
  // ``::`` before an indented block makes it a code block.

  var Markdown = (function () {
    var PUNCT = /[!-\/:-@\[-`{-~]/;
    // Bounds that keep a hostile description linear: how far a closing delimiter is looked
    // for, and how deeply inline spans nest.
    var REACH = 2000;
    var LABEL_REACH = 500;
    var DEPTH = 6;
    var SAFE_URL = /^(?:https?:\/\/|mailto:|#)/i;

    function safeHref(url) {
      var clean = String(url).replace(/[\u0000-\u0020\u007f]/g, "");
      return SAFE_URL.test(clean) ? clean : null;
    }

    /* Inline content: code spans, emphasis, links, autolinks, escapes. */
    function inline(text, depth) {
      depth = depth || 0;
      if (depth > DEPTH) return [text];
      var out = [];
      var buffer = "";
      var i = 0;
      var closers = {};
      function flush() { if (buffer) { out.push(buffer); buffer = ""; } }
      function run(ch, at) { var n = 0; while (text.charAt(at + n) === ch) n += 1; return n; }
      while (i < text.length) {
        var c = text.charAt(i);
        if (c === "\\" && i + 1 < text.length && PUNCT.test(text.charAt(i + 1))) {
          buffer += text.charAt(i + 1);
          i += 2;
          continue;
        }
        if (c === ":" ) {  // reST role: :class:`Name` -> code
          var role = /^:[a-zA-Z][\w.+-]*(?::[a-zA-Z][\w.+-]*)*:(?=`)/.exec(text.slice(i, i + 200));
          if (role && (i === 0 || !/\w/.test(text.charAt(i - 1)))) { i += role[0].length; continue; }
        }
        if (c === "`") {
          var n = run("`", i);
          var close = text.indexOf(repeat("`", n), i + n);
          while (close >= 0 && close - i < REACH && run("`", close) !== n) close = text.indexOf(repeat("`", n), close + run("`", close));
          if (close - i >= REACH) close = -1;
          if (close >= 0) {
            var code = text.slice(i + n, close).replace(/\n/g, " ");
            if (/^ .*[^ ].* $/.test(code)) code = code.slice(1, -1);
            code = code.replace(/^~/, "");
            flush();
            out.push(el("code", null, code));
            i = close + n;
            continue;
          }
          buffer += repeat("`", n);
          i += n;
          continue;
        }
        if (c === "!" && text.charAt(i + 1) === "[") {  // an image: its alt text only
          var image = linkAt(text, i + 1);
          if (image) { buffer += image.label; i = image.end; continue; }
        }
        if (c === "[") {
          var found = linkAt(text, i);
          if (found) {
            flush();
            var href = safeHref(found.url);
            var children = inline(found.label, depth + 1);
            if (href) {
              var a = el("a", null, children);
              a.setAttribute("href", href);
              if (href.charAt(0) !== "#") a.setAttribute("rel", "noopener noreferrer nofollow");
              out.push(a);
            } else {
              out.push(el("span", "md-unsafe-link", children));
            }
            i = found.end;
            continue;
          }
        }
        if (c === "<") {
          var auto = /^<((?:https?:\/\/|mailto:)[^\s<>]*)>/i.exec(text.slice(i, i + REACH));
          if (auto) {
            flush();
            var link = el("a", null, auto[1]);
            link.setAttribute("href", auto[1]);
            link.setAttribute("rel", "noopener noreferrer nofollow");
            out.push(link);
            i += auto[0].length;
            continue;
          }
        }
        if (c === "*" || c === "_") {
          var emph = emphasisAt(text, i, c, closers);
          if (emph) {
            flush();
            out.push(el(emph.strong ? "strong" : "em", null, inline(emph.inner, depth + 1)));
            i = emph.end;
            continue;
          }
          var k = run(c, i);
          buffer += repeat(c, k);
          i += k;
          continue;
        }
        buffer += c;
        i += 1;
      }
      flush();
      return out;
    }

    function repeat(s, n) { var r = ""; while (n-- > 0) r += s; return r; }

    /* [label](url "title") starting at ``start`` (the "["): label, url and end, or null. */
    function linkAt(text, start) {
      var depth = 0;
      var j = start;
      var end = Math.min(text.length, start + LABEL_REACH);
      for (; j < end; j += 1) {
        var ch = text.charAt(j);
        if (ch === "\\") { j += 1; continue; }
        if (ch === "`") { var e = text.indexOf("`", j + 1); if (e < 0 || e >= end) return null; j = e; continue; }
        if (ch === "[") depth += 1;
        if (ch === "]") { depth -= 1; if (depth === 0) break; }
      }
      if (depth !== 0 || text.charAt(j + 1) !== "(") return null;
      var m = /^\(\s*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+("[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/.exec(text.slice(j + 1, j + 1 + REACH));
      if (!m) return null;
      var url = m[1].charAt(0) === "<" ? m[1].slice(1, -1) : m[1];
      return { label: text.slice(start + 1, j), url: url, end: j + 1 + m[0].length };
    }

    /* *em*, **strong**, _em_, __strong__ at ``i``; ``_`` does not work inside words.
       ``closers`` caches, per marker, the positions that can close a span at all, so that
       each opener costs a binary search, not a scan. */
    function emphasisAt(text, i, ch, closers) {
      var n = text.charAt(i + 1) === ch ? 2 : 1;
      var after = text.charAt(i + n);
      if (!after || /\s/.test(after) || after === ch) return null;
      if (ch === "_" && i > 0 && /[A-Za-z0-9]/.test(text.charAt(i - 1))) return null;
      var marker = repeat(ch, n);
      var positions = closers[marker] || (closers[marker] = closingPositions(text, marker, ch));
      var lo = 0;
      var hi = positions.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (positions[mid] > i + n) hi = mid; else lo = mid + 1;
      }
      var close = lo < positions.length ? positions[lo] : -1;
      if (close < 0 || close - i > REACH || text.slice(i + n, close).indexOf("`") >= 0) return null;
      return { strong: n === 2, inner: text.slice(i + n, close), end: close + n };
    }

    function closingPositions(text, marker, ch) {
      var out = [];
      var at = text.indexOf(marker);
      while (at >= 0) {
        var before = text.charAt(at - 1);
        var next = text.charAt(at + marker.length);
        if (at > 0 && !/\s/.test(before) && next !== ch && !(ch === "_" && /[A-Za-z0-9]/.test(next))) {
          out.push(at);
        }
        at = text.indexOf(marker, at + 1);
      }
      return out;
    }

    var FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
    var ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
    var BULLET = /^ {0,3}([-*+])[ \t]+(.*)$/;
    var ORDERED = /^ {0,3}(\d{1,9})[.)][ \t]+(.*)$/;
    var RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
    var SETEXT = /^ {0,3}(=+|-+|~+|\^+)[ \t]*$/;

    function indentOf(line) { return /^[ \t]*/.exec(line)[0].replace(/\t/g, "    ").length; }

    /* Block structure: headings, code blocks, lists, quotes, rules, paragraphs. */
    function blocks(text, depth) {
      var lines = String(text).replace(/\r\n?/g, "\n").split("\n");
      var out = [];
      var para = [];
      var literalNext = false;  // the previous paragraph ended with reST's "::"
      function endPara() {
        if (!para.length) return;
        var joined = para.join("\n");
        if (/::\s*$/.test(joined)) {
          literalNext = true;
          joined = joined.replace(/\s*::\s*$/, /\s::\s*$/.test(joined) || /^\s*::\s*$/.test(joined) ? "" : ":");
        }
        if (joined) out.push(el("p", null, inline(joined)));
        para = [];
      }
      var i = 0;
      while (i < lines.length) {
        var line = lines[i];
        var fence = FENCE.exec(line);
        if (fence) {
          endPara();
          var body = [];
          i += 1;
          while (i < lines.length && !(new RegExp("^ {0,3}" + fence[1].charAt(0) + "{" + fence[1].length + ",}\\s*$")).test(lines[i])) {
            body.push(lines[i]);
            i += 1;
          }
          i += 1;
          out.push(codeBlock(body.join("\n"), fence[2]));
          continue;
        }
        if (!line.trim()) { endPara(); i += 1; continue; }
        var indent = indentOf(line);
        if (!para.length && (indent >= 4 || (literalNext && indent >= 1))) {
          var least = literalNext ? 1 : 4;
          var code = [];
          while (i < lines.length && (!lines[i].trim() || indentOf(lines[i]) >= least)) {
            code.push(lines[i]);
            i += 1;
          }
          while (code.length && !code[code.length - 1].trim()) code.pop();
          var cut = code.reduce(function (least, l) { return l.trim() ? Math.min(least, indentOf(l)) : least; }, Infinity);
          out.push(codeBlock(code.map(function (l) { return l.replace(/\t/g, "    ").slice(cut); }).join("\n"), ""));
          literalNext = false;
          continue;
        }
        literalNext = false;
        var atx = ATX.exec(line);
        if (atx) {
          endPara();
          out.push(heading(atx[1].length, atx[2] || ""));
          i += 1;
          continue;
        }
        if (para.length === 1 && SETEXT.test(line) && !BULLET.test(para[0])) {
          var level = /^\s*=/.test(line) ? 1 : 2;
          var title = para[0];
          para = [];
          out.push(heading(level, title));
          i += 1;
          continue;
        }
        if (!para.length && SETEXT.test(line) && i + 2 < lines.length && SETEXT.test(lines[i + 2]) && lines[i + 1].trim()) {
          out.push(heading(1, lines[i + 1].trim()));  // reST overlined title
          i += 3;
          continue;
        }
        if (RULE.test(line)) { endPara(); out.push(el("hr")); i += 1; continue; }
        if (/^ {0,3}>/.test(line)) {
          endPara();
          var quoted = [];
          while (i < lines.length && /^ {0,3}>/.test(lines[i])) {
            quoted.push(lines[i].replace(/^ {0,3}> ?/, ""));
            i += 1;
          }
          out.push(el("blockquote", null, depth < 4 ? blocks(quoted.join("\n"), depth + 1) : quoted.join("\n")));
          continue;
        }
        var bullet = BULLET.exec(line);
        var ordered = ORDERED.exec(line);
        if ((bullet || ordered) && (!para.length || bullet || (ordered && ordered[1] === "1"))) {
          endPara();
          var list = listAt(lines, i, !!ordered, depth);
          out.push(list.node);
          i = list.end;
          continue;
        }
        para.push(line.trim());
        i += 1;
      }
      endPara();
      return out;
    }

    function listAt(lines, i, ordered, depth) {
      var node = el(ordered ? "ol" : "ul", "md-list");
      var pattern = ordered ? ORDERED : BULLET;
      var first = pattern.exec(lines[i]);
      if (ordered && first[1] !== "1") node.setAttribute("start", String(parseInt(first[1], 10)));
      while (i < lines.length) {
        var item = pattern.exec(lines[i]);
        if (!item) break;
        var body = [item[2]];
        var width = lines[i].length - item[2].length;
        i += 1;
        while (i < lines.length) {
          var line = lines[i];
          if (!line.trim()) {
            if (i + 1 < lines.length && indentOf(lines[i + 1]) >= Math.min(width, 4) && lines[i + 1].trim()) {
              body.push("");
              i += 1;
              continue;
            }
            break;
          }
          if (indentOf(line) >= Math.min(width, 4)) { body.push(line.slice(Math.min(width, indentOf(line)))); i += 1; continue; }
          if (pattern.exec(line) || BULLET.exec(line) || ORDERED.exec(line)) break;
          body.push(line.trim());  // a lazy continuation line
          i += 1;
        }
        var content = depth < 4 ? blocks(body.join("\n"), depth + 1) : [body.join("\n")];
        var li = el("li", null);
        if (content.length === 1 && content[0].tagName === "P") {
          append(li, Array.prototype.slice.call(content[0].childNodes));
        } else {
          append(li, content);
        }
        node.appendChild(li);
        while (i < lines.length && !lines[i].trim() && i + 1 < lines.length && pattern.exec(lines[i + 1])) i += 1;
      }
      return { node: node, end: i };
    }

    function heading(level, text) {
      // Description headings sit inside an event card: keep them below the page's own.
      return el("h" + Math.min(6, level + 3), "md-heading", inline(text.trim()));
    }

    function codeBlock(text, language) {
      var pre = el("pre", "code md-code", el("code", null, text));
      if (language) pre.dataset.language = language;
      return pre;
    }

    return {
      blocks: function (text) { return blocks(String(text), 0); },
      inline: function (text) { return inline(String(text)); }
    };
  })();

  // -- schema trees ---------------------------------------------------------------------------

  function typeOf(schema) {
    if (schema === true || schema === undefined || schema === null) return { text: "any", nullable: false };
    if (schema === false) return { text: "nothing", nullable: false };
    var name = refName(schema);
    if (name !== null) return { text: name, nullable: false, ref: name };
    var nullable = schema.nullable === true;
    var types = schema.type;
    if (Array.isArray(types)) {
      if (types.indexOf("null") >= 0) nullable = true;
      types = types.filter(function (t) { return t !== "null"; });
      types = types.join(" | ");
    }
    var variants = schema.anyOf || schema.oneOf;
    if (!types && Array.isArray(variants)) {
      var rest = variants.filter(function (v) { return !(v && v.type === "null"); });
      if (rest.length < variants.length) nullable = true;
      if (rest.length === 1) {
        var inner = typeOf(rest[0]);
        return { text: inner.text, nullable: true, ref: inner.ref, unwrap: rest[0] };
      }
      types = schema.oneOf ? "one of" : "any of";
    }
    if (!types && Array.isArray(schema.allOf)) types = "all of";
    if (!types && constant(schema) !== undefined) types = "const";
    if (!types && schema.enum) types = "enum";
    if (!types && schema.properties) types = "object";
    if (types === "array" && schema.items && !Array.isArray(schema.items)) {
      types = "array of " + typeOf(schema.items).text;
    } else if (types === "array" && (Array.isArray(schema.items) || schema.prefixItems)) {
      types = "tuple";
    }
    return { text: types || "any", nullable: nullable };
  }

  // a const, or a one-value enum (the same thing, as the document writes string constants)
  function constant(schema) {
    if (schema.const !== undefined) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length === 1) return schema.enum[0];
    return undefined;
  }

  function facts(schema) {
    var out = [];
    if (!schema || typeof schema !== "object") return out;
    CONSTRAINTS.forEach(function (pair) {
      if (schema[pair[0]] !== undefined) out.push(el("span", "fact", pair[1] + " " + inline(schema[pair[0]])));
    });
    var fixed = constant(schema);
    if (fixed !== undefined) out.push(el("span", "fact fact-enum", "= " + inline(fixed)));
    if (Array.isArray(schema.enum) && fixed === undefined) {
      var values = el("span", "enum", "one of: ");
      schema.enum.forEach(function (value) { values.appendChild(el("code", "enum-value", inline(value))); });
      out.push(values);
    }
    if (schema.default !== undefined) out.push(el("span", "fact", "default " + inline(schema.default)));
    if (schema.deprecated) out.push(badge("deprecated", "warn"));
    if (schema.readOnly) out.push(badge("read only"));
    if (schema.writeOnly) out.push(badge("write only"));
    return out;
  }

  /* One row: label, type, badges, description; children rendered when opened. */
  function schemaNode(label, schema, required, ancestors, depth, member) {
    var type = typeOf(schema);
    var resolved = resolve(type.unwrap || schema);
    var name = type.ref || refName(type.unwrap);
    var recursive = name !== null && name !== undefined && ancestors.indexOf(name) >= 0;
    var head = el("span", "node-head", [
      member ? el("span", "member", member === "allOf" ? "and" : "or") : null,
      label !== null ? el("span", member ? "prop member-name" : "prop", label) : null,
      member && label === type.text ? null : el("span", "type", type.text),
      type.nullable ? badge("nullable") : null,
      required === true ? badge("required", "req") : required === false ? badge("optional") : null
    ]);
    append(head, facts(schema));
    if (resolved !== schema) append(head, facts(resolved));
    var description = (schema && schema.description) || (resolved && resolved.description) ||
      null;
    var info = description ? paragraphs(description, "node-desc") : null;
    if (recursive) {
      head.appendChild(badge("recursive: " + name, "loop"));
      return el("div", "node leaf", [head, info]);
    }
    var nextAncestors = name ? ancestors.concat([name]) : ancestors;
    var kids = childrenOf(resolved);
    if (!kids.length) return el("div", "node leaf", [head, info]);
    var details = el("details", "node", [el("summary", null, head), info]);
    var body = el("div", "node-body");
    details.appendChild(body);
    var filled = false;
    function fill() {
      if (filled) return;
      filled = true;
      kids.forEach(function (kid) {
        body.appendChild(schemaNode(kid.label, kid.schema, kid.required, nextAncestors, depth + 1, kid.member));
      });
    }
    details.addEventListener("toggle", function () { if (details.open) fill(); });
    if (depth < 1) {
      details.open = true;
      fill();
    }
    return details;
  }

  function childrenOf(schema) {
    var out = [];
    if (!schema || typeof schema !== "object") return out;
    var required = Array.isArray(schema.required) ? schema.required : [];
    if (schema.properties && typeof schema.properties === "object") {
      Object.keys(schema.properties).forEach(function (key) {
        out.push({ label: key, schema: schema.properties[key], required: required.indexOf(key) >= 0 });
      });
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      out.push({ label: "[any key]", schema: schema.additionalProperties, required: null });
    }
    if (schema.patternProperties && typeof schema.patternProperties === "object") {
      Object.keys(schema.patternProperties).forEach(function (pattern) {
        out.push({ label: "[key ~ " + pattern + "]", schema: schema.patternProperties[pattern], required: null });
      });
    }
    var tuple = schema.prefixItems || (Array.isArray(schema.items) ? schema.items : null);
    if (tuple) {
      var min = typeof schema.minItems === "number" ? schema.minItems : tuple.length;
      tuple.forEach(function (item, i) { out.push({ label: "[" + i + "]", schema: item, required: i < min }); });
    } else if (schema.items && typeof schema.items === "object" && childrenOf(resolve(schema.items)).length) {
      out.push({ label: "[item]", schema: schema.items, required: null });
    }
    ["anyOf", "oneOf", "allOf"].forEach(function (key) {
      if (!Array.isArray(schema[key])) return;
      var variants = schema[key].filter(function (v) { return !(v && v.type === "null"); });
      if (variants.length < 2 && key !== "allOf") return;
      variants.forEach(function (variant) {
        out.push({ label: memberName(variant), schema: variant, required: null, member: key });
      });
    });
    if (schema.not && typeof schema.not === "object") out.push({ label: "not", schema: schema.not, required: null });
    return out;
  }

  /* A union member is named as the document names it: its component, else its title
     (null: the member is shown by its type alone). */
  function memberName(variant) {
    var name = refName(variant);
    if (name !== null) return name;
    var target = resolve(variant);
    return target && typeof target === "object" && typeof target.title === "string" && target.title ? target.title : null;
  }

  function schemaTree(label, schema, required) {
    return el("div", "tree", schemaNode(label, schema, required, [], 0));
  }

  // -- the documentation ----------------------------------------------------------------------

  var cards = [];

  function argList(args, title) {
    if (args === null || args === undefined) {
      return el("div", "args", [el("h4", null, title), el("p", "muted", "Not declared in the document.")]);
    }
    if (!args.length) {
      return el("div", "args", [el("h4", null, title), el("p", "muted", "No arguments.")]);
    }
    var box = el("div", "args", el("h4", null, title));
    args.forEach(function (arg, i) {
      var label = args.length > 1 ? i + ": " + arg.name : arg.name;
      var tree = schemaTree(label, arg.schema === undefined ? true : arg.schema, args.length > 1 ? arg.required !== false : null);
      if (arg.binary) tree.firstChild.appendChild(badge("binary", "bin"));
      box.appendChild(tree);
    });
    return box;
  }

  // -- the error acks: described once, linked from every event that may get them ----------

  var errorAcks = [];  // names, in the order first met

  var ERROR_ACK_WHEN = {
    SioSpecValidationError: "when the arguments are invalid (the handler is not called)",
    SioSpecInternalError: "when the handler's acknowledgement is invalid"
  };

  function errorAckId(name) {
    return "error-ack:" + name;
  }

  function errorAckLinks(names) {
    var list = el("ul", "error-ack-links");
    names.forEach(function (name) {
      if (errorAcks.indexOf(name) < 0) errorAcks.push(name);
      list.appendChild(el("li", null, [
        link(anchor(errorAckId(name)), name, "error-ack-link"),
        ERROR_ACK_WHEN[name] ? el("span", "muted", " " + ERROR_ACK_WHEN[name]) : null
      ]));
    });
    return el("div", "args error-acks-of-event", [
      el("h4", null, names.length > 1 ? "Error acknowledgements" : "Error acknowledgement"),
      el("p", "muted", "Sent instead of the acknowledgement:"),
      list
    ]);
  }

  function errorAckSection() {
    if (!errorAcks.length) return null;
    var section = el("section", "namespace error-ack-section", [
      el("h2", null, [link(anchor("error-acks"), "#", "permalink"), "Error acknowledgements"]),
      el("p", "muted", "What a client gets back instead of an event's acknowledgement. " +
        "Tell them apart from acknowledgements by their \"error\" field.")
    ]);
    section.id = "error-acks";
    errorAcks.forEach(function (name) {
      var box = el("div", "event error-ack", [
        el("div", "event-head", [link(anchor(errorAckId(name)), "#", "permalink"), el("h3", "event-name", name)]),
        ERROR_ACK_WHEN[name] ? el("p", "summary", "Sent " + ERROR_ACK_WHEN[name] + ".") : null,
        schemaTree(null, { $ref: REF + name }, null)
      ]);
      box.id = errorAckId(name);
      section.appendChild(box);
    });
    return section;
  }

  function eventCard(ns, event) {
    var id = eventId(ns.path, event.dir, event.name);
    var head = el("div", "event-head", [
      link(anchor(id), "#", "permalink"),
      el("h3", "event-name", event.name),
      event.dir === "c" ? badge("client → server", "c") : badge("server → client", "s"),
      event.ack ? badge("ack", "ack") : null,
      event.deprecated ? badge("deprecated", "warn") : null
    ]);
    (event.tags || []).forEach(function (tag) { head.appendChild(badge(tag, "tag")); });
    var card = el("section", "event" + (event.deprecated ? " deprecated" : ""), [
      head,
      event.summary ? el("p", "summary", Markdown.inline(event.summary)) : null,
      paragraphs(event.description),
      argList(event.args, "Arguments")
    ]);
    card.id = id;
    if (event.ack) {
      card.appendChild(argList(event.ack.args, "Acknowledgement"));
      if (event.ack.errors && event.ack.errors.length) card.appendChild(errorAckLinks(event.ack.errors));
    }
    if (event.examples && event.examples.length) {
      var examples = el("div", "examples", el("h4", null, event.examples.length > 1 ? "Examples" : "Example"));
      event.examples.forEach(function (example) {
        var shown = event.args && event.args.length === 1 ? example[0] : example;
        examples.appendChild(el("pre", "code", json(shown)));
      });
      card.appendChild(examples);
    }
    if (config.console && event.dir === "c") {
      var tryIt = el("button", "try", "Try it in the console");
      tryIt.type = "button";
      tryIt.addEventListener("click", function () { Console.select(ns.path, event.name); });
      card.appendChild(tryIt);
    }
    card.dataset.search = (ns.path + " " + event.name + " " + (event.summary || "") + " " + (event.tags || []).join(" ")).toLowerCase();
    return card;
  }

  var places = [];  // per namespace: its section, nav entry and event groups

  /* After filtering: a heading whose events are all hidden goes too. */
  function hideEmptyHeadings(filtering, shown, errorSection, noMatch) {
    places.forEach(function (place) {
      var any = false;
      place.groups.forEach(function (group) {
        var visible = group.entries.some(function (entry) { return !entry.card.hidden; });
        group.heading.hidden = !visible;
        any = any || visible;
      });
      var keep = !filtering || any;
      place.section.hidden = !keep;
      place.nav.hidden = !keep;
    });
    if (errorSection) {
      errorSection.hidden = filtering && shown === 0;
      var navErrors = document.querySelector("#nav-list .nav-errors");
      if (navErrors) navErrors.hidden = errorSection.hidden;
    }
    noMatch.hidden = !(filtering && shown === 0 && cards.length > 0);
  }

  function renderDocs() {
    var root = document.getElementById("docs");
    var nav = document.getElementById("nav-list");
    var header = el("header", "doc-head", [
      el("h1", null, [model.title || "AsyncAPI", model.version ? el("span", "version", " " + model.version) : null]),
      paragraphs(model.description, "text lead"),
      el("p", "muted", "AsyncAPI " + (model.asyncapi || "") + " · ")
    ]);
    var links = header.lastChild;
    links.appendChild(link(config.json, "JSON"));
    links.appendChild(document.createTextNode(" · "));
    links.appendChild(link(config.yaml, "YAML"));
    root.appendChild(header);
    if (model.error) {
      root.appendChild(el("p", "doc-error", "This document cannot be shown: " + model.error));
    } else if (!model.namespaces.length) {
      root.appendChild(el("p", "muted", "This document describes no events."));
    }
    model.namespaces.forEach(function (ns) {
      var nsId = "namespace:" + ns.path;
      var section = el("section", "namespace", [
        el("h2", null, [link(anchor(nsId), "#", "permalink"), "Namespace ", el("code", null, ns.path)]),
        paragraphs(ns.description)
      ]);
      section.id = nsId;
      var navNs = el("li", "nav-ns", link(anchor(nsId), ns.path));
      var navEvents = el("ul", null);
      navNs.appendChild(navEvents);
      nav.appendChild(navNs);
      if (ns.auth !== undefined && ns.auth !== null) {
        section.appendChild(el("div", "auth", [el("h3", null, "Connect auth"),
          el("p", "muted", "The auth payload a client sends when it connects; an invalid one refuses the connection."),
          schemaTree("auth", ns.auth, null)]));
      }
      var place = { section: section, nav: navNs, groups: [] };
      [["c", "Client → server events"], ["s", "Server → client events"]].forEach(function (group) {
        var events = ns.events.filter(function (e) { return e.dir === group[0]; });
        if (!events.length) return;
        var heading = el("h3", "group", group[1]);
        var entries = [];
        section.appendChild(heading);
        events.forEach(function (event) {
          var card = eventCard(ns, event);
          section.appendChild(card);
          var item = el("li", "nav-ev nav-" + event.dir, link(anchor(card.id), event.name));
          navEvents.appendChild(item);
          var entry = { card: card, item: item, text: card.dataset.search };
          cards.push(entry);
          entries.push(entry);
        });
        place.groups.push({ heading: heading, entries: entries });
      });
      places.push(place);
      root.appendChild(section);
    });
    var errorSection = errorAckSection();
    if (errorSection) {
      root.appendChild(errorSection);
      nav.appendChild(el("li", "nav-ns nav-errors", link(anchor("error-acks"), "Error acks")));
    }
    var noMatch = el("p", "muted no-match", "No event matches the filter.");
    noMatch.id = "no-match";
    noMatch.hidden = true;
    root.appendChild(noMatch);
    var filter = document.getElementById("filter");
    var timer = null;
    filter.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        cards.forEach(function (entry) {
          var hit = words.every(function (w) { return entry.text.indexOf(w) >= 0; });
          entry.card.hidden = !hit;
          entry.item.hidden = !hit;
          if (hit) shown += 1;
        });
        hideEmptyHeadings(words.length > 0, shown, errorSection, noMatch);
        document.getElementById("filter-count").textContent = words.length ? shown + " of " + cards.length + " events" : "";
      }, 80);
    });
    foldableNav();
    if (location.hash.length > 1) {
      var target = document.getElementById(decoded(location.hash.slice(1)));
      if (target) target.scrollIntoView();
    }
  }

  /* Narrow screens: the event list folds behind a button, and folds again after a jump. */
  function foldableNav() {
    var nav = document.getElementById("nav");
    var toggle = document.getElementById("nav-toggle");
    if (!nav || !toggle) return;
    toggle.textContent = "Events (" + cards.length + ")";
    toggle.addEventListener("click", function () {
      var open = !nav.classList.contains("open");
      nav.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.getElementById("nav-list").addEventListener("click", function (event) {
      if (event.target && event.target.tagName === "A") {
        nav.classList.remove("open");
        toggle.setAttribute("aria-expanded", "false");
      }
    });
  }

  // -- JSON with the position of every value (to point at a field) --------------------------

  function layout(value) {
    var out = "";
    var spans = {};
    function walk(v, path, indent, from) {
      var start = out.length;
      if (Array.isArray(v) && v.length) {
        out += "[\n";
        v.forEach(function (item, i) {
          out += indent + "  ";
          walk(item, path.concat([i]), indent + "  ", out.length);
          out += (i < v.length - 1 ? "," : "") + "\n";
        });
        out += indent + "]";
      } else if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length) {
        var keys = Object.keys(v);
        out += "{\n";
        keys.forEach(function (key, i) {
          out += indent + "  ";
          var keyStart = out.length;
          out += JSON.stringify(key) + ": ";
          walk(v[key], path.concat([key]), indent + "  ", keyStart);
          out += (i < keys.length - 1 ? "," : "") + "\n";
        });
        out += indent + "}";
      } else {
        out += JSON.stringify(v === undefined ? null : v);
      }
      spans[JSON.stringify(path)] = [from === undefined ? start : from, out.length];
    }
    walk(value, [], "");
    return { text: out, spans: spans };
  }

  function spanOf(laid, loc) {
    for (var n = loc.length; n >= 0; n -= 1) {
      var span = laid.spans[JSON.stringify(loc.slice(0, n))];
      if (span) return { span: span, exact: n === loc.length };
    }
    return null;
  }

  // -- example values -------------------------------------------------------------------------

  function skeleton(schema, depth) {
    if (depth > 6 || schema === true || schema === undefined || schema === null) return null;
    schema = resolve(schema);
    if (!schema || typeof schema !== "object") return null;
    if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
    if (schema.example !== undefined) return schema.example;
    if (schema.default !== undefined) return schema.default;
    if (schema.const !== undefined) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
    var variants = schema.anyOf || schema.oneOf;
    if (Array.isArray(variants) && variants.length) {
      var pick = variants.filter(function (v) { return !(v && v.type === "null"); })[0] || variants[0];
      return skeleton(pick, depth + 1);
    }
    if (Array.isArray(schema.allOf) && schema.allOf.length) {
      var merged = {};
      schema.allOf.forEach(function (part) {
        var value = skeleton(part, depth + 1);
        if (value && typeof value === "object" && !Array.isArray(value)) Object.assign(merged, value);
      });
      return merged;
    }
    var type = Array.isArray(schema.type) ? schema.type.filter(function (t) { return t !== "null"; })[0] : schema.type;
    if (!type && schema.properties) type = "object";
    if (type === "object") {
      var out = {};
      var required = Array.isArray(schema.required) ? schema.required : [];
      var keys = Object.keys(schema.properties || {});
      keys.filter(function (k) { return required.indexOf(k) >= 0; }).forEach(function (key) {
        out[key] = skeleton(schema.properties[key], depth + 1);
      });
      return out;
    }
    if (type === "array") {
      var tuple = schema.prefixItems || (Array.isArray(schema.items) ? schema.items : null);
      if (tuple) return tuple.map(function (item) { return skeleton(item, depth + 1); });
      var list = [];
      for (var i = 0; i < (schema.minItems || 0) && i < 8; i += 1) list.push(skeleton(schema.items, depth + 1));
      return list;
    }
    if (type === "string") {
      if (schema.format === "date-time") return new Date().toISOString();
      if (schema.format === "date") return new Date().toISOString().slice(0, 10);
      if (schema.format === "uuid") return "00000000-0000-4000-8000-000000000000";
      if (schema.format === "email") return "user@example.com";
      var size = Math.max(schema.minLength || 0, 0);
      return size ? new Array(Math.min(size, 64) + 1).join("x") : "";
    }
    if (type === "integer" || type === "number") {
      if (typeof schema.minimum === "number") return schema.minimum;
      if (typeof schema.exclusiveMinimum === "number") return type === "integer" ? schema.exclusiveMinimum + 1 : schema.exclusiveMinimum + 0.5;
      return 0;
    }
    if (type === "boolean") return false;
    return null;
  }

  /* The value of the editor for an event's arguments: one value, or a list of them. */
  function argumentsValue(event) {
    var args = event.args;
    if (event.examples && event.examples.length) {
      var example = event.examples[0];
      return args && args.length === 1 ? example[0] : example;
    }
    if (args === null || args === undefined) return [];
    if (args.length === 1) return skeleton(args[0].schema, 0);
    return args.filter(function (a) { return a.required !== false; }).map(function (a) {
      return skeleton(a.schema, 0);
    });
  }

  // -- the console ----------------------------------------------------------------------------

  function bytesOf(value) {
    if (typeof value === "string") return new TextEncoder().encode(value);
    if (value && typeof value.$base64 === "string") {
      var raw = atob(value.$base64);
      var bytes = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
      return bytes;
    }
    return value;
  }

  function shownValue(value) {
    if (SioWire.isBinary(value)) {
      var bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      var text = "";
      for (var i = 0; i < bytes.length && i < 4096; i += 1) text += String.fromCharCode(bytes[i]);
      return { $binary: bytes.length + " bytes", $base64: btoa(text) + (bytes.length > 4096 ? "…" : "") };
    }
    if (Array.isArray(value)) return value.map(shownValue);
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) { out[key] = shownValue(value[key]); });
      return out;
    }
    return value;
  }

  var Console = {
    client: null,
    paused: false,
    logLimit: 500,

    build: function () {
      var self = this;
      var panel = document.getElementById("console");
      var server = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + config.socketioPath;
      this.url = server + (server.indexOf("?") >= 0 ? "&" : "?") + "EIO=4&transport=websocket";
      var namespaces = model.namespaces.map(function (ns) { return ns.path; });
      // the first documented namespace comes first (and is selected); "/" stays reachable
      if (namespaces.indexOf("/") < 0) namespaces.push("/");
      this.ns = el("select", null);
      this.ns.id = "console-namespace";
      namespaces.forEach(function (path) { var o = el("option", null, path); o.value = path; self.ns.appendChild(o); });
      this.auth = el("textarea", "editor small");
      this.auth.id = "console-auth";
      this.auth.spellcheck = false;
      this.connectButton = this.button("Connect", "console-connect", function () { self.connect(); });
      this.disconnectButton = this.button("Disconnect", "console-disconnect", function () { self.disconnect(); });
      this.status = el("p", "status", "Not connected.");
      this.status.id = "console-status";
      this.event = el("select", null);
      this.event.id = "console-event";
      this.payload = el("textarea", "editor");
      this.payload.id = "console-payload";
      this.payload.spellcheck = false;
      this.payloadHint = el("p", "muted hint", "");
      this.withAck = el("input", null);
      this.withAck.type = "checkbox";
      this.withAck.id = "console-with-ack";
      this.sendButton = this.button("Send", "console-send", function () { self.send(); });
      this.result = el("div", "result");
      this.result.id = "console-result";
      this.logFilter = el("input", null);
      this.logFilter.type = "search";
      this.logFilter.placeholder = "filter the log";
      this.logFilter.id = "console-log-filter";
      this.logFilter.addEventListener("input", function () { self.applyLogFilter(); });
      this.pause = el("input", null);
      this.pause.type = "checkbox";
      this.pause.id = "console-pause";
      this.pause.addEventListener("change", function () { self.paused = self.pause.checked; });
      this.log = el("ol", "log");
      this.log.id = "console-log";
      var pauseLabel = el("label", "check", [this.pause, " pause"]);
      var ackLabel = el("label", "check", [this.withAck, " wait for the ack"]);
      append(panel, [
        el("div", "console-head", [el("h2", null, "Console"), this.button("×", "console-close", function () { self.toggle(false); })]),
        el("p", "muted", ["Server ", el("code", null, server)]),
        el("label", "field", ["Namespace", this.ns]),
        el("label", "field", ["Connect auth (JSON, empty for none)", this.auth]),
        el("div", "buttons", [this.connectButton, this.disconnectButton]),
        this.status,
        el("h3", null, "Emit"),
        el("label", "field", ["Event", this.event]),
        el("label", "field", ["Arguments (JSON)", this.payload]),
        this.payloadHint,
        el("div", "buttons", [ackLabel, this.sendButton]),
        this.result,
        el("h3", null, "Server events"),
        el("div", "buttons", [this.logFilter, pauseLabel, this.button("Clear", "console-clear", function () {
          self.log.textContent = "";
        })]),
        this.log
      ]);
      this.ns.addEventListener("change", function () { self.namespaceChanged(); });
      this.event.addEventListener("change", function () { self.eventChanged(); });
      this.namespaceChanged();
      document.getElementById("console-toggle").addEventListener("click", function () { self.toggle(); });
    },

    button: function (text, id, onclick) {
      var b = el("button", null, text);
      b.type = "button";
      b.id = id;
      b.addEventListener("click", onclick);
      return b;
    },

    toggle: function (open) {
      document.body.classList.toggle("console-open", open);
      if (document.body.classList.contains("console-open") && window.innerWidth <= 900) {
        document.getElementById("console").scrollIntoView();
      }
    },

    namespace: function () {
      var path = this.ns.value;
      return model.namespaces.filter(function (ns) { return ns.path === path; })[0] ||
        { path: path, auth: null, events: [] };
    },

    namespaceChanged: function () {
      var ns = this.namespace();
      this.auth.value = ns.auth ? json(skeleton(ns.auth, 0)) : "";
      this.event.textContent = "";
      var self = this;
      ns.events.filter(function (e) { return e.dir === "c"; }).forEach(function (event) {
        var option = el("option", null, event.name + (event.deprecated ? " (deprecated)" : ""));
        option.value = event.name;
        self.event.appendChild(option);
      });
      var other = el("option", null, "other event…");
      other.value = "";
      this.event.appendChild(other);
      this.eventChanged();
      this.showStatus();
    },

    currentEvent: function () {
      var name = this.event.value;
      return this.namespace().events.filter(function (e) { return e.dir === "c" && e.name === name; })[0] || null;
    },

    eventChanged: function () {
      var event = this.currentEvent();
      this.result.textContent = "";
      if (!event) {
        this.payload.value = json({ event: "name", args: [] });
        this.payloadHint.textContent = "An event the document does not list: {\"event\": name, \"args\": [arguments]}.";
        this.withAck.checked = true;
        return;
      }
      this.payload.value = json(argumentsValue(event));
      var args = event.args;
      var hint = args && args.length === 1 ? "The argument's value." :
        args && args.length === 0 ? "This event takes no arguments: leave []." :
        "A list with one item per argument" + (args ? " (" + args.map(function (a) { return a.name; }).join(", ") + ")." : ".");
      if (args && args.some(function (a) { return a.binary; })) {
        hint += " Binary arguments: a string (sent as UTF-8 bytes) or {\"$base64\": \"...\"}.";
      }
      this.payloadHint.textContent = hint;
      this.withAck.checked = !!event.ack;
    },

    select: function (path, name) {
      this.toggle(true);
      this.ns.value = path;
      this.namespaceChanged();
      this.event.value = name;
      this.eventChanged();
      this.payload.focus();
    },

    showStatus: function (text) {
      var connected = this.client ? this.client.connected() : [];
      var path = this.ns.value;
      var here = connected.indexOf(path) >= 0;
      this.status.textContent = text || (connected.length ? "Connected: " + connected.join(", ") +
        (here ? "" : " (not " + path + ")") + "." : "Not connected.");
      this.status.className = "status" + (here ? " ok" : "");
      this.connectButton.disabled = here;
      this.disconnectButton.disabled = !here;
      this.sendButton.disabled = !here;
    },

    ensureClient: function () {
      if (this.client) return this.client;
      var self = this;
      var client = new SioWire.Client(this.url);
      client.onevent = function (nsp, name, args, reply) { self.logEvent(nsp, name, args, !!reply); };
      client.ondisconnect = function (nsp) {
        self.logLine("disconnected from " + nsp + " by the server", "note");
        self.showStatus();
      };
      client.onclose = function (reason) {
        self.logLine(reason, "note");
        self.client = null;
        self.showStatus();
      };
      this.client = client;
      return client;
    },

    connect: function () {
      var self = this;
      var path = this.ns.value;
      var auth;
      var text = this.auth.value.trim();
      if (text) {
        try {
          auth = JSON.parse(text);
        } catch (error) {
          this.showStatus("The auth is not valid JSON: " + error.message);
          return;
        }
      }
      this.showStatus("Connecting to " + path + "…");
      this.ensureClient().connect(path, auth).then(function (sid) {
        self.logLine("connected to " + path + " (sid " + sid + ")", "note");
        self.showStatus();
      }, function (error) {
        var data = error.data;
        self.showStatus();
        self.status.textContent = "Connection refused" + (data && data.message ? ": " + data.message : ": " + error.message);
        self.status.className = "status bad";
        if (data && data.data) self.showError(data.data, self.auth, auth);
      });
    },

    disconnect: function () {
      if (this.client) this.client.disconnect(this.ns.value);
      this.logLine("disconnected from " + this.ns.value, "note");
      this.showStatus();
    },

    send: function () {
      var self = this;
      var event = this.currentEvent();
      var value;
      try {
        value = JSON.parse(this.payload.value);
      } catch (error) {
        this.showResult("bad", "Not valid JSON: " + error.message);
        return;
      }
      var name;
      var args;
      if (!event) {
        if (!value || typeof value.event !== "string") {
          this.showResult("bad", "Give {\"event\": name, \"args\": [...]}.");
          return;
        }
        name = value.event;
        args = Array.isArray(value.args) ? value.args : [];
      } else {
        name = event.name;
        if (event.args && event.args.length === 1) {
          args = [value];
        } else if (Array.isArray(value)) {
          args = value;
        } else {
          this.showResult("bad", "Give a JSON list with one item per argument.");
          return;
        }
        if (event.args) {
          args = args.map(function (arg, i) { return event.args[i] && event.args[i].binary ? bytesOf(arg) : arg; });
        }
      }
      var laid = layout(value);
      this.payload.value = laid.text;
      var withAck = this.withAck.checked;
      this.showResult("wait", withAck ? "Sent " + name + "; waiting for the ack…" : "Sent " + name + ".");
      var path = this.ns.value;
      var wait = this.client.emit(path, name, args, withAck);
      if (!withAck) return;
      var timeout = new Promise(function (resolve, reject) {
        setTimeout(function () { reject(new Error("no ack within 10 s")); }, 10000);
      });
      Promise.race([wait, timeout]).then(function (ackArgs) {
        var first = ackArgs[0];
        if (first && typeof first === "object" && (first.error === "validation_error" || first.error === "internal_error")) {
          self.showResult("bad", "Error ack: " + first.error + (first.message ? " (" + first.message + ")" : ""));
          if (Array.isArray(first.detail)) self.showError(first, self.payload, value);
          self.result.appendChild(el("pre", "code", json(first)));
        } else {
          self.showResult("ok", "Ack" + (ackArgs.length ? "" : " (no arguments)"));
          var shown = shownValue(ackArgs.length === 1 ? ackArgs[0] : ackArgs);
          if (ackArgs.length) self.result.appendChild(el("pre", "code ack", json(shown)));
        }
      }, function (error) {
        self.showResult("bad", error.message);
      });
    },

    showResult: function (kind, text) {
      this.result.textContent = "";
      this.result.className = "result " + kind;
      this.result.appendChild(el("p", "result-line", text));
    },

    /* The details of an error ack, each ``loc`` pointing at its place in the editor. */
    showError: function (error, editor, value) {
      var details = Array.isArray(error.detail) ? error.detail : [];
      var laid = value === undefined ? null : layout(value);
      if (laid) editor.value = laid.text;
      var list = el("ul", "errors");
      list.id = editor === this.payload ? "console-errors" : "console-auth-errors";
      details.forEach(function (detail) {
        var loc = Array.isArray(detail.loc) ? detail.loc : [];
        var where = loc.length ? loc.map(String).join(" → ") : "(the whole value)";
        var found = laid ? spanOf(laid, loc) : null;
        var item = el("li", "error-item", [el("code", "loc", where), " ", el("span", null, String(detail.msg || "")),
          detail.type ? el("span", "muted", " (" + detail.type + ")") : null]);
        if (found) {
          var line = laid.text.slice(0, found.span[0]).split("\n").length;
          item.appendChild(el("span", "muted", found.exact ? " · line " + line : " · missing in the value at line " + line));
          item.dataset.line = String(line);
          item.tabIndex = 0;
          var select = function () {
            editor.focus();
            editor.setSelectionRange(found.span[0], found.span[1]);
          };
          item.addEventListener("click", select);
          item.addEventListener("keydown", function (e) { if (e.key === "Enter") select(); });
        }
        list.appendChild(item);
      });
      var target = editor === this.payload ? this.result : this.status;
      target.appendChild(list);
      var first = list.querySelector("[data-line]");
      if (first) first.click();
    },

    logLine: function (text, kind) {
      var item = el("li", "log-" + (kind || "event"), [el("time", null, new Date().toLocaleTimeString()), " ", text]);
      this.addLog(item, text);
    },

    logEvent: function (nsp, name, args, asksAck) {
      if (this.paused) return;
      var shown = shownValue(args.length === 1 ? args[0] : args);
      var item = el("li", "log-event", [
        el("time", null, new Date().toLocaleTimeString()), " ",
        el("code", "log-ns", nsp), " ", el("strong", "log-name", name),
        asksAck ? el("span", "muted", " (asks for an ack; the console does not answer)") : null,
        args.length ? el("pre", "code", json(shown)) : el("span", "muted", " (no arguments)")
      ]);
      this.addLog(item, nsp + " " + name + " " + JSON.stringify(shown));
    },

    addLog: function (item, text) {
      item.dataset.search = text.toLowerCase();
      this.filterItem(item);
      this.log.insertBefore(item, this.log.firstChild);
      while (this.log.childNodes.length > this.logLimit) this.log.removeChild(this.log.lastChild);
    },

    filterItem: function (item) {
      var words = this.logFilter.value.toLowerCase().split(/\s+/).filter(Boolean);
      item.hidden = !words.every(function (w) { return item.dataset.search.indexOf(w) >= 0; });
    },

    applyLogFilter: function () {
      var self = this;
      Array.prototype.forEach.call(this.log.childNodes, function (item) { self.filterItem(item); });
    }
  };

  /* Only on a mock server's page (config.mockEmit): emit a server event of the console's
     namespace to every client connected there; empty arguments let the mock pick them. */
  var MockControl = {
    build: function () {
      var self = this;
      this.event = el("select", null);
      this.event.id = "mock-event";
      this.args = el("textarea", "editor small");
      this.args.id = "mock-args";
      this.args.spellcheck = false;
      this.args.placeholder = "empty: the mock sends valid values";
      this.result = el("div", "result");
      this.result.id = "mock-result";
      this.sendButton = Console.button("Send this server event", "mock-send", function () { self.send(); });
      append(document.getElementById("console"), [
        el("h3", null, "Send a server event (mock)"),
        el("label", "field", ["Server event", this.event]),
        el("label", "field", ["Arguments (JSON list, optional)", this.args]),
        el("div", "buttons", [this.sendButton]),
        this.result
      ]);
      Console.ns.addEventListener("change", function () { self.fill(); });
      this.fill();
    },

    fill: function () {
      var select = this.event;
      select.textContent = "";
      Console.namespace().events.filter(function (e) { return e.dir === "s"; }).forEach(function (event) {
        var option = el("option", null, event.name);
        option.value = event.name;
        select.appendChild(option);
      });
      this.sendButton.disabled = !select.options.length;
    },

    send: function () {
      var self = this;
      var body = { namespace: Console.ns.value, event: this.event.value };
      var text = this.args.value.trim();
      if (text) {
        try {
          body.args = JSON.parse(text);
        } catch (error) {
          this.show("bad", "Not valid JSON: " + error.message);
          return;
        }
      }
      fetch(config.mockEmit, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
      }).then(function (reply) {
        var a = reply.answer || {};
        if (reply.ok) {
          self.show("ok", "Sent " + a.event + " to " + a.clients + " client(s) (" + a.source + ")");
          self.result.appendChild(el("pre", "code", json(a.args)));
        } else {
          self.show("bad", String(a.error || "not sent"));
          if (Array.isArray(a.detail)) self.result.appendChild(el("pre", "code", json(a.detail)));
        }
      }, function (error) {
        self.show("bad", error.message);
      });
    },

    show: function (kind, text) {
      this.result.textContent = "";
      this.result.className = "result " + kind;
      this.result.appendChild(el("p", "result-line", text));
    }
  };

  renderDocs();
  if (config.console) {
    Console.build();
    if (config.mockEmit) MockControl.build();
  }
  document.body.dataset.ready = "1";
  if (window.performance && performance.mark) performance.mark("sio-spec-ready");
})();
