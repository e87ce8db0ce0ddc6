// tcpsim's page: steps through a run's trace on its sequence diagram, with
// each endpoint's TCP variables beside it. Everything it shows comes from
// the data below, which tcpsim computed from the trace: the diagram's
// geometry (viz/diagram's own layout), the phrases (viz/catalog), the
// events and, for each, the variables it changed and why. This script
// holds no words of its own.
(function () {
  'use strict';
  const T0 = performance.now();
  const D = JSON.parse(document.getElementById('data').textContent);
  const T1 = performance.now();
  const L = D.layout, P = D.phrases, EP = D.endpoints, S$ = D.strings;
  // The data comes as arrays (compact.go says what each place holds).
  const LA = (L.Arrows || []).map((r) => ({
    Send: r[0], End: r[1], From: r[2], Dropped: !!(r[3] & 1), Cut0: !!(r[3] & 2), Cut1: !!(r[3] & 4),
    Head: !!(r[3] & 8), Dashed: !!(r[3] & 16), HasLabel: !!(r[3] & 32), TagAnchorEnd: !!(r[3] & 64), Style: r[4],
    X0: r[5], Y0: r[6], X1: r[7], Y1: r[8], Label: r[9], LabelX: r[10], LabelY: r[11], LabelAngle: r[12],
    ReasonText: S$[r[13]], ReasonX: r[14], ReasonY: r[15], ReasonAngle: r[16], Tag: S$[r[17]], TagX: r[18],
    RTag: S$[r[19]], RTagX: r[20], HasMessage: !!(r[3] & 128), Message: S$[r[21] || 0], MessageX: r[22],
    MessageY: r[23], MessageColor: r[24], MessageTint: r[25],
  }));
  const BR = (L.Brackets || []).map((r) => ({
    Side: r[0], Start: r[1], Stop: r[2], End: r[3], X: r[4], Toward: r[5], Y0: r[6], Y1: r[7], Cut0: r[8] === 1,
    Dashed: r[9], Color: r[10], Name: S$[r[11]], NameX: r[12], NameY: r[13], NameAngle: r[14],
  }));
  const AR = D.segments.map((r) => ({
    id: r[0], conn: r[1], src: S$[r[2]], dst: S$[r[3]], sport: r[4], dport: r[5], flags: S$[r[6]], seq: r[7],
    ack: r[8], has_ack: r[8] >= 0, len: r[9], win: r[10], wnd_field: r[11], options: S$[r[12]], labels: S$[r[13]],
    why: S$[r[14]], reason: S$[r[15]], rule: S$[r[16]], t0: r[17], t1: r[18], end: ['', 'deliver', 'drop'][r[19]],
    send_ev: r[20], end_ev: r[21],
  }));
  // Events keep their changes as they come: [endpoint, field, value, why],
  // field and why as indexes into the string table.
  let t$ = 0, y$ = 0, rec$ = D.first_record - 1;
  const EV = D.events.map((r) => {
    t$ += r[0];
    y$ += r[1];
    rec$++;
    return { t: t$, y: y$ / 10, rec: rec$, k: S$[r[2]], n: S$[r[3]], c: r[4], a: r[5], x: r[6], d: r[7], cut: r[8] === 1 };
  });
  // evText says what event k is; a segment's event is said from the
  // segment, as describe in html.go says it.
  function evText(k) {
    const ev = EV[k];
    if (ev.x !== '' || ev.a < 0) return ev.x;
    const a = LA[ev.a], seg = AR[ev.a];
    if (ev.k === 'send') return fmt(P.evSend, seg.src, a.Label) + (seg.labels ? ' — ' + seg.labels : '');
    if (ev.k === 'deliver') return fmt(P.evDeliver, seg.dst, a.Label);
    return a.Label + ' — ' + fmt(P.dropped, seg.reason);
  }
  const NOTES = L.Notes || [], GAPS = L.Gaps || [];
  const T2 = performance.now();
  const AXIS = L.Axis || [], LEGEND = L.Legend || [];
  const N = EV.length;
  const $ = (id) => document.getElementById(id);

  // ---- Formatting -------------------------------------------------------

  // fmt fills a catalogue phrase's verbs (%d, %s, %[2]d) in order.
  function fmt(p) {
    const args = Array.prototype.slice.call(arguments, 1);
    let i = 0;
    return String(p).replace(/%(?:\[(\d+)\])?([dsv%])/g, function (m, idx, verb) {
      if (verb === '%') return '%';
      if (idx) i = Number(idx) - 1;
      return String(args[i++]);
    });
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  }
  const col = (c) => '#' + Number(c).toString(16).padStart(6, '0');
  // sec writes an instant as every output does: "0.150 s", "0.101200 s".
  function sec(ns) {
    const neg = ns < 0;
    if (neg) ns = -ns;
    const s = Math.floor(ns / 1e9), f = ns - s * 1e9;
    let out = (neg ? '-' : '') + s + '.' + String(Math.floor(f / 1e6)).padStart(3, '0');
    if (f % 1e6 !== 0) out += String(Math.floor(f / 1e3) % 1000).padStart(3, '0');
    return out + ' s';
  }
  const seqShow = (base, off) => (D.relative || base == null ? off : (base + off) % 4294967296);
  const cap = (size) => 0.72 * size; // as viz/canvas.CapHeight
  const FF = L.Fonts;
  const f2 = (v) => Math.round(v * 100) / 100;

  // ---- State at each event ---------------------------------------------

  // The state after event k is Init with the changes of events 0…k; a
  // snapshot every SNAP events keeps a jump cheap.
  const SNAP = 256;
  const snaps = [];
  const clone = (st) => st.map((o) => Object.assign({}, o));
  // applyEvent applies an event's changes; SND.MAX, the highest SND.NXT
  // so far, is kept here rather than sent.
  // The ranges held out of order come as ranges to add ("ooo+"), and go
  // when RCV.NXT passes them.
  function applyEvent(st, ev) {
    for (const c of ev.d) {
      const s = st[c[0]], f = S$[c[1]];
      if (f === 'ooo+') {
        s.ooo = addRange(s.ooo || [], c[2]);
        continue;
      }
      s[f] = c[2];
      if (f === 'nxt' && !(s.max >= c[2])) s.max = c[2];
      if (f === 'rnxt' && s.ooo && s.ooo.length && s.ooo[0][0] < c[2]) {
        s.ooo = s.ooo.filter((r) => r[1] > c[2]).map((r) => [Math.max(r[0], c[2]), r[1]]);
      }
    }
  }
  // addRange returns the sorted, disjoint ranges rs with rg merged in.
  function addRange(rs, rg) {
    const n = rs.length, last = rs[n - 1];
    if (n && rg[0] >= last[0]) { // the usual case: after the last range
      if (rg[0] > last[1]) return rs.concat([rg]);
      return rs.slice(0, n - 1).concat([[last[0], Math.max(last[1], rg[1])]]);
    }
    const out = [];
    let cur = [rg[0], rg[1]];
    for (const r of rs) {
      if (r[1] < cur[0]) out.push(r);
      else if (cur[1] < r[0]) { out.push(cur); cur = r; }
      else cur = [Math.min(r[0], cur[0]), Math.max(r[1], cur[1])];
    }
    out.push(cur);
    return out;
  }
  // Per endpoint: the most the sender ever had usable or in flight, for
  // the scale of the window bar.
  const maxUse = EP.map(() => 0);
  (function () {
    const st = clone(D.init);
    for (let i = 0; i < N; i++) {
      if (i % SNAP === 0) snaps.push(clone(st));
      applyEvent(st, EV[i]);
      for (const c of EV[i].d) {
        const s = st[c[0]], e = c[0];
        let use = Infinity;
        if (s.wnd != null) use = s.wnd;
        if (s.cwnd != null) use = Math.min(use, s.cwnd);
        if (use !== Infinity) maxUse[e] = Math.max(maxUse[e], use);
        if (s.max != null && s.una != null) maxUse[e] = Math.max(maxUse[e], s.max - s.una);
      }
    }
    snaps.push(clone(st));
  })();
  const finalState = snaps[snaps.length - 1];
  const T3 = performance.now();
  snaps.pop();
  let cache = { k: -2, st: null };
  function stateAt(k) {
    if (k === cache.k) return cache.st;
    let st;
    if (k === cache.k + 1 && cache.st) {
      st = clone(cache.st);
      applyEvent(st, EV[k]);
    } else if (k < 0) {
      st = clone(D.init);
    } else {
      const j = Math.min(Math.floor((k + 1) / SNAP), snaps.length - 1);
      st = clone(snaps[j]);
      for (let i = j * SNAP; i <= k; i++) applyEvent(st, EV[i]);
    }
    cache = { k: k, st: st };
    return st;
  }

  // ---- Time and position -------------------------------------------------

  // lastAt returns the last event whose key is ≤ v (-1 for none).
  function lastAt(key, v) {
    let lo = 0, hi = N;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (EV[m][key] <= v) lo = m + 1; else hi = m;
    }
    return lo - 1;
  }
  // timeAtY and yAtTime map the diagram's y and time onto each other as
  // the layout does: to scale from each event, never past the next one;
  // across a cut-out idle stretch in proportion.
  function timeAtY(y) {
    const k = lastAt('y', y);
    if (k < 0) return L.From;
    if (k === N - 1) return EV[k].t;
    const a = EV[k], b = EV[k + 1];
    if (b.cut) return a.t + (b.t - a.t) * Math.min(1, (y - a.y) / Math.max(1e-9, b.y - a.y));
    return Math.min(b.t, a.t + (y - a.y) / L.Scale);
  }
  function yAtTime(t) {
    const k = lastAt('t', t);
    if (k < 0) return L.YTop;
    if (k === N - 1) return EV[k].y;
    const a = EV[k], b = EV[k + 1];
    if (b.cut) return a.y + (b.y - a.y) * (t - a.t) / Math.max(1, b.t - a.t);
    return Math.min(b.y, a.y + (t - a.t) * L.Scale);
  }

  // ---- The cursor --------------------------------------------------------

  const cur = { k: -1, y: L.YTop, t: L.From };
  let selConn = 0, selArrow = -1, playing = false, lastTs = 0;
  let speed = 1;
  const PT_PER_S = 36; // diagram points per second at 1×: about two events a second

  function setK(k, follow) {
    cur.k = Math.max(-1, Math.min(N - 1, k));
    cur.y = cur.k >= 0 ? EV[cur.k].y : L.YTop;
    cur.t = cur.k >= 0 ? EV[cur.k].t : L.From;
    followConn();
    update(follow !== false);
  }
  function setTime(t) {
    cur.k = lastAt('t', t);
    cur.y = yAtTime(t);
    cur.t = Math.max(L.From, t);
    followConn();
    update(true);
  }
  function isPacket(k) {
    const kind = EV[k].k;
    return kind === 'send' || kind === 'deliver' || kind === 'drop';
  }
  function step(dir, packets) {
    stop();
    let k = cur.k + dir;
    if (packets) while (k >= 0 && k < N && !isPacket(k)) k += dir;
    setK(k);
  }
  // followConn selects the connection of the event at the cursor, when it
  // has one, so that the panels show what is happening.
  function followConn() {
    if (cur.k < 0 || D.conns.length < 2) return;
    const ev = EV[cur.k];
    let c = -1;
    if (ev.a >= 0 && AR[ev.a].conn >= 0) c = AR[ev.a].conn;
    else if (ev.d.length) c = EP[ev.d[0][0]].conn_index;
    if (c >= 0 && c !== selConn) {
      selConn = c;
      $('conn').value = String(c);
    }
  }

  function play() {
    if (N === 0) return;
    if (cur.k >= N - 1) setK(-1);
    playing = true;
    lastTs = performance.now();
    playButton();
    requestAnimationFrame(tick);
  }
  function stop() {
    playing = false;
    playButton();
  }
  function playButton() {
    const b = $('b-play');
    b.classList.toggle('playing', playing);
    b.title = playing ? P.pause : P.play;
    b.setAttribute('aria-label', b.title);
  }
  function tick(ts) {
    if (!playing) return;
    const dt = Math.min(0.1, Math.max(0, (ts - lastTs) / 1000));
    lastTs = ts;
    cur.y += speed * PT_PER_S * dt;
    const end = N ? EV[N - 1].y : L.YTop;
    if (cur.y >= end) {
      setK(N - 1);
      stop();
      return;
    }
    const k = lastAt('y', cur.y);
    if (k !== cur.k) {
      cur.k = k;
      followConn();
    }
    cur.t = timeAtY(cur.y);
    update(true);
    requestAnimationFrame(tick);
  }

  // ---- The diagram ---------------------------------------------------------

  const scroll = $('scroll'), svg = $('svg'), spacer = $('spacer');
  let S = 1; // pixels per point

  // Ranges by y, for drawing only what is on screen: items sorted by their
  // top, with the running maximum of their bottoms.
  function rangeIndex(n, top, bottom) {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => top(a) - top(b));
    const tops = order.map(top);
    const pmax = [];
    let m = -Infinity;
    for (const i of order) { m = Math.max(m, bottom(i)); pmax.push(m); }
    return function (y0, y1, fn) {
      let lo = 0, hi = order.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (pmax[mid] < y0) lo = mid + 1; else hi = mid; }
      for (let j = lo; j < order.length && tops[j] <= y1; j++) {
        if (bottom(order[j]) >= y0) fn(order[j]);
      }
    };
  }
  const arrowsIn = rangeIndex(LA.length, (i) => Math.min(LA[i].Y0, LA[i].Y1) - 12, (i) => Math.max(LA[i].Y0, LA[i].Y1, LA[i].ReasonY || 0) + 12);
  const notesIn = rangeIndex(NOTES.length, (i) => NOTES[i].Y - 8, (i) => NOTES[i].Y + 8);
  const bracketsIn = rangeIndex(BR.length, (i) => BR[i].Y0 - 4, (i) => BR[i].Y1 + 4);
  const axisIn = rangeIndex(AXIS.length, (i) => AXIS[i].Mid - 8, (i) => AXIS[i].Mid + 8);
  const gapsIn = rangeIndex(GAPS.length, (i) => GAPS[i].Y0, (i) => GAPS[i].Y1);

  // The event of each record, to tell what the cursor has passed.
  const evOfRec = new Map();
  EV.forEach((ev, i) => evOfRec.set(ev.rec, i));
  const recEvent = (rec) => (evOfRec.has(rec) ? evOfRec.get(rec) : (rec < (N ? EV[0].rec : 0) ? -1 : Infinity));
  const seen = (rec) => recEvent(rec) <= cur.k;

  const textW = (function () {
    const c = document.createElement('canvas').getContext('2d');
    return (s, size) => { c.font = size + 'px ' + FF.Family; return c.measureText(s).width; };
  })();

  function text(x, y, s, size, fill, extra) {
    return '<text x="' + f2(x) + '" y="' + f2(y) + '" font-size="' + size + '" fill="' + fill + '"' + (extra || '') + '>' + esc(s) + '</text>';
  }
  function line(x0, y0, x1, y1, stroke, w, extra) {
    return '<line x1="' + f2(x0) + '" y1="' + f2(y0) + '" x2="' + f2(x1) + '" y2="' + f2(y1) + '" stroke="' + stroke + '" stroke-width="' + w + '"' + (extra || '') + '/>';
  }
  const rot = (x, y, a) => ' transform="rotate(' + f2(a * 180 / Math.PI) + ' ' + f2(x) + ' ' + f2(y) + ')"';
  const halo = ' paint-order="stroke" stroke="#fff" stroke-width="2.6" stroke-linejoin="round"';
  const CONN_COLORS = ['#0b6e4f', '#7b2cbf', '#c9184a', '#1d3557', '#b5651d', '#2a9d8f', '#6d597a', '#3a86ff'];
  // A diagram of several connections draws each in its colour (L.Conns):
  // the page's connection takes the colour of its arrows.
  const CONN_LINE = [];
  if (L.Conns) AR.forEach((pa, i) => { if (pa.conn >= 0 && CONN_LINE[pa.conn] === undefined) CONN_LINE[pa.conn] = col(L.Styles[LA[i].Style].Line); });
  const connColor = (i) => CONN_LINE[i] || CONN_COLORS[((i % CONN_COLORS.length) + CONN_COLORS.length) % CONN_COLORS.length];

  function cross(x, y, r) {
    return line(x - r, y - r, x + r, y + r, '#fff', 4.2) + line(x - r, y + r, x + r, y - r, '#fff', 4.2) +
      line(x - r, y - r, x + r, y + r, col(L.Colors.Drop), 2) + line(x - r, y + r, x + r, y - r, col(L.Colors.Drop), 2);
  }

  function drawArrow(i, out) {
    const a = LA[i], pa = AR[i], st = L.Styles[a.Style];
    const sent = pa.send_ev < 0 || pa.send_ev <= cur.k;
    const ended = pa.end_ev >= 0 && pa.end_ev <= cur.k;
    let op = sent ? 1 : 0.16;
    if (D.conns.length > 1 && pa.conn !== selConn) op *= 0.4;
    const stroke = col(st.Line), ink = col(st.Text);
    const dx = a.X1 - a.X0, dy = a.Y1 - a.Y0, l = Math.hypot(dx, dy) || 1, ux = dx / l, uy = dy / l;
    let g = '<g opacity="' + op + '">';
    const current = cur.k >= 0 && EV[cur.k].a === i;
    if (i === selArrow) g += line(a.X0, a.Y0, a.X1, a.Y1, '#0072b2', st.Width + 7, ' stroke-opacity=".35" stroke-linecap="round"');
    if (current) g += line(a.X0, a.Y0, a.X1, a.Y1, '#ffc400', st.Width + 6, ' stroke-opacity=".75" stroke-linecap="round"');
    const ex = a.Head ? a.X1 - ux * 6 : a.X1, ey = a.Head ? a.Y1 - uy * 6 : a.Y1;
    const dash = a.Dashed ? ' stroke-dasharray="3 2"' : '';
    if (sent && !ended && (a.End >= 0 || a.Dashed)) {
      // In flight: solid up to where the cursor crosses it, faint beyond,
      // and a dot where the segment is now.
      let f = dy !== 0 ? (cur.y - a.Y0) / dy : 1;
      f = Math.max(0, Math.min(1, f));
      const cx = a.X0 + dx * f, cy = a.Y0 + dy * f;
      g += line(a.X0, a.Y0, ex, ey, stroke, st.Width, ' stroke-opacity=".2"' + dash);
      g += line(a.X0, a.Y0, cx, cy, stroke, st.Width + 0.6, dash);
      g += '<circle cx="' + f2(cx) + '" cy="' + f2(cy) + '" r="3.6" fill="' + stroke + '" stroke="#fff" stroke-width="1.2"/>';
    } else {
      g += line(a.X0, a.Y0, ex, ey, stroke, st.Width, dash);
      if (a.Head) {
        const hx = a.X1 - ux * 7.5, hy = a.Y1 - uy * 7.5;
        g += '<polygon points="' + f2(a.X1) + ',' + f2(a.Y1) + ' ' + f2(hx + uy * 3) + ',' + f2(hy - ux * 3) + ' ' + f2(hx - uy * 3) + ',' + f2(hy + ux * 3) + '" fill="' + stroke + '"/>';
      }
      if (a.Dropped && !a.Cut1 && (ended || !sent)) g += cross(a.X1, a.Y1, 4);
    }
    if (a.HasLabel) g += text(a.LabelX, a.LabelY, a.Label, FF.Label, ink, rot(a.LabelX, a.LabelY, a.LabelAngle) + halo);
    if (a.HasMessage) {
      // The messages the segment carries, on a tint of their colour.
      const tint = col(a.MessageTint), mc = col(a.MessageColor);
      g += '<g' + rot(a.MessageX, a.MessageY, a.LabelAngle) + '>' +
        '<rect x="' + f2(a.MessageX - 1.5) + '" y="' + f2(a.MessageY - cap(FF.Label) - 1.4) + '" width="' + f2(textW(a.Message, FF.Label) + 3) +
        '" height="' + f2(cap(FF.Label) + 4) + '" fill="' + tint + '"/>' +
        text(a.MessageX, a.MessageY, a.Message, FF.Label, mc) + '</g>';
    }
    if (a.ReasonText && (ended || !sent)) g += text(a.ReasonX, a.ReasonY, a.ReasonText, FF.Note, col(L.Colors.Drop), rot(a.ReasonX, a.ReasonY, a.ReasonAngle) + halo);
    const mid = cap(FF.Note) / 2;
    if (a.Tag) g += text(a.TagX, a.Y0 + mid, a.Tag, FF.Note, ink, a.TagAnchorEnd ? ' text-anchor="end"' : '');
    if (a.RTag) g += text(a.RTagX, a.Y1 + mid, a.RTag, FF.Note, ink, a.From === 0 ? '' : ' text-anchor="end"');
    if (D.conns.length > 1 && pa.conn >= 0) {
      g += '<circle cx="' + f2(a.X0) + '" cy="' + f2(a.Y0) + '" r="3" fill="' + connColor(pa.conn) + '"/>';
    }
    g += line(a.X0, a.Y0, a.X1, a.Y1, 'transparent', 11, ' class="hit" data-a="' + i + '"');
    out.push(g + '</g>');
  }

  function drawNote(i, out) {
    const n = NOTES[i];
    const op = seen(n.Rec) ? 1 : 0.2;
    const mid = n.Y + cap(FF.Note) / 2;
    let g = '<g opacity="' + op + '">';
    // A note about one of several connections is in that connection's colour.
    const cn = L.Conns && n.Conn >= 0 ? L.Conns[n.Conn] : null;
    if (n.Kind === 0) {
      const current = cur.k >= 0 && EV[cur.k].rec === n.Rec;
      g += '<rect x="' + f2(n.X) + '" y="' + f2(n.Y - 6) + '" width="' + f2(n.W) + '" height="12" rx="3" fill="' + (current ? '#ffe680' : col(L.Colors.StateBg)) + '" stroke="' + col(cn ? cn.Line : L.Colors.StateBorder) + '" stroke-width=".6"/>';
      g += text(n.X + 4, mid, n.Text, FF.Note, col(cn ? cn.Text : L.Colors.StateFg));
    } else if (n.Kind === 1 || n.Kind === 3) {
      g += text(n.X, mid, n.Text, FF.Note, col(n.Kind === 1 ? L.Colors.Drop : cn ? cn.Text : L.Colors.Message), n.AnchorEnd ? ' text-anchor="end"' : '');
    } else {
      g += text(n.X, mid, n.Text, FF.Note, col(L.Colors.Idle), ' text-anchor="middle"');
    }
    out.push(g + '</g>');
  }

  function drawBracket(i, out) {
    const b = BR[i], c = col(b.Color);
    const started = seen(b.Start);
    const running = started && (b.Stop < 0 || !seen(b.Stop));
    const w = running ? 2.2 : 1;
    let g = '<g opacity="' + (started ? 1 : 0.25) + '">';
    let y = b.Y0;
    for (const d of b.Dashed || []) {
      g += line(b.X, y, b.X, d[0], c, w) + line(b.X, d[0], b.X, d[1], c, 0.8, ' stroke-dasharray="1.5 2"');
      y = d[1];
    }
    g += line(b.X, y, b.X, b.Y1, c, w);
    if (!b.Cut0) g += line(b.X + b.Toward, b.Y0, b.X, b.Y0, c, w);
    if (b.End === 1) g += '<circle cx="' + f2(b.X) + '" cy="' + f2(b.Y1) + '" r="2.3" fill="' + c + '"/>';
    else if (b.End === 0) g += '<polygon points="' + f2(b.X - 2.2) + ',' + f2(b.Y1 - 3) + ' ' + f2(b.X + 2.2) + ',' + f2(b.Y1 - 3) + ' ' + f2(b.X) + ',' + f2(b.Y1 + 1) + '" fill="' + c + '"/>';
    else g += line(b.X, b.Y1, b.X + b.Toward, b.Y1, c, w);
    if (b.Name) g += text(b.NameX, b.NameY, b.Name, FF.Timer, c, rot(b.NameX, b.NameY, b.NameAngle));
    out.push(g + '</g>');
  }

  function drawTimelines(top, bottom, out) {
    const gaps = [];
    gapsIn(top, bottom, (i) => gaps.push(GAPS[i]));
    gaps.sort((a, b) => a.Y0 - b.Y0);
    const tl = col(L.Colors.Timeline);
    const ax = L.AxisRight + 4;
    for (const x of L.X) {
      let y = Math.max(L.YHead + L.HeaderH, top);
      for (const g of gaps) {
        if (g.Y0 > y) out.push(line(x, y, x, g.Y0, tl, 1.4));
        out.push(line(x, g.Y0, x, g.Y1, tl, 1, ' stroke-dasharray="2 3"'));
        const m = (g.Y0 + g.Y1) / 2;
        out.push('<polygon points="' + f2(x - 7) + ',' + f2(m - 2) + ' ' + f2(x + 7) + ',' + f2(m - 6) + ' ' + f2(x + 7) + ',' + f2(m + 2) + ' ' + f2(x - 7) + ',' + f2(m + 6) + '" fill="#fff"/>');
        out.push(line(x - 7, m - 2, x + 7, m - 6, tl, 1.2) + line(x - 7, m + 6, x + 7, m + 2, tl, 1.2));
        y = g.Y1;
      }
      const yb = Math.min(L.YBottom + 6, bottom);
      if (yb > y) out.push(line(x, y, x, yb, tl, 1.4));
      if (L.YBottom + 6 <= bottom) out.push(line(x - 5, L.YBottom + 6, x + 5, L.YBottom + 6, tl, 1.4));
    }
    // The time axis, broken at the cuts.
    let y = Math.max(L.YTop, top);
    for (const g of gaps) {
      if (g.Y0 > y) out.push(line(ax, y, ax, g.Y0, col(L.Colors.Axis), 0.6));
      y = g.Y1;
    }
    const yb = Math.min(L.YBottom, bottom);
    if (yb > y) out.push(line(ax, y, ax, yb, col(L.Colors.Axis), 0.6));
    for (const g of gaps) {
      out.push(text((L.X[0] + L.X[1]) / 2, (g.Y0 + g.Y1) / 2 + cap(FF.Idle) / 2, g.Text, FF.Idle, col(L.Colors.Idle), ' text-anchor="middle"'));
    }
  }

  function drawAxis(top, bottom, out) {
    const right = L.Width - 18;
    axisIn(top, bottom, (i) => {
      const a = AXIS[i];
      if (!a.Strong) out.push(line(L.AxisRight + 4, a.Mid, right, a.Mid, col(L.Colors.Grid), 0.6));
      out.push(line(L.AxisRight + 1, a.Mid, L.AxisRight + 4, a.Mid, col(L.Colors.Axis), 0.6));
      out.push(text(a.X, a.Y, a.Text, FF.Axis, col(a.Color)));
    });
  }

  function drawLegend(top, bottom, out) {
    if (L.More && L.YFoot + 6 >= top && L.YFoot <= bottom) {
      out.push(text((L.X[0] + L.X[1]) / 2, L.YFoot + 6 + cap(FF.Idle) / 2, L.More, FF.Idle, col(L.Colors.Idle), ' text-anchor="middle"'));
    }
    for (const it of LEGEND) {
      if (it.Y < top - 10 || it.Y > bottom + 10) continue;
      const x = it.X, m = it.Y;
      if (it.Style >= 0) {
        const st = L.Styles[it.Style], c = col(st.Line);
        out.push(line(x, m, x + 16, m, c, st.Width));
        out.push('<polygon points="' + f2(x + 22) + ',' + f2(m) + ' ' + f2(x + 15) + ',' + f2(m - 3) + ' ' + f2(x + 15) + ',' + f2(m + 3) + '" fill="' + c + '"/>');
      } else if (it.Drop) {
        out.push(line(x, m, x + 12, m, col(L.Styles[0].Line), 1.2) + cross(x + 15, m, 3.5));
      } else if (it.Timer || it.Fired) {
        // As the diagram's legend (legendBracketColor): with several
        // connections the brackets take their connection's colour, so the
        // legend's is the neutral grey of the timelines; with one, that of
        // the first timer drawn.
        const c = L.Conns ? col(L.Colors.Timeline) : BR.length ? col(BR[0].Color) : col(L.Colors.Axis);
        if (it.Timer) {
          out.push('<g data-legend="timer">' + line(x + 11, m - 5, x + 11, m + 5, c, 1) + line(x + 13.5, m - 5, x + 11, m - 5, c, 1) + line(x + 13.5, m + 5, x + 11, m + 5, c, 1) + '</g>');
        } else {
          out.push('<g data-legend="fired">' + line(x + 11, m - 6, x + 11, m + 3, c, 1) + '<circle cx="' + f2(x + 11) + '" cy="' + f2(m + 3) + '" r="2.3" fill="' + c + '"/></g>');
        }
      }
      out.push(text(x + 28, m + cap(FF.Legend) / 2, it.Text, FF.Legend, col(L.Colors.Ink)));
    }
  }

  function drawHeader(top, out) {
    // The node names stay in view at the top when the diagram scrolls.
    const y = Math.max(L.YHead, top + 4);
    if (y > L.YHead) out.push('<rect x="0" y="' + f2(top) + '" width="' + L.Width + '" height="' + f2(y - top + L.HeaderH + 5) + '" fill="#fff" fill-opacity=".92"/>');
    else if (L.Title) out.push(text(18, 18 + FF.Title, L.Title, FF.Title, col(L.Colors.Ink)));
    L.Nodes.forEach((name, s) => {
      const bw = Math.max(textW(name, FF.Node) + 20, 64);
      out.push('<rect x="' + f2(L.X[s] - bw / 2) + '" y="' + f2(y) + '" width="' + f2(bw) + '" height="' + L.HeaderH + '" rx="4" fill="' + col(L.Colors.Header) + '"/>');
      out.push(text(L.X[s], y + L.HeaderH / 2 + cap(FF.Node) / 2, name, FF.Node, '#fff', ' text-anchor="middle" font-weight="600"'));
    });
    if (y === L.YHead) out.push(text(L.TimeWord.X, L.TimeWord.Y, L.TimeWord.Text, FF.Axis, col(L.TimeWord.Color)));
  }

  function drawCursor(out) {
    const x0 = L.AxisRight + 4, x1 = L.Width - 18;
    out.push(line(x0, cur.y, x1, cur.y, '#0072b2', 1.3, ' stroke-dasharray="5 3"'));
    const label = sec(cur.t), w = textW(label, FF.Axis) + 8;
    out.push('<rect x="' + f2(Math.max(1, L.AxisRight + 4 - w)) + '" y="' + f2(cur.y - 6.5) + '" width="' + f2(w) + '" height="13" rx="3" fill="#0072b2"/>');
    out.push(text(Math.max(1, L.AxisRight + 4 - w) + 4, cur.y + cap(FF.Axis) / 2, label, FF.Axis, '#fff', ' font-weight="700"'));
  }

  function render() {
    S = scroll.clientWidth / L.Width;
    const vh = scroll.clientHeight / S;
    spacer.style.height = Math.max(0, L.Height * S - scroll.clientHeight) + 'px';
    const top = scroll.scrollTop / S;
    const y0 = top - 30, y1 = top + vh + 30;
    const out = ['<g transform="scale(' + S + ') translate(0 ' + f2(-top) + ')">',
      '<rect x="0" y="' + f2(top) + '" width="' + L.Width + '" height="' + f2(vh + 1) + '" fill="#fff"/>'];
    drawAxis(y0, y1, out);
    drawTimelines(y0, y1, out);
    bracketsIn(y0, y1, (i) => drawBracket(i, out));
    notesIn(y0, y1, (i) => drawNote(i, out));
    arrowsIn(y0, y1, (i) => drawArrow(i, out));
    drawLegend(y0, y1, out);
    drawCursor(out);
    drawHeader(top, out);
    out.push('</g>');
    svg.innerHTML = out.join('');
  }
  let renderQueued = false;
  function queueRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; render(); });
  }
  scroll.addEventListener('scroll', queueRender, { passive: true });
  window.addEventListener('resize', () => { render(); });

  // keepInView scrolls so that the cursor stays on screen.
  function keepInView() {
    const px = cur.y * S, vh = scroll.clientHeight;
    if (px < scroll.scrollTop + 0.15 * vh || px > scroll.scrollTop + 0.85 * vh) {
      scroll.scrollTop = Math.max(0, px - 0.55 * vh); // what led here stays in view above
    }
  }

  svg.addEventListener('click', (e) => {
    const t = e.target.closest('[data-a]');
    if (!t) return;
    selArrow = Number(t.getAttribute('data-a'));
    showDetails();
    render();
  });

  // ---- The panels ----------------------------------------------------------

  const FIELDS = D.fields;
  function row(field, value, desc, why, changed) {
    return '<div class="row' + (changed ? ' changed' : '') + '" data-f="' + field + '"><span class="k">' + esc(FIELDS[field] || field) +
      '</span><span class="v">' + esc(value) + '</span><span class="d">' + esc(desc) + '</span>' +
      (changed && why ? '<span class="why">' + esc(why) + '</span>' : '') + '</div>';
  }
  const dash = '—';
  const pct = (v, v0, v1) => (100 * (Math.max(v0, Math.min(v1, v)) - v0) / Math.max(1, v1 - v0));
  // part draws the bytes [a, b) of a bar showing [v0, v1); data-range
  // says which, as the panel numbers them (base: the side's ISN).
  function part(cls, a, b, v0, v1, base) {
    if (b <= a) return '';
    const l = pct(a, v0, v1), r = pct(b, v0, v1);
    if (r <= l) return '';
    return '<div class="' + cls + '" data-range="' + seqShow(base, a) + '-' + seqShow(base, b) + '" style="left:' + f2(l) + '%;width:' + f2(r - l) + '%"></div>';
  }
  // tick marks a field's place under a bar, kept inside the bar's ends.
  function tick(label, p, lower) {
    const shift = p < 10 ? 'translateX(-.6rem)' : p > 90 ? 'translateX(calc(-100% + .6rem))' : 'translateX(-50%)';
    const side = p < 10 ? ' left-end' : p > 90 ? ' right-end' : '';
    return '<span class="tick' + (lower ? ' lo' : '') + side + '" style="left:' + f2(p) + '%;transform:' + shift + '">' + esc(label) + '</span>';
  }
  // frameLabel keeps a frame's label inside the bar's ends.
  function frameLabel(l, r) {
    if (r > 75) return ' style="left:auto;right:0;transform:none"';
    if (l < 25) return ' style="left:0;transform:none"';
    return '';
  }
  function legend(items) {
    return '<div class="legend">' + items.map((it) => '<span><i style="background:' + it[0] + '"></i>' + esc(it[1]) + '</span>').join('') + '</div>';
  }

  // sendBar draws the send sequence space: acknowledged, sent and not yet
  // acknowledged, may be sent now, not yet allowed (the textbook figure).
  function sendBar(e, s) {
    if (s.una == null || s.nxt == null || !finalState[e].wrote) return '';
    const total = (finalState[e].wrote || 0) + 2; // SYN, the data, FIN
    const mx = s.max != null ? s.max : s.nxt;
    let use = Infinity, limitedBy = '';
    if (s.wnd != null) { use = s.wnd; limitedBy = P.limitWnd; }
    if (s.cwnd != null && s.cwnd < use) { use = s.cwnd; limitedBy = P.limitCwnd; }
    if (use === Infinity) use = 0;
    const right = s.una + use;
    let v0 = 0, v1 = Math.max(total, mx);
    const span = 4 * Math.max(maxUse[e], 1);
    if (v1 > 1.5 * span) {
      const half = span / 2;
      v0 = Math.max(0, Math.floor((s.una - span / 4) / half) * half);
      v1 = v0 + span;
    }
    let h = '<div class="barwrap"><div class="bar" title="' + esc(P.sendSpace) + '">';
    h += part('acked', v0, s.una, v0, v1, EP[e].iss);
    h += part('flight', s.una, Math.min(s.nxt, mx), v0, v1, EP[e].iss);
    h += part('resend', s.nxt, mx, v0, v1, EP[e].iss);
    h += part('usable', Math.max(s.nxt, mx), right, v0, v1, EP[e].iss);
    h += '</div>';
    const l = pct(s.una, v0, v1), r = pct(right, v0, v1);
    h += '<div class="frame" style="left:calc(' + f2(l) + '% - 3px);width:calc(' + f2(Math.max(0, r - l)) + '% + 6px)"><span' + frameLabel(l, r) + '>' +
      esc(limitedBy + ': ' + fmt(P.bytes, use)) + '</span></div>';
    h += tick(FIELDS.una, pct(s.una, v0, v1), false);
    if (s.nxt !== s.una) h += tick(FIELDS.nxt, pct(s.nxt, v0, v1), Math.abs(pct(s.nxt, v0, v1) - pct(s.una, v0, v1)) < 24);
    h += '</div>';
    const items = [['var(--acked)', P.acked], ['var(--flight)', P.inFlight], ['var(--usable)', P.usable], ['var(--blocked)', P.notAllowed]];
    if (s.nxt < mx) items.splice(2, 0, ['var(--resend)', P.resend]);
    return h + legend(items);
  }

  // recvBar draws the receive buffer: read by the application, waiting to
  // be read, free, data held out of order, and the window advertised.
  function recvBar(e, s) {
    const capB = EP[e].cap;
    if (s.rnxt == null || !capB) return '';
    const buf = s.buf || 0;
    const first = s.rnxt - buf; // the first byte not yet read
    const v0 = Math.max(1, Math.floor(first - capB / 3)), v1 = first + capB;
    let h = '<div class="barwrap"><div class="bar">';
    h += part('read', v0, first, v0, v1, EP[e].irs);
    h += part('waiting', first, s.rnxt, v0, v1, EP[e].irs);
    h += part('free', s.rnxt, v1, v0, v1, EP[e].irs);
    for (const rg of s.ooo || []) h += part('ooo', rg[0], rg[1], v0, v1, EP[e].irs);
    h += '</div>';
    if (s.rack != null && s.rwnd != null) {
      const l = pct(s.rack, v0, v1), r = pct(s.rack + s.rwnd, v0, v1);
      const zero = s.rwnd === 0;
      h += '<div class="frame" style="left:calc(' + f2(l) + '% - 3px);width:calc(' + f2(Math.max(0, r - l)) + '% + 6px)' +
        (zero ? ';border-color:#c0151a;color:#c0151a' : '') + '"><span' + frameLabel(l, r) + '>' +
        esc(P.advertised + ': ' + fmt(P.bytes, s.rwnd)) + '</span></div>';
    }
    h += tick(FIELDS.rnxt, pct(s.rnxt, v0, v1), false);
    h += '</div>';
    const items = [['var(--read)', P.read], ['var(--waiting)', P.waiting]];
    if ((s.ooo || []).length) items.push(['var(--ooo)', P.outOfOrder]);
    items.push(['var(--free)', P.free]);
    return h + legend(items);
  }

  function timers(e, s, changed) {
    let h = '';
    let any = false;
    const names = Object.keys(L.TimerColors);
    for (const name of names) {
      const f = 't:' + name, v = s[f], ch = changed[f];
      const label = P['timer.' + name] || name;
      const c = col(L.TimerColors[name]);
      if (v) {
        any = true;
        const left = Math.max(0, v[1] - cur.t), total = Math.max(1, v[1] - v[0]);
        const frac = Math.max(0, Math.min(1, left / total));
        h += '<div class="timer' + (ch !== undefined ? ' changed' : '') + '" data-timer="' + name + '"><div class="tn"><span style="color:' + c + '">' + esc(label) +
          '</span><span class="left">' + esc(fmt(P.firesIn, sec(left))) + '</span></div><div class="tb"><div style="width:' + f2(100 * frac) + '%;background:' + c + '"></div></div>' +
          (ch ? '<div class="why">' + esc(ch) + '</div>' : '') + '</div>';
      } else if (ch !== undefined) {
        any = true;
        h += '<div class="timer changed" data-timer="' + name + '"><div class="tn"><span style="color:' + c + '">' + esc(label) + '</span><span></span></div><div class="why">' + esc(ch) + '</div></div>';
      }
    }
    return any ? h : '<div class="empty">' + esc(P.noTimers) + '</div>';
  }

  function panel(side) {
    const el = $('panel' + side);
    const conn = D.conns[selConn];
    const e = conn ? conn.eps[side] : undefined;
    if (e === undefined) {
      el.innerHTML = '<h2><span class="node">' + esc(L.Nodes[side]) + '</span></h2><div class="empty">' + esc(P.noConn) + '</div>';
      return;
    }
    const ep = EP[e], s = stateAt(cur.k)[e];
    const changed = {};
    if (cur.k >= 0) for (const c of EV[cur.k].d) if (c[0] === e) changed[S$[c[1]]] = S$[c[3]];
    let h = '<h2><span class="node">' + esc(ep.node) + '</span>' + (D.conns.length > 1 ? '<span class="conn" style="background:' + connColor(selConn) + '"></span>' : '') + '</h2>';
    if (s.state == null) {
      el.innerHTML = h + '<div class="empty">' + esc(P.noConn) + '</div>';
      return;
    }
    const ch = (f) => Object.prototype.hasOwnProperty.call(changed, f);
    h = h.replace('</h2>', '<span class="state' + (ch('state') ? ' changed' : '') + '" data-f="state">' + esc(s.state) + '</span></h2>');
    if (ch('state') && changed.state) h += '<div class="state-row changed"><span class="why">' + esc(changed.state) + '</span></div>';
    const sq = (v, base) => (v == null ? dash : String(seqShow(base, v)));
    const by = (v) => (v == null ? dash : fmt(P.bytes, v));
    h += '<h3>' + esc(P.sending) + '</h3>';
    h += row('una', sq(s.una, ep.iss), P.una, changed.una, ch('una'));
    h += row('nxt', sq(s.nxt, ep.iss), P.nxt, changed.nxt, ch('nxt'));
    h += row('wnd', by(s.wnd), P.wnd, changed.wnd, ch('wnd'));
    h += sendBar(e, s);
    h += '<h3>' + esc(P.congestion) + '</h3>';
    const mss = s.mss || 0;
    const cw = s.cwnd == null ? dash : fmt(P.bytes, s.cwnd) + (mss ? ' (' + f2(s.cwnd / mss) + ' MSS)' : '');
    h += row('cwnd', cw, P.cwnd, changed.cwnd, ch('cwnd'));
    h += row('ssthresh', s.ssthresh == null ? dash : s.ssthresh < 0 ? '∞' : fmt(P.bytes, s.ssthresh), P.ssthresh, changed.ssthresh, ch('ssthresh'));
    h += row('rto', s.rto == null ? dash : sec(s.rto), P.rto, changed.rto, ch('rto'));
    h += row('srtt', s.srtt == null ? dash : sec(s.srtt), P.srtt, changed.srtt, ch('srtt'));
    h += '<h3>' + esc(P.receiving) + (EP[e].cap ? '<span class="limit">' + esc(fmt(P.buffer, EP[e].cap)) + '</span>' : '') + '</h3>';
    h += row('rnxt', sq(s.rnxt, ep.irs), P.rnxt, changed.rnxt || changed['ooo+'], ch('rnxt') || ch('ooo+'));
    h += row('rwnd', by(s.rwnd), P.rwnd, changed.rwnd || changed.buf, ch('rwnd') || ch('buf'));
    h += recvBar(e, s);
    h += '<h3>' + esc(P.timers) + '</h3>';
    h += timers(e, s, changed);
    el.innerHTML = h;
  }

  // ---- Segment details ---------------------------------------------------

  function showDetails() {
    const el = $('details');
    if (selArrow < 0) { el.hidden = true; return; }
    const a = AR[selArrow];
    const rows = [];
    const add = (k, v, cls) => rows.push('<tr' + (cls ? ' class="' + cls + '"' : '') + '><th>' + esc(k) + '</th><td>' + esc(v) + '</td></tr>');
    add(P.sentAt, sec(a.t0) + '   ' + a.src + ':' + a.sport + ' → ' + a.dst + ':' + a.dport);
    add(P.flags, a.flags || P.none);
    add(FIELDS.SEQ, a.seq);
    add(FIELDS.ACK, a.has_ack ? a.ack : P.none);
    add(FIELDS.LEN, a.len);
    add(FIELDS.WIN, a.win + (a.win !== a.wnd_field ? ' (' + a.wnd_field + ')' : ''));
    add(P.options, a.options || P.none);
    add(P.labels, a.labels || P.none);
    add(P.whySent, a.why);
    if (a.end === 'deliver') add(P.arrivedAt, sec(a.t1));
    else if (a.end === 'drop') {
      add(P.droppedAt, sec(a.t1), 'drop');
      add(P.whyDropped, a.reason, 'drop');
      if (a.rule) add(P.rule, a.rule, 'drop');
    } else add(P.arrivedAt, P.inFlightAtEnd);
    el.innerHTML = '<h2><span>' + esc(fmt(P.segment, a.id)) + '</span><button type="button" id="details-close">' + esc(P.close) + ' ✕</button></h2><table>' + rows.join('') + '</table>';
    el.hidden = false;
    $('details-close').addEventListener('click', () => { selArrow = -1; showDetails(); render(); });
  }

  // ---- Putting it together -----------------------------------------------

  function update(follow) {
    S = scroll.clientWidth / L.Width;
    spacer.style.height = Math.max(0, L.Height * S - scroll.clientHeight) + 'px';
    if (follow) keepInView();
    render();
    panel(0);
    panel(1);
    $('scrub').value = String(cur.k);
    $('count').textContent = cur.k >= 0 ? fmt(P.eventOf, cur.k + 1, N) : P.before;
    $('now-t').textContent = sec(cur.t);
    $('now-x').textContent = cur.k >= 0 ? evText(cur.k) : '';
  }

  function init() {
    document.title = D.title || document.title;
    $('title').textContent = D.title || 'tcpsim';
    document.querySelectorAll('[data-p]').forEach((el) => { el.textContent = P[el.getAttribute('data-p')]; });
    document.querySelectorAll('[data-t]').forEach((el) => {
      el.title = P[el.getAttribute('data-t')];
      el.setAttribute('aria-label', el.title);
    });
    $('keys').textContent = P.keys + (D.more ? '   ' + D.more : '');
    const sel = $('conn');
    D.conns.forEach((c, i) => {
      const o = document.createElement('option');
      o.value = String(i);
      o.textContent = c.name;
      o.style.color = connColor(i);
      sel.appendChild(o);
    });
    $('connpick').hidden = D.conns.length < 2;
    sel.addEventListener('change', () => { selConn = Number(sel.value); sel.blur(); update(false); });
    $('scrub').max = String(N - 1);
    $('scrub').addEventListener('input', () => { stop(); setK(Number($('scrub').value)); });
    $('b-first').addEventListener('click', () => { stop(); setK(-1); });
    $('b-prev').addEventListener('click', () => step(-1, false));
    $('b-next').addEventListener('click', () => step(1, false));
    $('b-last').addEventListener('click', () => { stop(); setK(N - 1); });
    $('b-play').addEventListener('click', () => (playing ? stop() : play()));
    $('speed').addEventListener('change', () => { speed = Number($('speed').value) || 1; $('speed').blur(); });
    $('goto').addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      const v = Number(String($('goto').value).replace(',', '.').replace(/\s*s$/, ''));
      if (!isNaN(v)) { stop(); setTime(Math.round(v * 1e9)); }
      $('goto').blur(); // the keys step again
    });
    document.addEventListener('keydown', (e) => {
      const tag = (e.target && e.target.tagName) || '';
      if (e.key === 'Escape') { selArrow = -1; showDetails(); render(); return; }
      if (tag === 'INPUT' && e.target.type === 'text' || tag === 'SELECT') return;
      switch (e.key) {
        case 'ArrowRight': step(1, e.shiftKey); break;
        case 'ArrowLeft': step(-1, e.shiftKey); break;
        case ' ': playing ? stop() : play(); break;
        case 'Home': stop(); setK(-1); break;
        case 'End': stop(); setK(N - 1); break;
        default: return;
      }
      e.preventDefault();
    });
    playButton();
    // A link may name an event and a segment: #e=57&s=14 (the event's
    // number as the counter shows it, the segment's number).
    const h = new URLSearchParams(location.hash.replace(/^#/, ''));
    const k = Number(h.get('e'));
    if (h.has('s')) {
      const id = Number(h.get('s'));
      selArrow = AR.findIndex((a) => a.id === id);
      showDetails();
    }
    setK(h.has('e') && k >= 1 ? k - 1 : -1);
  }
  init();
  // Tests read the state through this, as the panels show it.
  window.tcpsim = { data: D, events: EV, arrows: AR, cursor: cur, stateAt: stateAt, setK: setK, step: step, readyAt: performance.now(),
    timings: { start: T0, parse: T1 - T0, decode: T2 - T1, states: T3 - T2, rest: performance.now() - T3 } };
})();
