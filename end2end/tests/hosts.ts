import { port } from '../playwright.config';

/** URL of a path on one host of the test server (hubs are told apart by host). */
export function at(host: string, path = '/'): string {
  return `http://${host}:${port}${path}`;
}
