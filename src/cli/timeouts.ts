/**
 * How long an interactive command waits on the daemon. A daemon whose event loop is stuck still
 * accepts connections (the kernel queues them), so without a reply timeout a command would hang.
 */
export const CLI_CALL = { connectTimeoutMs: 5_000, callTimeoutMs: 10_000 } as const;
