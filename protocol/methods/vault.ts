import { z } from "zod";
import { defineMethod } from "../method.js";
import { SCOPE_PATTERN, VAULT_NAME_PATTERN } from "../patterns.js";

export const vaultName = z
  .string()
  .regex(VAULT_NAME_PATTERN, "letters, digits, . _ - (up to 64), not starting with . _ -")
  .describe("Vault name: $WARDEN_HOME/vaults/<vault>.vault");
export const secretName = z.string().min(1).max(256).describe("Entry name, as given to `warden vault add`");
const scope = z.string().regex(SCOPE_PATTERN, "1 to 128 printable ASCII characters, no spaces");
const seconds = (what: string) =>
  z
    .number()
    .int()
    .min(1)
    .max(30 * 86400)
    .describe(what);

const unlocked = z.object({
  vault: z.string(),
  unlockedAt: z.string().describe("ISO-8601"),
  idleSecs: z.number().int().describe("Idle lifetime: locked after this long without a get"),
  maxSecs: z.number().int().describe("Hard lifetime from unlock, whatever the use"),
  idleSecsRemaining: z.number().describe("Seconds until idle eviction, as of now"),
  maxSecsRemaining: z.number().describe("Seconds until hard-max eviction, as of now"),
});

export const unlock = defineMethod({
  name: "vault.unlock",
  summary: "Hand the daemon a vault key",
  description:
    "The client derives the key from the passphrase (Argon2id, parameters from the vault file) and sends it once, base64. The daemon checks it against the file's check block, keeps it in locked secure memory, and evicts it after idleSecs without a get or maxSecs after unlock. A wrong key answers bad_passphrase after a delay that grows with each failure from the same user.",
  params: z.strictObject({
    vault: vaultName,
    key: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/, "32 bytes, base64")
      .describe("The 32-byte master key, base64"),
    idleSecs: seconds("Idle lifetime override (config vault.idleSecs, default 900)").optional(),
    maxSecs: seconds("Hard lifetime override (config vault.maxSecs, default 28800)").optional(),
  }),
  result: unlocked,
  errors: ["not_found", "bad_passphrase", "vault_corrupt"],
});

export const lock = defineMethod({
  name: "vault.lock",
  summary: "Forget one vault's key",
  description: "Zeroizes and frees the key. Locking a vault that is not unlocked is not an error: locked says whether there was a key.",
  params: z.strictObject({ vault: vaultName }),
  result: z.object({ vault: z.string(), locked: z.boolean() }),
  example: { params: { vault: "work" }, result: { vault: "work", locked: true } },
});

export const lockAll = defineMethod({
  name: "vault.lockAll",
  summary: "Forget every vault key",
  description: "Zeroizes and frees every key the daemon holds.",
  params: z.strictObject({}),
  result: z.object({ locked: z.array(z.string()) }),
});

export const status = defineMethod({
  name: "vault.status",
  summary: "Which vaults are unlocked, and for how long",
  description: "Unlocked vaults with their idle and hard-max lifetimes and the seconds left of each. Never any key material.",
  params: z.strictObject({}),
  result: z.object({ vaults: z.array(unlocked) }),
});

export const get = defineMethod({
  name: "vault.get",
  summary: "Read one secret",
  description:
    "Reads the entry from the vault file (so changes made with the CLI show at once), checks its scopes, and returns the value. Every call, allowed or denied, is audited with the observed peer (uid, pid, executable, argv, masked), for an agent its session, and the declared reason and caller; never the value. Identical reads by one process within a second are coalesced into one record with a count, and a repeat is answered once that record is written. A session's agents are rate-limited (rate_limited). Served to agents. A read by a session's agent may need a person's approval (the entry's approval policy, the session's credential scope): a grant in force for (session, vault, name) serves it (the record names the grant; a one-read grant serves exactly one); else a request is made (or the session's pending one for the entry reused) and the call answers approval_pending (data.request), or with wait, waits for the decision.",
  params: z.strictObject({
    vault: vaultName
      .optional()
      .describe(
        "Default: config vault.default; else the only unlocked vault; else, none unlocked, the only vault there is (answered vault_locked, naming it). Several and none of those: invalid_params, listing them",
      ),
    name: secretName,
    scope: scope.optional().describe("Required when the entry has scopes: one of them"),
    reason: z.string().min(1).max(500).describe("Why the secret is needed; recorded in the audit log"),
    caller: z.string().min(1).max(200).optional().describe("Who says they are asking (self-declared; the peer is observed anyway)"),
    wait: z
      .boolean()
      .default(false)
      .describe(
        "When the read needs approval: hold the call until a person decides (approved: the value; denied: approval_denied; expired: approval_expired), instead of answering approval_pending at once. Other requests on the connection are served meanwhile; a client that closes (or half-closes) the connection ends its wait, and is served nothing",
      ),
    waitSecs: z
      .number()
      .int()
      .min(1)
      .max(30 * 86400)
      .optional()
      .describe("With wait: how long to hold at most (default and maximum: config approvals.timeoutSecs); then approval_pending if still undecided"),
  }),
  result: z.object({ vault: z.string(), name: z.string(), value: z.string() }),
  agent: true,
  errors: ["vault_locked", "not_found", "scope_denied", "vault_corrupt", "rate_limited", "approval_pending", "approval_denied", "approval_expired"],
});
