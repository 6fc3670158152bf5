// The LoreHub Sync dashboard: draws each snapshot the node pushes over server-sent events.
// Every string from the node goes in with textContent (lore text comes from other devices).
'use strict';
(function () {
  const csrf = document.querySelector('meta[name="lorehub-csrf"]').content;
  const $ = (id) => document.getElementById(id);
  let editing = null; // {lore, text} while an edit box is open: the conflict list is not redrawn under it
  let last = null;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function ago(at, now) {
    if (!at) return 'never';
    const s = Math.max(0, Math.round((now - at) / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 172800) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }

  function num(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(1) + 'M';
    if (n >= 1e4) return (n / 1e3).toFixed(0) + 'k';
    if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
    return String(Math.round(n));
  }

  function bytes(n) {
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MB';
    if (n >= 1024) return (n / 1024).toFixed(0) + ' KB';
    return Math.round(n) + ' B';
  }

  function eta(s) {
    if (s < 0) return '…';
    if (s < 90) return s + ' s';
    return Math.round(s / 60) + ' min';
  }

  const STATE_CLASS = { 'in sync': 'ok', 'syncing': 'busy', 'connecting': 'busy', 'reconciling': 'busy', 'behind': 'warn',
    'waiting': 'busy', 'offline': 'bad', 'never seen': '' };

  function badge(state, extra) {
    return el('span', { class: 'badge ' + (STATE_CLASS[state] || ''), text: extra || state.charAt(0).toUpperCase() + state.slice(1) });
  }

  function drawPeers(s) {
    const box = $('peers');
    box.replaceChildren();
    if (s.peers.length === 0) {
      box.append(el('p', { class: 'muted', text: 'No paired devices yet: run `lorehub-node pair` here and type the code on the other device.' }));
    }
    for (const p of s.peers) {
      const t = p.transfer;
      let label;
      if (p.state === 'syncing' && t && t.total > 0) label = 'Syncing ' + Math.floor(100 * t.done / t.total) + '%';
      const card = el('div', { class: 'peer', 'data-peer': p.shortId, 'data-state': p.state },
        el('div', { class: 'top' }, el('span', { class: 'name', text: p.name }), el('span', { class: 'peer-state' }, badge(p.state, label))),
        el('div', { class: 'meta', text: p.shortId + ' · last contact ' + ago(p.lastContact, s.generatedAt)
          + ' · last full sync ' + ago(p.lastSync, s.generatedAt) + (p.inSyncSince ? ' · in sync since ' + new Date(p.inSyncSince).toLocaleTimeString() : '') }));
      for (const r of p.realms) {
        let what = r.state;
        if (r.state === 'behind') {
          const parts = [];
          if (r.weLack) parts.push('this device lacks ' + r.weLack);
          if (r.peerLacks) parts.push(p.name + ' lacks ' + r.peerLacks);
          what = 'behind: ' + parts.join(', ') + ' event(s)';
        }
        card.append(el('div', { class: 'peer-realm', 'data-realm': r.realm, 'data-state': r.state },
          el('span', { text: r.name }), el('span', { class: 'realm-state', text: what })));
      }
      if (t && t.total > 0 && t.done < t.total) {
        const pct = Math.floor(100 * t.done / t.total);
        const bar = el('div', {});
        bar.style.width = pct + '%';
        card.append(el('div', { class: 'transfer' }, el('div', { class: 'bar' }, bar),
          el('div', { class: 'meta', text: num(t.done) + ' of ' + num(t.total) + ' events · ' + num(t.eventsPerSecond) + '/s · '
            + bytes(t.bytesPerSecond) + '/s · ETA ' + eta(t.etaSeconds) })));
      }
      if (p.lastError) {
        card.append(el('div', { class: 'error', text: 'Last error ' + ago(p.lastErrorAt, s.generatedAt) + ': ' + p.lastError
          + (p.failuresInARow > 1 ? ' (' + p.failuresInARow + ' in a row)' : '') }));
      }
      box.append(card);
    }
  }

  function drawOverall(s) {
    const o = $('overall');
    const online = s.peers.filter((p) => p.online);
    let state = 'in sync', text;
    if (s.peers.length === 0) { state = ''; text = 'No peers'; }
    else if (online.length === 0) { state = 'offline'; text = 'All peers offline'; }
    else if (online.some((p) => p.state !== 'in sync')) { state = 'syncing'; text = 'Syncing'; }
    else text = online.length === s.peers.length ? 'Up to date' : 'Up to date with ' + online.length + ' of ' + s.peers.length;
    o.className = 'badge ' + (STATE_CLASS[state] || '');
    o.textContent = text;
    $('device-name').textContent = s.device.name;
    $('device-id').textContent = s.device.shortId + ' · sync on ' + s.device.syncAddress;
    document.title = text + ' · LoreHub Sync';
  }

  function drawAlerts(s) {
    const box = $('alerts');
    box.replaceChildren(...s.alerts.map((a) => el('div', { class: 'alert', 'data-code': a.code, text: a.message })));
    box.hidden = s.alerts.length === 0;
  }

  function drawUnsynced(s) {
    const u = s.unsynced;
    $('unsynced').replaceChildren(
      el('div', { id: 'pending-capture', text: u.pendingCapture + ' change(s) lh made that are not yet signed events' }),
      el('div', { id: 'awaiting-peers', text: u.awaitingPeers + ' event(s) of this device that connected peers still lack' }),
      el('div', { class: 'muted', text: u.offlinePeers ? u.offlinePeers + ' peer(s) offline: what they lack shows when they reconnect.' : 'Every paired peer is online.' }));
  }

  function drawRealms(s) {
    const box = $('realms');
    box.replaceChildren();
    if (s.realms.length === 0) box.append(el('p', { class: 'muted', text: 'No synced realms: share one with `lorehub-node realm share`.' }));
    for (const r of s.realms) {
      const members = el('div', {});
      for (const m of r.members) {
        members.append(el('span', { class: 'member' + (m.self ? ' self' : ''), text: (m.self ? 'this device' : (m.name || m.shortId)) + ' · ' + m.role }));
      }
      box.append(el('div', { class: 'realm', 'data-realm': r.id },
        el('div', {}, el('b', { text: r.name }), el('span', { class: 'muted', text: '  ' + (r.path || 'not mapped here') + ' · your role: ' + r.role + ' · ' + num(r.events) + ' events' })),
        members));
    }
  }

  async function resolve(lore, body, card) {
    for (const b of card.querySelectorAll('button')) b.disabled = true;
    try {
      const res = await fetch('/api/resolve', { method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-LoreHub-CSRF': csrf }, body: JSON.stringify(Object.assign({ lore }, body)) });
      const reply = await res.json().catch(() => ({ error: res.statusText }));
      if (!res.ok) throw new Error(reply.error || res.statusText);
      editing = null;
      toast('Resolved; every device converges on this choice.');
    } catch (e) {
      toast('Not resolved: ' + e.message);
      for (const b of card.querySelectorAll('button')) b.disabled = false;
    }
  }

  function toast(text) {
    const t = el('div', { class: 'toast', role: 'status', text });
    document.body.append(t);
    setTimeout(() => t.remove(), 4000);
  }

  function drawConflicts(s) {
    $('conflict-count').textContent = s.conflicts.length ? '(' + s.conflicts.length + ')' : '';
    if (editing && s.conflicts.some((c) => c.lore === editing.lore)) return; // do not redraw under the editor
    editing = null;
    const box = $('conflicts');
    box.replaceChildren();
    if (s.conflicts.length === 0) box.append(el('p', { class: 'muted', id: 'no-conflicts', text: 'No conflicts.' }));
    const seen = new Set();
    for (const c of s.conflicts) {
      const card = el('div', { class: 'conflict', 'data-lore': c.lore, 'data-field': c.field },
        el('div', {}, el('b', { text: 'lore ' + c.lore.slice(0, 8) }), el('span', { class: 'muted', text: ' · ' + c.field + ' · ' + c.type + ' · realm ' + c.realmName })),
        el('div', { class: 'muted', text: 'Shown now: ' + (c.shownNow === null ? '(kept)' : c.shownNow) }));
      const versions = el('div', { class: 'versions' });
      for (const v of c.versions) {
        versions.append(el('div', { class: 'version' + (v.mine ? ' mine' : ''), 'data-event': v.event },
          el('div', { class: 'muted', text: (v.mine ? 'this device' : v.authorName + ' (' + v.author + ')') + ' · ' + v.at }),
          el('pre', { text: v.deleted ? '(deleted)' : v.value }),
          el('div', { class: 'actions' }, el('button', { class: 'keep-version', disabled: !c.canResolve, text: 'Keep this version',
            onclick: () => resolve(c.lore, { keep: v.event }, card) }))));
      }
      card.append(versions);
      if (!seen.has(c.lore)) {
        seen.add(c.lore);
        const editor = el('div', { class: 'editor', hidden: true });
        const area = el('textarea', { class: 'edit-text' });
        area.value = c.shownNow || '';
        area.addEventListener('input', () => { editing = { lore: c.lore, text: area.value }; });
        editor.append(area, el('div', { class: 'actions' },
          el('button', { class: 'primary save-edit', text: 'Save as the resolved content', onclick: () => resolve(c.lore, { content: area.value }, card) }),
          el('button', { text: 'Cancel', onclick: () => { editing = null; editor.hidden = true; } })));
        card.append(el('div', { class: 'actions' },
          el('button', { class: 'keep-mine', disabled: !c.canResolve, text: 'Keep mine', onclick: () => resolve(c.lore, { keep: 'mine' }, card) }),
          el('button', { class: 'keep-theirs', disabled: !c.canResolve, text: 'Keep theirs', onclick: () => resolve(c.lore, { keep: 'theirs' }, card) }),
          el('button', { class: 'edit', disabled: !c.canResolve, text: 'Edit…', onclick: () => { editing = { lore: c.lore, text: area.value }; editor.hidden = false; area.focus(); } })),
          editor);
        if (!c.canResolve) card.append(el('div', { class: 'muted', text: 'This device cannot write in this realm: ask a writer to resolve it.' }));
      }
      box.append(card);
    }
  }

  // Undo writes new events (history is never rewritten), so every device converges on it.
  async function undo(body, button, done) {
    button.disabled = true;
    try {
      const res = await fetch('/api/undo', { method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-LoreHub-CSRF': csrf }, body: JSON.stringify(body) });
      const reply = await res.json().catch(() => ({ error: res.statusText }));
      if (!res.ok) throw new Error(reply.error || res.statusText);
      toast(done + ' (' + reply.changed + ' changed); every device converges on it.');
    } catch (e) {
      toast('Not undone: ' + e.message);
      button.disabled = false;
    }
  }

  function drawActivity(s) {
    const body = $('activity').tBodies[0];
    body.replaceChildren(...s.activity.map((a) => el('tr', { class: 'activity-row', 'data-lore': a.lore, 'data-event': a.event },
      el('td', { text: new Date(a.at).toLocaleTimeString(), title: new Date(a.at).toISOString() }),
      el('td', { text: a.self ? 'this device' : a.authorName + ' (' + a.author + ')' }),
      el('td', { text: a.realmName }),
      el('td', { class: 'what', text: a.what }),
      el('td', {}, a.lore ? el('button', { class: 'restore-version', text: 'Back to this version',
        title: 'lorehub-node undo ' + a.lore.slice(0, 8) + ' --to ' + a.event.slice(0, 12),
        onclick: (e) => undo({ lore: a.lore, version: a.event }, e.target, 'Lore brought back to this version') }) : null))));
  }

  function drawMassDeletions(s) {
    const list = s.massDeletions || [];
    $('mass-card').hidden = list.length === 0;
    $('mass').replaceChildren(...list.map((m) => el('div', { class: 'mass-deletion' },
      el('span', { text: m.lores + ' lore(s) of ' + m.realmName + ' deleted together at ' + new Date(m.at).toLocaleString()
        + ', ' + m.stillDeleted + ' still gone. ' }),
      el('button', { class: 'undo-mass', text: 'Undo', title: m.command,
        onclick: (e) => undo({ realm: m.realm, toMillis: m.undoTo }, e.target, 'Realm brought back to before the deletion') }))));
  }

  const NS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  }

  // A hand-drawn chart: 60 minutes along x, lines (and optional bars) scaled to the largest value.
  function chart(id, lines, bars, format) {
    const box = $(id);
    const W = 320, H = 120, L = 34, B = 14, T = 6;
    const all = lines.flatMap((l) => l.values).concat(bars ? bars.values : []);
    const max = Math.max(1, ...all);
    const x = (i) => L + (W - L - 4) * i / 59;
    const y = (v) => H - B - (H - B - T) * v / max;
    box.replaceChildren();
    for (const f of [0, 0.5, 1]) {
      box.append(svg('line', { class: 'grid', x1: L, x2: W - 4, y1: y(max * f), y2: y(max * f) }));
      const label = svg('text', { class: 'axis', x: L - 4, y: y(max * f) + 3, 'text-anchor': 'end' });
      label.textContent = format(max * f);
      box.append(label);
    }
    for (const [i, t] of [[0, '-60 min'], [59, 'now']]) {
      const label = svg('text', { class: 'axis', x: x(i), y: H - 2, 'text-anchor': i ? 'end' : 'start' });
      label.textContent = t;
      box.append(label);
    }
    if (bars) {
      bars.values.forEach((v, i) => { if (v > 0) box.append(svg('rect', { class: bars.cls, x: x(i) - 2, y: y(v), width: 4, height: H - B - y(v) })); });
    }
    for (const l of lines) {
      box.append(svg('polyline', { class: l.cls, points: l.values.map((v, i) => x(i).toFixed(1) + ',' + y(v).toFixed(1)).join(' ') }));
    }
  }

  function drawCharts(s) {
    const c = s.charts;
    chart('chart-events', [{ cls: 'in', values: c.eventsIn }, { cls: 'out', values: c.eventsOut }], null,
      (v) => (v % 1 && v < 10 ? v.toFixed(1) : num(v)));
    chart('chart-bytes', [{ cls: 'in', values: c.bytesIn }, { cls: 'out', values: c.bytesOut }], null, bytes);
    chart('chart-conflicts', [{ cls: 'open', values: c.conflictsOpen }], { cls: 'rec', values: c.conflictsRecorded },
      (v) => (v % 1 ? v.toFixed(1) : num(v)));
  }

  function draw(s) {
    last = s;
    drawOverall(s);
    drawAlerts(s);
    drawPeers(s);
    drawUnsynced(s);
    drawRealms(s);
    drawConflicts(s);
    drawCharts(s);
    drawActivity(s);
    drawMassDeletions(s);
    document.body.dataset.generatedAt = s.generatedAt;
  }

  const live = $('live');
  const events = new EventSource('/api/events');
  events.addEventListener('snapshot', (e) => {
    live.className = 'live on';
    live.textContent = 'live';
    draw(JSON.parse(e.data));
  });
  events.addEventListener('error', () => {
    live.className = 'live off';
    live.textContent = last ? 'node unreachable: reconnecting…' : 'cannot reach the node';
  });
})();
