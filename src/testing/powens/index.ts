/** The powens simulator: not implemented yet. */
export {};
