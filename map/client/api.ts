import { byId } from './dom.ts';

const KEY_STORAGE = 'fleetlake.api_key';

/** An answer the page cannot use, already shown to the user. */
export class ApiProblem extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

let pendingKey: Promise<string> | undefined;

/**
 * fetch() for the /v1 routes with the tab's API key as a Bearer token. A 401
 * asks for a key (kept in sessionStorage, so for this tab only) and retries;
 * any other failure is shown in the problem banner and thrown as ApiProblem.
 */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  for (;;) {
    const headers = new Headers(init.headers);
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key) headers.set('authorization', `Bearer ${key}`);
    const response = await fetch(path, { ...init, headers });
    if (response.status === 401) {
      sessionStorage.removeItem(KEY_STORAGE);
      sessionStorage.setItem(KEY_STORAGE, await askForKey(await problemText(response)));
      continue;
    }
    if (!response.ok) {
      const text = await problemText(response);
      showProblem(text);
      throw new ApiProblem(response.status, text);
    }
    clearProblem();
    return response;
  }
}

export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await (await apiFetch(path, init)).json()) as T;
}

/** "403 Forbidden: …" with the API's own message and, for 429, when to retry. */
async function problemText(response: Response): Promise<string> {
  let message = response.statusText;
  try {
    const body = (await response.json()) as { message?: string; error?: string };
    if (body.message) message = body.error ? `${body.message} (${body.error})` : body.message;
  } catch {
    // Not JSON: the status text says enough.
  }
  const retry = response.headers.get('retry-after');
  const wait = response.status === 429 && retry ? ` Retry in ${retry} s.` : '';
  const what = { 401: 'a key is needed', 403: 'this key may not do that', 429: 'too many requests' }[response.status];
  return `${response.status}${what ? ` (${what})` : ''}: ${message}.${wait}`;
}

/** For promises nobody awaits: an API refusal is on screen already; anything else is put there rather than lost in the console. */
export function reportFailure(err: unknown): void {
  if (!(err instanceof ApiProblem)) showProblem(`Something failed: ${err instanceof Error ? err.message : String(err)}`);
}

export function showProblem(text: string): void {
  const banner = byId('problem');
  banner.textContent = text;
  banner.hidden = false;
}

function clearProblem(): void {
  byId('problem').hidden = true;
}

/** One prompt at a time: requests that meet a 401 together wait for the same key. */
function askForKey(reason: string): Promise<string> {
  pendingKey ??= new Promise<string>((resolve, reject) => {
    const dialog = byId<HTMLDialogElement>('key-dialog');
    const input = byId<HTMLInputElement>('key-input');
    byId('key-reason').textContent = reason;
    input.value = '';
    const done = () => {
      pendingKey = undefined;
      dialog.removeEventListener('close', onClose);
    };
    const onClose = () => {
      done();
      if (dialog.returnValue === 'ok' && input.value.trim() !== '') resolve(input.value.trim());
      else {
        showProblem(reason);
        reject(new ApiProblem(401, reason));
      }
    };
    byId('key-cancel').onclick = () => dialog.close('cancel');
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
  });
  return pendingKey;
}
