/** polybank/powerauth: not implemented yet; this entry exports nothing until its provider lands. */
export {};
