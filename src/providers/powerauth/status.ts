/**
 * `GET /api/service/status`, once per adapter instance: concurrent callers share one
 * probe (SingleFlight). A caller that aborts stops waiting at once; when the probe itself
 * was aborted by the caller whose request it rode on, the others probe again with their
 * own signal. A failed probe is not remembered: the next call checks again.
 */
import { SingleFlight, isAbortedError, type AdapterContext } from '../../provider.js';
import { serviceStatus } from './client.js';

export class StatusProbe {
  readonly #flight = new SingleFlight<'status', 'ok' | 'absent'>();
  #checked = false;

  async ensure(ctx: AdapterContext): Promise<void> {
    while (!this.#checked) {
      try {
        await this.#flight.run('status', ctx.signal, () => serviceStatus(ctx));
        this.#checked = true;
      } catch (error) {
        // Another caller's abort is not ours: check again with our own signal.
        if (isAbortedError(error) && !ctx.signal.aborted) continue;
        throw error;
      }
    }
  }
}
