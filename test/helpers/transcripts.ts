// Claude Code transcripts for tests: `lines` user records of one session, each telling its
// version (`v1`, `v2`: a rewrite gives other uuids) and index, with `content` after them.
export function claudeUserTranscript(session: string, version: string, lines: number, content: string): string {
  return Array.from(
    { length: lines },
    (_, i) =>
      JSON.stringify({
        type: "user",
        sessionId: session,
        uuid: `${version}-${i}`,
        timestamp: "2026-11-20T10:00:00.000Z",
        cwd: "/p",
        message: { role: "user", content: `${version} line ${i} ${content}` },
      }) + "\n",
  ).join("");
}
