/** The powerauth simulator: not implemented yet. */
export {};
