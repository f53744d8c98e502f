/**
 * Test-wide settings. Every test sees everything polybank logs (tests that check levels set
 * theirs explicitly), and every provider's output is checked against the model schemas,
 * the second pass production skips for the built-in providers.
 */
process.env.POLYBANK_LOG ??= 'debug';
Reflect.set(globalThis, Symbol.for('polybank.validateModel'), true);
