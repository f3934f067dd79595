// Name patterns shared by the schemas and by code that must not load zod (the CLI's fast paths).
export const VAULT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** A scope a secret may be limited to: printable ASCII, no spaces. */
export const SCOPE_PATTERN = /^[\x21-\x7e]{1,128}$/;
/** An entry named with its vault, VAULT/NAME (sessions.launch's secrets and allow). */
export const SECRET_REF_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\/.{1,256}$/;
/** An environment variable name a session may be given. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** A harness name in config and in sessions.launch. */
export const HARNESS_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
