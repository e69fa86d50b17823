// Agentgrid dashboard: builds its view from the bridge's event stream (/ws), replaying the durable
// log on first load and resuming from the last sequence number it saw after a disconnect.
// No framework, no CDN: it works offline.
(function () {
  'use strict';

  const state = {
    lastSeq: 0,
    workers: new Map(),   // id -> {name, status, slots, agentTypes, cpu: [], mem: []}
    projects: new Map(),  // id -> {name, status, archive}
    tasks: new Map(),     // id -> {projectId, agentType, status, attempt, reason, progress, stage}
    hitl: new Map(),      // request id -> {taskId, question, options, kind}
    selectedTask: null,
    requestSeq: 0,
  };
  const SPARK_POINTS = 40;
  const $ = (sel) => document.querySelector(sel);

  // ---- connection, with backoff and resume ------------------------------------------------

  let socket = null;
  let retryDelay = 1000;
  let renderQueued = false;

  function connect() {
    setConnection('connecting', 'connecting…');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/ws?after=${state.lastSeq}`);
    socket.onopen = () => {
      retryDelay = 1000;
      setConnection('connected', 'live');
    };
    socket.onmessage = (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      apply(frame);
      scheduleRender();
    };
    socket.onclose = (close) => {
      socket = null;
      // Exponential backoff with jitter: 1 s, x1.6, +/-20 %, at most 30 s.
      const delay = Math.min(30000, retryDelay) * (0.8 + Math.random() * 0.4);
      retryDelay = Math.min(30000, retryDelay * 1.6);
      const why = close.reason ? ` (${close.reason})` : '';
      setConnection('offline', `reconnecting in ${Math.round(delay / 1000)} s${why}`);
      setTimeout(connect, delay);
    };
  }

  function send(frame) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      toast('not connected; try again in a moment');
      return null;
    }
    frame.id = `c${++state.requestSeq}`;
    socket.send(JSON.stringify(frame));
    return frame.id;
  }

  function setConnection(kind, text) {
    const el = $('#connection');
    el.className = `conn conn-${kind}`;
    el.textContent = text;
    el.dataset.state = kind;
  }

  // ---- events -> state --------------------------------------------------------------------

  function apply(f) {
    const d = f.data || {};
    if (typeof f.seq === 'number' && f.seq > state.lastSeq) {
      state.lastSeq = f.seq;
    }
    switch (f.event_type) {
      case 'workflow_event': {
        const p = project(f.project_id || d.project_id);
        if (d.name) p.name = d.name;
        if (d.status) p.status = d.status;
        else if (d.event === 'project_created') p.status = 'active';
        break;
      }
      case 'task_status_change': {
        const t = task(f.task_id || d.task_id);
        t.projectId = f.project_id || t.projectId;
        t.agentType = d.agent_type || t.agentType;
        t.status = d.status;
        t.attempt = d.attempt || t.attempt;
        t.reason = d.reason || '';
        if (d.status === 'completed') { t.progress = 100; t.stage = 'done'; }
        if (d.status === 'pending' && d.previous_status) { t.progress = 0; t.stage = ''; }
        if (t.projectId) project(t.projectId);
        break;
      }
      case 'task_progress': {
        const t = task(f.task_id || d.task_id);
        t.progress = Math.round(d.progress != null ? d.progress : (d.fraction || 0) * 100);
        t.stage = d.stage || '';
        break;
      }
      case 'hitl_request':
        state.hitl.set(d.request_id, { taskId: d.task_id, question: d.question, options: d.options || [], kind: d.kind });
        break;
      case 'hitl_response':
        state.hitl.delete(d.request_id);
        break;
      case 'worker_status': {
        const w = worker(d.worker_id || f.worker_id);
        w.name = d.name || w.name;
        w.status = d.status;
        w.slots = d.slots || w.slots;
        w.agentTypes = d.agent_types || w.agentTypes;
        break;
      }
      case 'worker_metrics': {
        const w = worker(d.worker_id);
        const m = d.metrics || {};
        push(w.cpu, Number(m.cpu_usage || 0));
        const total = Number(m.memory_total_bytes || 0);
        push(w.mem, total > 0 ? Number(m.memory_used_bytes || 0) / total : 0);
        w.freeSlots = m.free_slots;
        if (!w.status) w.status = 'online';
        break;
      }
      case 'artifact_created':
        if (d.archive && (f.project_id || d.project_id)) project(f.project_id || d.project_id).archive = true;
        break;
      case 'artifacts_deleted':
        if (f.project_id) project(f.project_id).archive = false;
        break;
      case 'new_message':
        if ((f.task_id || d.task_id) === state.selectedTask) appendOutput(d.stream, d.message || '');
        break;
      case 'chat:chunk':
      case 'chat:start':
      case 'chat:done':
        break; // the raw agent stream above already shows the reply
      case 'resync':
        // History we asked for is gone: start over from what is retained.
        state.lastSeq = 0;
        state.tasks.clear(); state.projects.clear(); state.hitl.clear();
        if (socket) socket.close(4000, 'resync');
        break;
      case 'error':
        toast((d.message || 'request failed') + (d.code ? ` (${d.code})` : ''));
        break;
      default:
        break;
    }
  }

  function project(id) {
    if (!state.projects.has(id)) state.projects.set(id, { name: id.slice(0, 8), status: 'active', archive: false });
    return state.projects.get(id);
  }
  function task(id) {
    if (!state.tasks.has(id)) state.tasks.set(id, { id, status: 'pending', attempt: 1, progress: 0, stage: '' });
    return state.tasks.get(id);
  }
  function worker(id) {
    if (!state.workers.has(id)) state.workers.set(id, { id, name: id, status: '', cpu: [], mem: [], agentTypes: [] });
    return state.workers.get(id);
  }
  function push(series, v) {
    series.push(v);
    if (series.length > SPARK_POINTS) series.shift();
  }

  // ---- rendering --------------------------------------------------------------------------

  function scheduleRender() {
    if (!renderQueued) {
      renderQueued = true;
      requestAnimationFrame(() => { renderQueued = false; render(); });
    }
  }

  function render() {
    $('#last-seq').textContent = state.lastSeq ? `event #${state.lastSeq}` : '';
    renderWorkers();
    renderHitl();
    renderProjects();
    renderTasks();
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(e.dataset, v); else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function sparkline(values, label) {
    const w = 120, h = 24;
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('class', 'spark');
    svg.setAttribute('aria-label', label);
    const line = document.createElementNS(ns, 'polyline');
    const n = Math.max(values.length - 1, 1);
    line.setAttribute('points', values.map((v, i) => `${(i / n) * w},${h - Math.max(0, Math.min(1, v)) * (h - 2) - 1}`).join(' '));
    line.setAttribute('fill', 'none'); line.setAttribute('stroke', '#2563eb'); line.setAttribute('stroke-width', '1.5');
    svg.append(line);
    return svg;
  }

  function pct(series) {
    return series.length ? `${Math.round(series[series.length - 1] * 100)} %` : '–';
  }

  function renderWorkers() {
    const box = $('#workers');
    if (!state.workers.size) return;
    box.replaceChildren(...[...state.workers.values()].map((w) => el('div', { class: 'card worker', dataset: { workerId: w.id } },
      el('h3', {}, w.name, ' ', el('span', { class: `status s-${w.status}` }, w.status || '')),
      el('div', { class: 'muted' }, (w.agentTypes || []).join(', '), w.slots ? ` · ${w.slots} slots` : ''),
      el('div', { class: 'metric cpu' }, 'CPU ', sparkline(w.cpu, 'CPU'), el('span', { class: 'value' }, pct(w.cpu))),
      el('div', { class: 'metric mem' }, 'Memory ', sparkline(w.mem, 'memory'), el('span', { class: 'value' }, pct(w.mem))))));
  }

  function renderHitl() {
    const box = $('#hitl');
    $('#hitl-count').textContent = state.hitl.size;
    if (!state.hitl.size) {
      box.replaceChildren(el('p', { class: 'muted empty' }, 'Nothing waits for you.'));
      return;
    }
    // Keep what a user is typing: only add and remove request cards.
    const present = new Set();
    for (const [id, r] of state.hitl) {
      present.add(id);
      if (box.querySelector(`[data-request-id="${id}"]`)) continue;
      const t = state.tasks.get(r.taskId);
      const amend = el('textarea', { placeholder: 'Amended instructions or answer', class: 'amend-text' });
      box.append(el('div', { class: 'request', dataset: { requestId: id } },
        el('div', {}, el('strong', {}, r.question)),
        el('div', { class: 'muted' }, `${t && t.agentType ? t.agentType : 'task'} · ${r.kind || ''}`),
        amend,
        el('button', { type: 'button', class: 'approve', onclick: () => respond(id, 'approve', amend.value) }, 'Approve'),
        el('button', { type: 'button', class: 'reject', onclick: () => respond(id, 'reject', amend.value) }, 'Reject'),
        el('button', { type: 'button', class: 'amend', onclick: () => respond(id, 'amend', amend.value) }, 'Amend')));
    }
    box.querySelectorAll('.empty').forEach((e) => e.remove());
    box.querySelectorAll('[data-request-id]').forEach((e) => { if (!present.has(e.dataset.requestId)) e.remove(); });
  }

  function respond(requestId, action, content) {
    if (action === 'amend' && !content.trim()) {
      toast('Amend needs the amended content');
      return;
    }
    send({ type: 'hitl:respond', request_id: requestId, action, response_content: content });
  }

  function renderProjects() {
    const box = $('#projects');
    if (!state.projects.size) return;
    const rows = [];
    for (const [id, p] of state.projects) {
      const tasks = [...state.tasks.values()].filter((t) => t.projectId === id);
      const done = tasks.filter((t) => t.status === 'completed').length;
      const percent = tasks.length ? Math.round((100 * done) / tasks.length) : 0;
      rows.push(el('div', { class: 'project', dataset: { projectId: id } },
        el('span', { class: 'name' }, p.name),
        el('span', { class: `status s-${p.status}` }, p.status),
        el('progress', { max: 100, value: percent, title: `${done}/${tasks.length} tasks completed` }),
        el('span', { class: 'completion' }, `${percent} %`),
        p.archive || p.status === 'completed' || p.status === 'failed'
          ? el('a', { href: `/api/v1/artifacts/${id}/download`, class: 'download' }, 'ZIP') : ''));
    }
    box.replaceChildren(...rows);
  }

  function renderTasks() {
    const body = $('#tasks tbody');
    const rows = [...state.tasks.values()].slice(-200).reverse().map((t) => el('tr', {
      dataset: { taskId: t.id, status: t.status }, onclick: () => selectTask(t.id),
    },
    el('td', {}, t.agentType || ''),
    el('td', {}, el('span', { class: `status s-${t.status}` }, t.status)),
    el('td', {}, el('progress', { max: 100, value: t.progress || 0 }), ` ${t.progress || 0} % ${t.stage || ''}`),
    el('td', {}, t.attempt || 1),
    el('td', { class: 'muted' }, t.reason || '')));
    body.replaceChildren(...rows);
  }

  // ---- a task's output and chat -----------------------------------------------------------

  async function selectTask(id) {
    state.selectedTask = id;
    $('#output-section').hidden = false;
    $('#output-task').textContent = (state.tasks.get(id) || {}).agentType || id;
    const out = $('#output');
    out.replaceChildren();
    try {
      const res = await fetch(`/api/v1/tasks/${id}/messages?page_size=1000`);
      if (res.ok) {
        const body = await res.json();
        for (const m of body.messages || []) appendOutput(m.kind, m.content);
      }
    } catch (e) {
      toast('could not load the output');
    }
  }

  function appendOutput(stream, text) {
    const out = $('#output');
    out.append(el('span', { class: `chunk-${String(stream || 'stdout').toLowerCase()}` }, text));
    out.scrollTop = out.scrollHeight;
  }

  $('#output-close').addEventListener('click', () => { state.selectedTask = null; $('#output-section').hidden = true; });
  $('#chat-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('#chat-input');
    if (state.selectedTask && input.value.trim()) {
      send({ type: 'chat:send', task_id: state.selectedTask, content: input.value });
      input.value = '';
    }
  });
  $('#chat-cancel').addEventListener('click', () => {
    if (state.selectedTask) send({ type: 'chat:cancel', task_id: state.selectedTask });
  });

  function toast(text) {
    const t = el('div', { class: 'error-toast', role: 'alert' }, text);
    document.body.append(t);
    setTimeout(() => t.remove(), 4000);
  }

  // Workers' latest metrics now, instead of after their next heartbeat.
  async function loadWorkers() {
    try {
      const res = await fetch('/api/v1/workers?page_size=1000');
      if (!res.ok) return;
      for (const w of (await res.json()).workers || []) {
        const v = worker(w.id);
        v.name = w.name || v.name;
        v.status = w.status || v.status;
        v.slots = w.slots;
        v.agentTypes = w.agent_types || v.agentTypes;
        if (w.metrics && !v.cpu.length) {
          push(v.cpu, Number(w.metrics.cpu_usage || 0));
          const total = Number(w.metrics.memory_total_bytes || 0);
          push(v.mem, total > 0 ? Number(w.metrics.memory_used_bytes || 0) / total : 0);
        }
      }
      scheduleRender();
    } catch (e) {
      // The event stream fills the view in anyway.
    }
  }

  loadWorkers();
  connect();
})();
