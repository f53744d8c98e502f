/** polybank/flinks: not implemented yet; this entry exports nothing until its provider lands. */
export {};
