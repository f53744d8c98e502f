/**
 * Typed events for Polybank and Connection, composed rather than inherited: users get
 * `on`/`once`/`off`, not EventEmitter's whole surface. eventemitter3 underneath; a listener
 * that throws is reported and never breaks a bank flow.
 */
import { EventEmitter } from 'eventemitter3';

/** A listener of an event, called with the event's arguments (see `ConnectionEvents`, `BankEvents`). */
export type Listener<Args extends unknown[]> = (...args: Args) => void;

type Guarded = (...args: unknown[]) => void;

export class Emitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #inner = new EventEmitter();
  readonly #guarded = new WeakMap<object, Guarded>();
  readonly #onError: (event: string, error: unknown) => void;

  constructor(onError: (event: string, error: unknown) => void) {
    this.#onError = onError;
  }

  #guard<Args extends unknown[]>(event: string, listener: Listener<Args>): Guarded {
    let guarded = this.#guarded.get(listener);
    if (!guarded) {
      guarded = (...args: unknown[]): void => {
        try {
          Reflect.apply(listener, undefined, args);
        } catch (error) {
          this.#onError(event, error);
        }
      };
      this.#guarded.set(listener, guarded);
    }
    return guarded;
  }

  on<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): void {
    this.#inner.on(event, this.#guard(event, listener));
  }

  once<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): void {
    this.#inner.once(event, this.#guard(event, listener));
  }

  off<E extends keyof Events & string>(event: E, listener: Listener<Events[E]>): void {
    const guarded = this.#guarded.get(listener);
    if (guarded) this.#inner.off(event, guarded);
  }

  emit<E extends keyof Events & string>(event: E, ...args: Events[E]): void {
    this.#inner.emit(event, ...args);
  }
}
