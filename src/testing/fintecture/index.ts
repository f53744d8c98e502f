/** The fintecture simulator: not implemented yet. */
export {};
