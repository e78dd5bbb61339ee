// The public HTTP API, and the API key when the runtime asks for one (kept for this browser tab only).
const KEY = 'toploras.apiKey';

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = error?.code || 'http_' + status;
    this.details = error?.details || {};
  }
}

/** A key given as #key=... in the address is taken into sessionStorage and removed from the address bar. */
export function takeKeyFromFragment() {
  const m = location.hash.match(/(?:^#|&)key=([^&]+)/);
  if (!m) return false;
  setApiKey(decodeURIComponent(m[1]));
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

export const apiKey = () => sessionStorage.getItem(KEY) || '';
export function setApiKey(k) {
  if (k) sessionStorage.setItem(KEY, k); else sessionStorage.removeItem(KEY);
}

let onUnauthorized = () => {};
export function whenUnauthorized(fn) { onUnauthorized = fn; }

export async function call(method, path, { body, headers = {}, signal } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (apiKey()) h.Authorization = 'Bearer ' + apiKey();
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, { code: 'unreachable', message: 'the runtime did not answer (' + e.message + ')' });
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, data?.error || { message: text.slice(0, 200) || res.statusText });
  }
  return data;
}

export const get = (path, opts) => call('GET', path, opts);
export const post = (path, body, opts) => call('POST', path, { ...opts, body });

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

/**
 * Follows a job's event stream. EventSource cannot send the API key, so with a key set the job document is polled
 * instead; either way onEvent gets {event, data} and the returned function stops following.
 */
export function follow(jobId, onEvent) {
  const path = `/api/v1/generate/${encodeURIComponent(jobId)}`;
  if (!apiKey() && 'EventSource' in window) {
    const es = new EventSource(path + '/events');
    for (const name of ['status', 'log', 'asset', 'done', 'failed']) {
      es.addEventListener(name, (e) => {
        let data = {};
        try { data = JSON.parse(e.data); } catch { /* keep the event, without data */ }
        onEvent({ event: name, data });
        if (name === 'done' || name === 'failed') es.close();
      });
    }
    es.onerror = () => {
      // The stream closes after the terminal event; anything else: fall back to one look at the document.
      if (es.readyState === EventSource.CLOSED) onEvent({ event: 'closed', data: {} });
    };
    return () => es.close();
  }
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const job = await get(path);
      const terminal = ['succeeded', 'failed', 'cancelled'].includes(job.status);
      onEvent({ event: terminal ? (job.status === 'succeeded' ? 'done' : 'failed') : 'status',
        data: { job_id: jobId, progress: job.progress, stage: job.status, message: (job.log || []).slice(-1)[0] } });
      if (terminal) return;
    } catch (e) {
      onEvent({ event: 'log', data: { message: e.message } });
    }
    setTimeout(tick, 1000);
  };
  tick();
  return () => { stopped = true; };
}

// An <img> cannot send the API key, so with a key set /assets images are fetched with it when they come near the
// viewport and shown from a blob: URL (released once drawn); without a key they are plain lazy-loaded URLs.
const nearViewport = 'IntersectionObserver' in window ? new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    nearViewport.unobserve(e.target);
    fetchImage(e.target);
  }
}, { rootMargin: '300px' }) : null;

async function fetchImage(img) {
  try {
    const res = await fetch(img.dataset.src, { headers: { Authorization: 'Bearer ' + apiKey() } });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const url = URL.createObjectURL(await res.blob());
    img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
    img.src = url;
  } catch {
    img.dispatchEvent(new Event('error'));
  }
}

export function setImage(img, url) {
  if (!apiKey() || !url.startsWith('/assets/')) {
    img.src = url;
    return;
  }
  img.dataset.src = url;
  if (nearViewport && img.loading === 'lazy') nearViewport.observe(img); else fetchImage(img);
}
