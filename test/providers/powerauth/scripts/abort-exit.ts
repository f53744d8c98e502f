/**
 * A short-lived process (a serverless handler, a CLI): it aborts the link and exits the
 * moment the loop throws. Run by abort-exit.test.ts in a child process against a
 * simulator served by the parent: the bank must have heard CANCELED before the exit.
 *
 * ABORT_AT=yield: abort while the user looks at the SMS code page (the loop waits at a yield).
 * ABORT_AT=flight: abort while the SMS + password check is at the bank.
 */
import { Polybank, isAbortedError } from '../../../../src/index.js';
import { powerauth } from '../../../../src/providers/powerauth/index.js';

const baseUrl = process.env.SIM_URL ?? '';
const at = process.env.ABORT_AT ?? 'yield';
const bank = new Polybank({ providers: [powerauth({ baseUrl })] });
const controller = new AbortController();
const conn = bank.connect('powerauth', { username: 'user1234' });
const started = Date.now();
try {
  for await (const challenge of conn.authenticate({ signal: controller.signal })) {
    if (challenge.type !== 'otp') throw new Error(`unexpected ${challenge.type}`);
    if (at === 'yield') {
      controller.abort();
      continue;
    }
    challenge.answer({ code: '00000000', password: 'wrong' });
    // The parent holds sms/password/verify at the bank: abort while it is in flight.
    setTimeout(() => controller.abort(), 150);
  }
} catch (error) {
  process.stdout.write(`${JSON.stringify({ aborted: isAbortedError(error), ms: Date.now() - started })}\n`);
  process.exit(0);
}
process.stdout.write(`${JSON.stringify({ aborted: false })}\n`);
process.exit(1);
