import { describe, expect, it } from 'vitest';
import { codeDeliveryParser, type CodeDelivery } from '../src/emulators/cognito.ts';

/** What cognito-local 5.3 prints for a ForgotPassword (pino-pretty, colours on). */
const PRINTED =
  '[1795629263945] \u001b[32mINFO\u001b[39m: \u001b[36m1c2ecd9a ForgotPassword ╭──────╮\n' +
  '│                                                       │\n' +
  '│   Confirmation Code Delivery                          │\n' +
  '│                                                       │\n' +
  '│   Username:    62710520-e194-4f98-88ef-523e33a8f96e   │\n' +
  '│   Destination: a@b.com                                │\n' +
  '│   Code:        870102                                 │\n' +
  '│                                                       │\n' +
  '╰──────╯\u001b[39m \u001b[90m{"reqId":"1c2ecd9a","target":"ForgotPassword"}\u001b[39m\n';

describe("reading codes from cognito-local's output", () => {
  it('finds each delivery, however the output is cut into chunks', () => {
    for (const size of [1, 7, 64, PRINTED.length * 2]) {
      const seen: CodeDelivery[] = [];
      const feed = codeDeliveryParser((d) => seen.push(d));
      const text = `noise\n${PRINTED}more noise\n${PRINTED.replace('870102', '123456')}`;
      for (let i = 0; i < text.length; i += size) feed(text.slice(i, i + size));
      expect(seen).toEqual([
        { operation: 'ForgotPassword', destination: 'a@b.com', code: '870102' },
        { operation: 'ForgotPassword', destination: 'a@b.com', code: '123456' },
      ]);
    }
  });
});
