// The JSON API of `cargosim serve` (docs/API.md): session cookie plus the CSRF token on writes.

let csrfToken = null;

/** An answer other than 2xx: `status`, and `code`, `field` and `message` from the error body. */
export class APIError extends Error {
  constructor(status, body) {
    super(body?.error?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code || 'internal';
    this.field = body?.error?.field;
    /** Every problem of a refused form or file: [{field?, line?, message}] (console routes). */
    this.problems = body?.error?.problems || [];
  }
}

export function setCSRFToken(token) {
  csrfToken = token;
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new APIError(response.status, json);
  return json;
}

/** Any JSON route of the API (the console's): `http.get('/api/groups')`, `http.post(path, body)`. */
export const http = {
  get: (path) => request('GET', path),
  post: (path, body = {}) => request('POST', path, body),
  put: (path, body = {}) => request('PUT', path, body),
  del: (path) => request('DELETE', path),
  /** A POST of raw bytes (an upload) with its content type. */
  upload: async (path, blob, contentType) => {
    const headers = { Accept: 'application/json', 'Content-Type': contentType };
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    const response = await fetch(path, { method: 'POST', headers, body: blob, credentials: 'same-origin' });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) throw new APIError(response.status, json);
    return json;
  },
};

/** Raw bytes of a file route (scans); throws APIError on a non-2xx answer. */
export async function bytes(path) {
  const response = await fetch(path, { credentials: 'same-origin' });
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    throw new APIError(response.status, body);
  }
  return response.arrayBuffer();
}

const casePath = (aid, cid) => `/api/assignments/${encodeURIComponent(aid)}/cases/${encodeURIComponent(cid)}`;

export const api = {
  login: (username, password) => request('POST', '/api/login', { username, password }),
  logout: () => request('POST', '/api/logout', {}),
  me: () => request('GET', '/api/me'),
  setLanguage: (language) => request('PUT', '/api/me/language', { language }),
  assignments: () => request('GET', '/api/assignments'),
  assignment: (aid) => request('GET', `/api/assignments/${encodeURIComponent(aid)}`),
  caseView: (aid, cid) => request('GET', casePath(aid, cid)),
  scanURL: (aid, cid, name) => `${casePath(aid, cid)}/scans/${encodeURIComponent(name)}`,
  scan: (aid, cid, name) => bytes(`${casePath(aid, cid)}/scans/${encodeURIComponent(name)}`),
  /** One tile of a scan's level (docs/API.md): a PNG, cached by the browser for good. */
  tile: (aid, cid, name, level, column, row) =>
    bytes(`${casePath(aid, cid)}/scans/${encodeURIComponent(name)}/tiles/${level}/${column}/${row}`),
  /** The material class of every pixel of the case's scans (a 16-bit grey PNG of class codes). */
  classMap: (aid, cid) => bytes(`${casePath(aid, cid)}/classes.png`),
  probe: (aid, cid, name, x, y) =>
    request('GET', `${casePath(aid, cid)}/scans/${encodeURIComponent(name)}/probe?x=${x}&y=${y}`),
  doorURL: (aid, cid) => `${casePath(aid, cid)}/door.svg`,
  examine: (aid, cid, points) => request('POST', `${casePath(aid, cid)}/examine`, { points }),
  decide: (aid, cid, decision) => request('POST', `${casePath(aid, cid)}/decisions`, decision),
  feedback: (aid, cid) => request('GET', `${casePath(aid, cid)}/feedback`),
};
