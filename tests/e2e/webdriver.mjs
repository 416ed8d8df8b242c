// A minimal W3C WebDriver client for driving the built app through
// tauri-driver: just the handful of endpoints the end-to-end tests use, so the
// tests need no npm packages at all.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {}

/** WebDriver's codes for the keys that type no character. */
export const KEY = {
  enter: "\uE007",
  escape: "\uE00C",
  control: "\uE009",
  alt: "\uE00A",
  shift: "\uE008",
  up: "\uE013",
  down: "\uE015",
  end: "\uE010",
  f10: "\uE03A",
};

async function call(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const value = payload.value ?? {};
    throw new WebDriverError(`${method} ${path}: ${value.error ?? response.status}: ${value.message ?? ""}`);
  }
  return payload.value;
}

/** Waits until `probe` returns a truthy value, polling for at most `timeoutMs`. */
export async function waitFor(what, probe, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ""}`);
}

export class Element {
  constructor(session, id) {
    this.session = session;
    this.id = id;
  }
  #path(suffix) {
    return `/session/${this.session.id}/element/${this.id}${suffix}`;
  }
  /**
   * Clicks as a user would, after scrolling the element into view: WebKit's
   * driver does not scroll it out of a scrolled container (the rooms' <main>).
   */
  async click() {
    await this.session.execute("arguments[0].scrollIntoView({ block: 'nearest' })", [
      { [ELEMENT]: this.id },
    ]);
    return this.session.call("POST", this.#path("/click"), {});
  }
  /** A right click in its middle, as a mouse makes it (WebDriver actions: button 2 down and up). */
  async contextClick() {
    const element = { [ELEMENT]: this.id };
    await this.session.execute("arguments[0].scrollIntoView({ block: 'nearest' })", [element]);
    const press = [
      { type: "pointerMove", origin: element, x: 0, y: 0 },
      { type: "pointerDown", button: 2 },
      { type: "pointerUp", button: 2 },
    ];
    return this.session.perform({ type: "pointer", id: "mouse", parameters: { pointerType: "mouse" }, actions: press });
  }
  type(text) {
    return this.session.call("POST", this.#path("/value"), { text });
  }
  clear() {
    return this.session.call("POST", this.#path("/clear"), {});
  }
  text() {
    return this.session.call("GET", this.#path("/text"));
  }
  property(name) {
    return this.session.call("GET", this.#path(`/property/${name}`));
  }
  async find(css) {
    const value = await this.session.call("POST", this.#path("/element"), { using: "css selector", value: css });
    return new Element(this.session, value[ELEMENT]);
  }
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application) {
    const value = await call(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application } } },
    });
    return new Session(base, value.sessionId);
  }

  call(method, path, body) {
    return call(this.base, method, path, body);
  }

  async find(css) {
    const value = await this.call("POST", `/session/${this.id}/element`, { using: "css selector", value: css });
    return new Element(this, value[ELEMENT]);
  }

  async findAll(css) {
    const values = await this.call("POST", `/session/${this.id}/elements`, { using: "css selector", value: css });
    return values.map((value) => new Element(this, value[ELEMENT]));
  }

  /** Waits for an element to exist, then returns it. */
  waitFind(css, timeoutMs) {
    return waitFor(css, () => this.find(css), timeoutMs);
  }

  /**
   * Presses and releases `key` (a WebDriver key code) as a keyboard does, on
   * whatever has the focus; with `ctrl`, while Control is held.
   */
  async pressKey(key, { ctrl = false } = {}) {
    const press = [
      ...(ctrl ? [{ type: "keyDown", value: KEY.control }] : []),
      { type: "keyDown", value: key },
      { type: "keyUp", value: key },
      ...(ctrl ? [{ type: "keyUp", value: KEY.control }] : []),
    ];
    return this.perform({ type: "key", id: "keyboard", actions: press });
  }

  /** Performs one input source's WebDriver actions, then releases whatever they left pressed. */
  async perform(source) {
    await this.call("POST", `/session/${this.id}/actions`, { actions: [source] });
    return this.call("DELETE", `/session/${this.id}/actions`);
  }

  execute(script, args = []) {
    return this.call("POST", `/session/${this.id}/execute/sync`, { script, args });
  }

  async screenshot() {
    return Buffer.from(await this.call("GET", `/session/${this.id}/screenshot`), "base64");
  }

  end() {
    return this.call("DELETE", `/session/${this.id}`);
  }
}
