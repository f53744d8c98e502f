/** The flinks simulator: not implemented yet. */
export {};
