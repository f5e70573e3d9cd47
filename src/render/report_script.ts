/**
 * The report page's inline script (plain JavaScript, no dependencies): rebuilds the state of
 * the selected step from the per-step deltas in the page's JSON (checkpoints every 256 steps),
 * keeps only the visible timeline rows in the DOM, and draws the step as SVG.
 *
 * @module
 */

/** The script, embedded verbatim in the page. */
export const REPORT_SCRIPT = String.raw`
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var S = D.steps, V = D.views, B = D.bars, N = S.length;
  var NS = "http://www.w3.org/2000/svg";
  var ROW = 22, K = 256;
  var tl = document.getElementById("tl");
  var cur = -1;

  function h(s) {
    return String(s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }
  function hex(n) { return "0x" + n.toString(16); }
  function size(n) {
    if (n >= 1048576 && n % 1048576 === 0) return n / 1048576 + " MiB";
    if (n >= 1024 && n % 1024 === 0) return n / 1024 + " KiB";
    return n + " B";
  }
  var RANK = { bug: 3, hazard: 2, warn: 1 };
  function worst(ws) {
    var w = null;
    (ws || []).forEach(function (x) { if (!w || RANK[x[1]] > RANK[w]) w = x[1]; });
    return w;
  }

  /* ---- state of any step: checkpoints every K steps, deltas applied after ---- */
  var cps = [{ o: new Map(), h: new Map() }];
  function apply(st, i) {
    var u = S[i].u, hd = S[i].h, k, j;
    if (u) for (k in u) { if (u[k] < 0) st.o.delete(k); else st.o.set(k, u[k]); }
    if (hd) for (j = 0; j < hd.length; j += 4) {
      k = hd[j] + ":" + hd[j + 1];
      if (hd[j + 2] || hd[j + 3]) st.h.set(k, [hd[j + 2], hd[j + 3]]); else st.h.delete(k);
    }
  }
  function stateAt(i) {
    var c = Math.floor((i + 1) / K);
    while (cps.length <= c) {
      var prev = cps[cps.length - 1], st = { o: new Map(prev.o), h: new Map(prev.h) };
      var from = (cps.length - 1) * K;
      for (var x = from; x < from + K; x++) apply(st, x);
      cps.push(st);
    }
    var base = cps[c], s = { o: new Map(base.o), h: new Map(base.h) };
    for (var y = c * K; y <= i; y++) apply(s, y);
    return s;
  }

  /* ---- timeline (only the visible rows exist) ---- */
  var spacer = document.createElement("div");
  spacer.style.height = N * ROW + "px";
  tl.appendChild(spacer);
  var rows = new Map();
  function rowHtml(i) {
    var s = S[i], b = "";
    var w = worst(s.w);
    if (s.f) b += '<span class="b fail" title="expectation failed">\u2717' + s.f.length + "</span>";
    if (w) b += '<span class="b ' + w + '" title="' + h(s.w.map(function (x) { return x[0]; }).join(", ")) + '">' + s.w.length + "</span>";
    if (!w && !s.f) b += '<span class="b ok">\u00b7</span>';
    return b + "#" + i + " " + h(s.o) + "(" + h(s.a) + ")" + (s.r !== undefined ? " = " + h(s.r) : "") + (s.s ? " [skipped: " + h(s.s) + "]" : "");
  }
  function drawRows() {
    var top = tl.scrollTop, hgt = tl.clientHeight || 600;
    var a = Math.max(0, Math.floor(top / ROW) - 10), z = Math.min(N, Math.ceil((top + hgt) / ROW) + 10);
    rows.forEach(function (el, i) { if (i < a || i >= z) { el.remove(); rows.delete(i); } });
    for (var i = a; i < z; i++) {
      if (rows.has(i)) continue;
      var el = document.createElement("div");
      el.className = "row" + (i === cur ? " sel" : "") + (S[i].s ? " skip" : "");
      el.style.top = i * ROW + "px";
      el.dataset.step = i;
      el.setAttribute("role", "option");
      el.innerHTML = rowHtml(i);
      tl.appendChild(el);
      rows.set(i, el);
    }
  }
  tl.addEventListener("scroll", drawRows);
  tl.addEventListener("click", function (e) {
    var el = e.target.closest(".row");
    if (el) select(Number(el.dataset.step));
  });
  function interesting(i) { return S[i].w || S[i].f; }
  tl.addEventListener("keydown", function (e) {
    var t = null;
    switch (e.key) {
      case "ArrowDown": case "j": t = cur + 1; break;
      case "ArrowUp": case "k": t = cur - 1; break;
      case "PageDown": t = cur + 25; break;
      case "PageUp": t = cur - 25; break;
      case "Home": t = 0; break;
      case "End": t = N - 1; break;
      case "n": for (t = cur + 1; t < N && !interesting(t); t++); if (t >= N) t = null; break;
      case "p": for (t = cur - 1; t >= 0 && !interesting(t); t--); if (t < 0) t = null; break;
      default: return;
    }
    e.preventDefault();
    if (t !== null) select(Math.max(0, Math.min(N - 1, t)));
  });

  /* ---- the selected step ---- */
  function list(items, cls) {
    return "<ul>" + items.map(function (x) { return '<li class="' + (cls || x[1]) + '">' + x[2] + "</li>"; }).join("") + "</ul>";
  }
  function stepLink(i) { return i === null || i === undefined ? "" : '<a data-go="' + i + '">#' + i + "</a>"; }
  function stepHtml(i) {
    var s = S[i], out = "<h2>#" + i + " " + h(s.o) + "(" + h(s.a) + ")" + (s.r !== undefined ? " = " + h(s.r) : "") + "</h2>";
    out += '<div class="mono">' + h(D.meta.file) + ":" + s.l + (s.s ? " &middot; skipped (" + h(s.s) + ")" : "") + "</div>";
    if (s.f) out += list(s.f.map(function (f) { return [0, "fail", "expectation " + h(f[0]) + ": expected " + h(f[1]) + ", got " + h(f[2])]; }), "fail");
    if (s.w) out += list(s.w.map(function (w) { return [0, w[1], "<b>" + h(w[0]) + "</b> (" + w[1] + (w[3] !== null ? ", cause " + stepLink(w[3]) : "") + ") " + h(w[2])]; }));
    if (s.c) {
      var c = s.c.slice(0, 200);
      out += "<table><tr><th>changed</th><th>before</th><th>after</th></tr>" + c.map(function (x) { return "<tr><td>" + h(x[0]) + "</td><td>" + h(x[1]) + "</td><td>" + h(x[2]) + "</td></tr>"; }).join("") + "</table>";
      if (s.c.length > c.length) out += "<p>&hellip; " + (s.c.length - c.length) + " more changes</p>";
    }
    return out;
  }

  /* ---- the picture ---- */
  var TYPE_COLOUR = { iter: "#2e86de", pages: "#7f8c8d", sgt: "#8e44ad", rdma: "#16a085", mr: "#16a085", bio: "#b9770e", pipe: "#5d6d7e" };
  var CLASS_COLOUR = { pin: "#d9534f", ref: "#f0ad4e", none: "#aab4bf" };
  function entryColour(t, cls) {
    if (t === "pages") { var r = cls.split(" ")[0]; return CLASS_COLOUR[r] || CLASS_COLOUR.none; }
    return TYPE_COLOUR[t] || "#555";
  }
  function el(name, attrs, text) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function tip(e, text) { e.appendChild(el("title", {}, text)); return e; }
  function fit(label, w) {
    var n = Math.floor((w - 6) / 6.7);
    if (n < 3) return "";
    return label.length <= n ? label : label.slice(0, n - 1) + "\u2026";
  }
  var MAXENT = 400, MAXARROW = 256;

  function picture(i) {
    var st = stateAt(i), s = S[i];
    var W = Math.max(900, (document.getElementById("detail").clientWidth || 1100) - 40);
    var X0 = 200, XW = W - X0 - 12;
    var objs = [];
    st.o.forEach(function (vi, key) { objs.push({ key: key, v: V[vi] }); });
    var changed = s.u || {};
    var held = st.h;
    var chgPages = new Set();
    // bytes this step wrote (from its "memory.<region>+<offset>" changes)
    var written = [];
    (s.c || []).forEach(function (c) {
      var m = /^memory\.(.+)\+0x([0-9a-f]+)$/.exec(c[0]), n = /^0x([0-9a-f]+) bytes written/.exec(c[2]);
      if (!m || !n) return;
      for (var bi = 0; bi < B.length; bi++) if (B[bi].n === m[1]) { written.push([bi, parseInt(m[2], 16), parseInt(n[1], 16)]); break; }
    });
    if (s.h) for (var q = 0; q < s.h.length; q += 4) chgPages.add(s.h[q] + ":" + s.h[q + 1]);

    // which bars: every declared region, plus allocation bars something refers to
    var used = new Set();
    objs.forEach(function (o) { o.v.e.forEach(function (e) { for (var j = 3; j < e.length; j += 3) used.add(e[j]); }); });
    held.forEach(function (_, k) { used.add(Number(k.split(":")[0])); });
    var bars = [];
    B.forEach(function (b, id) { if (b.k.indexOf("alloc") !== 0 || used.has(id)) bars.push(id); });
    bars.sort(function (a, b) {
      var x = B[a].key, y = B[b].key;
      return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2];
    });

    // lanes: one per object with pieces on a bar
    var lanes = new Map();
    bars.forEach(function (b) { lanes.set(b, []); });
    objs.forEach(function (o, oi) {
      var seen = new Set();
      o.v.e.forEach(function (e) { for (var j = 3; j < e.length; j += 3) seen.add(e[j]); });
      if (o.v.p) seen.add(o.v.p[0]);
      seen.forEach(function (b) { if (lanes.has(b)) lanes.get(b).push(oi); });
    });

    var svg = el("svg", { xmlns: NS, width: W, "data-step": i });
    var defs = el("defs", {});
    Object.keys(TYPE_COLOUR).forEach(function (t) {
      var m = el("marker", { id: "ah-" + t, viewBox: "0 0 8 8", refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: "auto" });
      m.appendChild(el("path", { d: "M0,0 L8,4 L0,8 z", fill: TYPE_COLOUR[t] }));
      defs.appendChild(m);
    });
    svg.appendChild(defs);
    var gArrows = el("g", { "class": "arrows" });
    var y = 8;
    var boxes = []; // per object: array of [cx, bottom] per entry

    if (!objs.length) {
      svg.appendChild(el("text", { x: 8, y: y + 12, "class": "dim" }, "no iterators or lists exist after this step"));
      y += 24;
    }
    objs.forEach(function (o, oi) {
      var v = o.v, t = v.t, g = el("g", { "class": "obj", "data-key": o.key, "data-t": t });
      if (changed[o.key] !== undefined) g.appendChild(el("rect", { "class": "chg", x: 2, y: y - 2, width: W - 4, height: 46, fill: "#fff7cc", stroke: "#f1c40f" }));
      g.appendChild(el("text", { x: 8, y: y + 11, "class": "ttl" }, v.h));
      var ents = v.e.slice(0, MAXENT);
      var total = 0;
      ents.forEach(function (e) { total += Math.max(e[1], 1); });
      var minW = 3, avail = XW + X0 - 8 - ents.length * 1;
      var x = 8, by = y + 16, bh = 24, out = [];
      ents.forEach(function (e, k) {
        var w = Math.max(minW, avail * Math.max(e[1], 1) / Math.max(total, 1));
        var cls = String(e[2]);
        var col = entryColour(t, cls);
        var released = cls.indexOf("released") >= 0;
        var r = el("rect", { "class": "ent", "data-t": t, "data-i": k, x: x, y: by, width: w, height: bh, rx: 2,
          fill: released ? "#fff" : col, "fill-opacity": released ? 1 : 0.85, stroke: col, "stroke-width": 1.5 });
        if (released) r.setAttribute("stroke-dasharray", "4 2");
        if (cls.indexOf("reserved") >= 0) r.setAttribute("data-reserved", "");
        tip(r, e[0] + " \u2014 " + hex(e[1]) + " bytes" + (cls ? " (" + cls + ")" : ""));
        g.appendChild(r);
        // how the entry's page is held, as a stripe along the bottom (sg entries, bvecs)
        var ret = / (pin|ref|none)\b/.exec(" " + cls);
        if (ret && t !== "pages") {
          g.appendChild(el("rect", { "class": "held-stripe", x: x + 1, y: by + bh - 6, width: Math.max(1, w - 2), height: 5, fill: CLASS_COLOUR[ret[1]], stroke: "#fff", "stroke-width": 1 }));
        }
        var lab = fit(e[0] + " " + hex(e[1]), w);
        if (lab) g.appendChild(el("text", { x: x + 3, y: by + 13, fill: released ? "#333" : "#fff", style: "fill:" + (released ? "#333" : "#fff") }, lab));
        out.push([x + w / 2, by + bh, col]);
        x += w + 1;
      });
      if (!ents.length) g.appendChild(el("text", { x: 12, y: by + 14, "class": "dim" }, t === "iter" ? "nothing remains (count 0)" : "empty"));
      if (v.e.length > ents.length) g.appendChild(el("text", { x: x + 4, y: by + 14, "class": "dim" }, "+" + (v.e.length - ents.length) + " more"));
      boxes.push(out);
      svg.appendChild(g);
      y += 50;
    });

    y += 18;
    var gBars = el("g", { "class": "bars" });
    bars.forEach(function (bid) {
      var b = B[bid], ln = lanes.get(bid), np = Math.max(1, Math.ceil(b.z / b.ps));
      // the window drawn to scale: the whole region, or the pages the objects point into
      // when those are a small part of a big region (an overview strip then shows where)
      var lo = Infinity, hi = -Infinity;
      ln.forEach(function (oi) {
        objs[oi].v.e.forEach(function (e) {
          for (var j = 3; j < e.length; j += 3) if (e[j] === bid) { lo = Math.min(lo, e[j + 1]); hi = Math.max(hi, e[j + 1] + e[j + 2]); }
        });
        var p = objs[oi].v.p;
        if (p && p[0] === bid) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1] + 1); }
      });
      var p0 = 0, p1 = np;
      if (lo < hi && np > 16) {
        p0 = Math.max(0, Math.floor(lo / b.ps) - 1);
        p1 = Math.min(np, Math.ceil(hi / b.ps) + 1);
        if ((p1 - p0) * 2 > np) { p0 = 0; p1 = np; }
      }
      var windowed = p1 - p0 < np;
      var org = p0 * b.ps, span = (p1 - p0) * b.ps;
      var scale = XW / span, cellW = XW / (p1 - p0);
      var g = el("g", { "class": "bar", "data-bar": b.n });
      g.appendChild(el("text", { x: 8, y: y + 11, "class": "ttl" }, b.n));
      g.appendChild(el("text", { x: 8, y: y + 25, "class": "dim" }, b.k));
      g.appendChild(el("text", { x: 8, y: y + 39, "class": "dim" }, size(b.z) + ", " + np + " page" + (np === 1 ? "" : "s")));
      if (b.a) g.appendChild(el("text", { x: 8, y: y + 53, "class": "dim" }, b.a));
      var top = y;
      if (windowed) {
        // overview strip: the whole region, held pages marked, the window outlined
        var ow = XW / np;
        g.appendChild(el("rect", { "class": "overview", x: X0, y: top, width: XW, height: 8, fill: "#eef1f4", stroke: "#aab4bf" }));
        held.forEach(function (c, k) {
          var a = k.split(":");
          if (Number(a[0]) !== bid) return;
          g.appendChild(el("rect", { x: X0 + Number(a[1]) * ow, y: top, width: Math.max(1, ow), height: 8, fill: c[0] ? CLASS_COLOUR.pin : CLASS_COLOUR.ref }));
        });
        g.appendChild(el("rect", { x: X0 + p0 * ow, y: top - 1, width: Math.max(2, (p1 - p0) * ow), height: 10, fill: "none", stroke: "#1b4f72", "stroke-width": 1.5 }));
        g.appendChild(el("path", { d: "M" + (X0 + p0 * ow) + "," + (top + 9) + " L" + X0 + "," + (top + 22) + " M" + (X0 + p1 * ow) + "," + (top + 9) + " L" + (X0 + XW) + "," + (top + 22), stroke: "#1b4f72", "stroke-dasharray": "3 2", fill: "none" }));
        top += 24;
      }
      var laneY = top + 8;
      // lanes: one thin band per object, pieces to scale
      ln.forEach(function (oi, li) {
        var o = objs[oi], t = o.v.t, col = TYPE_COLOUR[t] || "#555", ly = laneY + li * 7;
        o.v.e.slice(0, MAXENT).forEach(function (e, k) {
          for (var j = 3; j < e.length; j += 3) {
            if (e[j] !== bid) continue;
            var px = X0 + (e[j + 1] - org) * scale, pw = Math.max(1.5, e[j + 2] * scale);
            var pc = t === "pages" ? entryColour(t, String(e[2])) : col;
            var p = el("rect", { "class": "piece", "data-t": t, "data-i": k, x: px, y: ly, width: pw, height: 5, fill: pc });
            tip(p, o.key + " " + e[0] + ": " + b.n + "+" + hex(e[j + 1]) + " len " + hex(e[j + 2]));
            g.appendChild(p);
            var bx = boxes[oi][k];
            if (bx && k < MAXARROW) {
              var tx = px + pw / 2;
              gArrows.appendChild(el("path", { "class": "arrow", "data-t": t, d: "M" + bx[0] + "," + bx[1] + " C" + bx[0] + "," + (bx[1] + 40) + " " + tx + "," + (ly - 40) + " " + tx + "," + (ly - 1),
                fill: "none", stroke: pc, "stroke-opacity": 0.55, "stroke-width": 1.2, "marker-end": "url(#ah-" + t + ")" }));
            }
          }
        });
        if (o.v.p && o.v.p[0] === bid) {
          var mx = X0 + (o.v.p[1] - org) * scale;
          var mk = el("path", { "class": "pos", d: "M" + (mx - 5) + "," + (ly - 7) + " L" + (mx + 5) + "," + (ly - 7) + " L" + mx + "," + (ly - 1) + " z", fill: "#1b4f72" });
          tip(mk, o.key + " position: " + b.n + "+" + hex(o.v.p[1]) + ", count " + hex(o.v.p[2]) + " remaining");
          g.appendChild(mk);
          g.appendChild(el("text", { "class": "pos-label", x: mx + 7, y: ly - 1, style: "fill:#1b4f72" }, o.key.slice(5) + " @+" + hex(o.v.p[1]) + ", count " + hex(o.v.p[2])));
        }
      });
      var py = Math.max(laneY + ln.length * 7 + 3, y + 30), ph = 26;
      // the pages, to scale, coloured by how they are held
      g.appendChild(el("rect", { x: X0, y: py, width: XW, height: ph, fill: "#eef1f4", stroke: "#aab4bf" }));
      var drawAll = cellW >= 2;
      var pagesToDraw = [];
      if (drawAll) for (var pi = p0; pi < p1; pi++) pagesToDraw.push(pi);
      else held.forEach(function (_, k) { var a = k.split(":"); if (Number(a[0]) === bid) pagesToDraw.push(Number(a[1])); });
      pagesToDraw.forEach(function (pi) {
        var hk = bid + ":" + pi, c = held.get(hk), pins = c ? c[0] : 0, refs = c ? c[1] : 0;
        var cls = pins ? "pin" : refs ? "ref" : "none";
        var px = X0 + (pi - p0) * cellW, pw = Math.max(2, cellW);
        var r = el("rect", { "class": "page " + cls + (chgPages.has(hk) ? " changed" : ""), "data-page": b.n + "[" + pi + "]",
          x: px, y: py, width: pw, height: ph, fill: cls === "none" ? "#dfe4ea" : CLASS_COLOUR[cls],
          stroke: chgPages.has(hk) ? "#f1c40f" : "#fff", "stroke-width": chgPages.has(hk) ? 3 : (cellW > 6 ? 1 : 0) });
        tip(r, b.n + "[" + pi + "] at +" + hex(pi * b.ps) + ": " + pins + " pin" + (pins === 1 ? "" : "s") + ", " + refs + " ref" + (refs === 1 ? "" : "s"));
        g.appendChild(r);
        var lab = (pins ? "p" + pins : "") + (pins && refs ? " " : "") + (refs ? "r" + refs : "");
        if (cellW >= 40) g.appendChild(el("text", { x: px + 3, y: py + 11, style: "fill:" + (lab ? "#fff" : "#555") + ";font-size:10px" }, "[" + pi + "]"));
        if (lab && cellW >= 22) g.appendChild(el("text", { x: px + 3, y: py + 23, style: "fill:#fff;font-size:10px" }, lab));
      });
      written.forEach(function (w) {
        if (w[0] !== bid) return;
        var wx = X0 + (w[1] - org) * scale, ww = Math.max(2, w[2] * scale);
        tip(g.appendChild(el("rect", { "class": "written", x: wx, y: py + ph - 6, width: ww, height: 6, fill: "#1e8449" })), "written by this step: " + b.n + "+" + hex(w[1]) + " len " + hex(w[2]));
      });
      // folios bigger than a page: one outline each
      b.f.forEach(function (f) {
        var a = Math.max(f[0], p0), z = Math.min(f[0] + (1 << f[1]), p1);
        if (a >= z) return;
        g.appendChild(el("rect", { "class": "folio", x: X0 + (a - p0) * cellW, y: py - 2, width: (z - a) * cellW, height: ph + 4, fill: "none", stroke: "#34495e", "stroke-width": 2, rx: 3 }));
      });
      g.appendChild(el("text", { x: X0, y: py + ph + 12, "class": "dim" }, "+" + hex(org)));
      g.appendChild(el("text", { x: X0 + XW, y: py + ph + 12, "text-anchor": "end", "class": "dim" },
        (windowed ? "window +" + hex(org) + "..+" + hex(org + span) + ", " : "") + "to scale: " + XW.toFixed(0) + " px = " + size(span)));
      gBars.appendChild(g);
      y = py + ph + 26;
    });
    svg.appendChild(gBars);
    svg.appendChild(gArrows);
    svg.setAttribute("height", y + 4);
    svg.setAttribute("viewBox", "0 0 " + W + " " + (y + 4));
    return svg;
  }

  function select(i) {
    if (i < 0 || i >= N) return;
    var prev = rows.get(cur);
    if (prev) prev.classList.remove("sel");
    cur = i;
    var top = i * ROW;
    if (top < tl.scrollTop) tl.scrollTop = top;
    else if (top + ROW > tl.scrollTop + tl.clientHeight) tl.scrollTop = top + ROW - tl.clientHeight;
    drawRows();
    var r = rows.get(i);
    if (r) r.classList.add("sel");
    document.getElementById("step").innerHTML = stepHtml(i);
    var pic = document.getElementById("pic");
    pic.textContent = "";
    pic.appendChild(picture(i));
    document.body.dataset.step = i;
    if (history.replaceState) history.replaceState(null, "", "#s" + i);
  }

  /* ---- summary ---- */
  function summary() {
    var sm = D.summary, out = "<h2>summary</h2>";
    out += "<p>verdict <b>" + h(sm.verdict) + "</b>; pins acquired " + sm.pins.acquired + ", released " + sm.pins.released + ", outstanding " + sm.pins.outstanding + "; refs acquired " + sm.refs.acquired + ", released " + sm.refs.released + ", outstanding " + sm.refs.outstanding + "</p>";
    if (D.endFailures.length) {
      out += '<h3 class="fail">trace-level expectations failed</h3>' + list(D.endFailures.map(function (f) { return [0, "fail", "expect " + h(f[0]) + ": expected " + h(f[1]) + ", got " + h(f[2])]; }), "fail");
    }
    if (sm.outstanding.length) {
      var byStep = new Map();
      sm.outstanding.forEach(function (o) {
        var k = o.kind + ":" + o.step;
        if (!byStep.has(k)) byStep.set(k, { kind: o.kind, step: o.step, pages: [] });
        byStep.get(k).pages.push(o.page);
      });
      out += "<h3>held at the end (leaks)</h3><ul>";
      byStep.forEach(function (g) {
        out += '<li class="leak">' + g.pages.length + " " + g.kind + (g.pages.length === 1 ? "" : "s") + " taken at " + stepLink(g.step) + " (" + h(S[g.step] ? S[g.step].o : "") + "): " + h(g.pages.slice(0, 16).join(", ")) + (g.pages.length > 16 ? ", \u2026" : "") + "</li>";
      });
      out += "</ul>";
    }
    var groups = new Map();
    function add(code, sev, step, cause, msg) {
      if (!groups.has(code)) groups.set(code, { sev: sev, n: 0, steps: [], msg: msg });
      var g = groups.get(code);
      g.n++;
      var at = step !== null ? step : cause;
      if (at !== null && g.steps.indexOf(at) < 0 && g.steps.length < 24) g.steps.push(at);
    }
    S.forEach(function (s, i) { (s.w || []).forEach(function (w) { add(w[0], w[1], i, w[3], w[2]); }); });
    D.end.forEach(function (w) { add(w[0], w[1], null, w[3], w[2]); });
    if (groups.size) {
      out += '<h3>warnings by code</h3><ul id="wgroups">';
      groups.forEach(function (g, code) {
        out += '<li class="' + g.sev + '" data-code="' + h(code) + '"><b>' + h(code) + "</b> \u00d7" + g.n + " (" + g.sev + "): " + g.steps.map(stepLink).join(" ") + ' <span class="dim">' + h(g.msg) + "</span></li>";
      });
      out += "</ul>";
    }
    document.getElementById("summary").innerHTML = out;
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest("[data-go]");
    if (a) { e.preventDefault(); select(Number(a.dataset.go)); tl.focus(); }
  });

  summary();
  var m = /^#s(\d+)$/.exec(location.hash);
  drawRows();
  if (N) select(m ? Math.min(N - 1, Number(m[1])) : 0);
  tl.focus();
  window.addEventListener("resize", function () { if (cur >= 0) select(cur); });
})();
`;
