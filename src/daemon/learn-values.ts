// What the daemon does with a secret value it comes to know (served, injected, or in a vault just
// unlocked): masked from now on in everything recorded, remembered by keyed digest (the values of
// one unlock in one fsynced append) so it stays masked after the vault locks or the daemon
// restarts, and masked in the history stored before it was known.
import type { SecretValues } from "../masking/secret-values.js";
import { appendDigests } from "../masking/masked-digests.js";
import type { DigestEntry } from "../masking/known-digests.js";
import type { Logger } from "../platform/log.js";
import type { RemaskJob } from "../sync/remask-job.js";
import type { Lifetime } from "./lifetime.js";

export function valueLearner(digestsPath: string, secrets: SecretValues, remask: RemaskJob, logger: Logger, lifetime: Lifetime): (value: string) => void {
  const digestsToWrite: DigestEntry[] = [];
  const writeDigests = (): void => {
    try {
      appendDigests(digestsPath, digestsToWrite.splice(0));
    } catch (err) {
      logger.error("could not record masked values' digests", { event: "digests_failed", error: (err as Error).message });
    }
  };
  lifetime.defer("masked digests", writeDigests);
  return (value) => {
    const added = secrets.addRemembered(value);
    if (added === null) return;
    if (added.length > 0 && digestsToWrite.push(...added) === added.length) setImmediate(writeDigests);
    // Rows stored while it was not in memory (never known, or its vault locked since a restart) are found and masked.
    remask.add([value]);
  };
}
