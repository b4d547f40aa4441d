// The few WebDriver (classic, W3C) commands a WebKit device needs, as HTTP over the relay's unix socket
// (relay.ts): WebKitWebDriver listens only on its namespace's loopback. Every call has a deadline: a
// session request with a bad browser argument never answers.
import { request } from 'node:http';

interface Reply {
  value: unknown;
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export class WebDriverError extends Error {}

export class WebDriverSession {
  private readonly socketPath: string;
  private readonly id: string;

  private constructor(socketPath: string, id: string) {
    this.socketPath = socketPath;
    this.id = id;
  }

  /** Waits until the driver answers on the socket (it takes a moment to listen). */
  static async ready(socketPath: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await send(socketPath, 'GET', '/status', undefined, 2_000);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  static async create(socketPath: string, capabilities: Record<string, unknown>): Promise<WebDriverSession> {
    const value = (await send(
      socketPath,
      'POST',
      '/session',
      { capabilities: { alwaysMatch: capabilities } },
      30_000,
    )) as {
      sessionId: string;
    };
    return new WebDriverSession(socketPath, value.sessionId);
  }

  private call(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<unknown> {
    return send(this.socketPath, method, `/session/${this.id}${path}`, body, timeoutMs);
  }

  async navigate(url: string): Promise<void> {
    await this.call('POST', '/url', { url });
  }

  async refresh(): Promise<void> {
    await this.call('POST', '/refresh', {});
  }

  /** Runs `script` (a function body; `arguments[last]` is the callback) and returns what it passes on. */
  executeAsync(script: string, args: unknown[]): Promise<unknown> {
    return this.call('POST', '/execute/async', { script, args });
  }

  async find(selector: string): Promise<string> {
    const value = await this.call('POST', '/element', { using: 'css selector', value: selector });
    const id = (value as Record<string, unknown> | null)?.[ELEMENT];
    if (typeof id !== 'string')
      throw new WebDriverError(`no element reference for ${selector}: ${JSON.stringify(value)}`);
    return id;
  }

  async click(element: string): Promise<void> {
    await this.call('POST', `/element/${element}/click`, {});
  }

  async type(element: string, text: string): Promise<void> {
    await this.call('POST', `/element/${element}/clear`, {});
    await this.call('POST', `/element/${element}/value`, { text });
  }

  async screenshot(element?: string): Promise<Buffer> {
    const path = element ? `/element/${element}/screenshot` : '/screenshot';
    return Buffer.from((await this.call('GET', path)) as string, 'base64');
  }

  async close(): Promise<void> {
    await send(this.socketPath, 'DELETE', `/session/${this.id}`, undefined, 10_000).catch(() => undefined);
  }
}

function send(
  socketPath: string,
  method: string,
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath,
        method,
        path,
        timeout: timeoutMs,
        headers: { host: 'localhost', 'content-type': 'application/json; charset=utf-8' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => {
          let reply: Reply;
          try {
            reply = JSON.parse(text) as Reply;
          } catch {
            return reject(new WebDriverError(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
          }
          const error = reply.value as { error?: string; message?: string } | null;
          if ((res.statusCode ?? 500) >= 400 || error?.error) {
            return reject(new WebDriverError(`${method} ${path}: ${error?.error}: ${error?.message}`));
          }
          resolve(reply.value);
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new WebDriverError(`${method} ${path}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}
